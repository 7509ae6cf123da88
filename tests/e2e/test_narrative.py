"""A narrative map authored from explorer permalinks, then read as a story."""

import pytest
from django.utils import timezone

from portal.knowledge.models import Resource
from tests.e2e.test_explorer import mapped  # noqa: F401  (the map layers of the story)
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_author_composes_the_steps_then_a_visitor_reads_the_story(page, mapped, organisation):  # noqa: F811
    author = UserFactory(email="conteuse@exemple.test")
    author.memberships.create(organisation=organisation)
    story = Resource.objects.create(
        kind="narrative_map",
        title="Le chômage en cinq communes",
        slug="recit-test",
        summary="Un récit de test.",
        organisation=organisation,
        created_by=author,
    )
    story.authors.add(author)

    page.goto("/compte/login/")
    page.get_by_label("Courriel").fill(author.email)
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.goto("/ressources/recit-test/etapes/")
    page.get_by_label("Titre").fill("Le chômage par commune")
    page.get_by_label("Texte (Markdown)").fill("Chaumont se distingue **nettement**.")
    page.get_by_label("Carte").fill("/carte/?indicateur=nimporte")
    page.get_by_role("button", name="Enregistrer les étapes").click()
    assert "Indicateur inconnu" in page.content()
    assert not story.steps.exists()

    page.get_by_label("Carte").fill(
        "http://127.0.0.1:8000/carte/?indicateur=taux-chomage-15-64&niveau=commune&periode=2021&methode=quantiles&classes=3"
    )
    page.get_by_role("button", name="Enregistrer les étapes").click()
    page.wait_for_url("**/ressources/recit-test/gerer/")
    step = story.steps.get()
    assert step.map_state.startswith("/carte/?indicateur=taux-chomage-15-64&niveau=commune")
    assert "<strong>nettement</strong>" in step.text_html

    # Published, anyone reads it as a story whose map follows the step.
    Resource.objects.filter(pk=story.pk).update(status="published", published_at=timezone.now())
    page.context.clear_cookies()
    missing = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    page.goto("/ressources/recit-test/recit/")
    page.locator("[data-ready='true']").first.wait_for()
    assert "Le chômage par commune" in page.content()
    assert missing == [] and page.console_errors == []

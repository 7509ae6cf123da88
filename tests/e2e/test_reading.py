"""Reading the knowledge base in a real browser: search with a facet, then the resource;
a narrative map draws its map from the stored layers."""

import pytest

from portal.knowledge.choices import ResourceKind, ResourceStatus
from portal.knowledge.models import NarrativeStep, Resource, Theme
from portal.knowledge.search.services import search_documents_refresh
from tests.e2e.test_explorer import mapped  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def publish(title, summary, *, kind=ResourceKind.PRACTICE_SHEET, slug, **links):
    from django.utils import timezone

    resource = Resource.objects.create(
        kind=kind,
        title=title,
        slug=slug,
        summary=summary,
        body_html="<p>Corps du texte.</p>",
        status=ResourceStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    for name, values in links.items():
        getattr(resource, name).set(values)
    search_documents_refresh(Resource.objects.filter(pk=resource.pk))
    return resource


def test_a_visitor_finds_a_resource_by_search_and_facet_then_opens_it(page, db):
    isolation = Theme.objects.create(slug="isolement", name="Isolement")
    publish(
        "Rompre l'isolement des personnes âgées",
        "Des visites de voisinage pour les personnes âgées isolées.",
        slug="isolement-agees",
        themes=[isolation],
    )
    publish(
        "L'isolement des jeunes ruraux",
        "Une étude sur l'isolement des jeunes.",
        kind=ResourceKind.STUDY,
        slug="isolement-jeunes",
    )
    page.goto("/ressources/recherche/")
    # New messages are not translated yet (locale/ is the lead's): find fields by name.
    page.locator("input[name='q']").fill("isolées")
    page.locator("form.search-form button[type='submit']").click()
    assert page.locator(".result").count() == 2
    assert page.locator(".result mark").count() >= 1
    page.locator("a[data-facet='theme']", has_text="Isolement").click()
    assert page.locator(".result").count() == 1
    page.get_by_role("link", name="Rompre l'isolement des personnes âgées").click()
    page.wait_for_url("**/ressources/isolement-agees/")
    assert "Rompre l'isolement des personnes âgées" in page.locator("h1").inner_text()
    assert not page.console_errors


def test_a_narrative_map_draws_the_map_of_the_step_in_view(page, mapped):  # noqa: F811
    story = publish("Chômage en récit", "Un récit.", kind=ResourceKind.NARRATIVE_MAP, slug="recit")
    for position, (title, state) in enumerate(
        [
            ("Le chômage par commune", "indicateur=taux-chomage-15-64&niveau=commune&periode=2021"),
            ("Les actifs", "indicateur=actifs-15-64&niveau=commune&periode=2021"),
        ],
        start=1,
    ):
        NarrativeStep.objects.create(
            resource=story,
            position=position,
            title=title,
            text="Texte",
            text_html="<p>Texte de l'étape.</p>",
            map_state=f"/carte/?{state}",
        )
    page.goto("/ressources/recit/recit/")
    page.locator(".narrative[data-ready='true']").wait_for()
    assert page.locator("#narrative-map path.leaflet-interactive").count() == 5
    assert page.locator(".narrative[data-step='etape-1']").count() == 1
    assert page.locator(".narrative-legend li").count() >= 2
    page.locator("#etape-2").scroll_into_view_if_needed()
    page.locator(".narrative[data-step='etape-2']").wait_for()
    assert not page.console_errors

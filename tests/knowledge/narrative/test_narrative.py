"""Narrative maps read as a story."""

import pytest
from django.urls import reverse

from portal.knowledge.choices import ResourceKind
from portal.knowledge.models import NarrativeStep
from territories.maps import explorer
from tests.knowledge.helpers import draft, make

pytestmark = pytest.mark.django_db


def test_narrative_page_lists_steps_and_refuses_other_kinds(db, client, corpus):
    story = make("Récit", "Un récit.", kind=ResourceKind.NARRATIVE_MAP)
    NarrativeStep.objects.create(
        resource=story,
        position=1,
        title="Première étape",
        text="Texte",
        text_html="<p>Texte</p>",
        map_state="/carte/?indicateur=taux-chomage-15-64&niveau=epci&periode=2022",
    )
    page = client.get(reverse("knowledge:narrative", args=[story.slug]))
    assert page.status_code == 200 and "Première étape" in page.content.decode()
    other = client.get(reverse("knowledge:narrative", args=[corpus["energy"].slug]))
    assert other.status_code == 404
    hidden = client.get(reverse("knowledge:narrative", args=[corpus["members"].slug]))
    assert hidden.status_code == 404


def test_a_draft_story_is_previewed_by_its_authors_and_curators_only(client, cast, organisation):
    story = draft(cast, organisation, kind=ResourceKind.NARRATIVE_MAP, title="Récit en chantier")
    NarrativeStep.objects.create(
        resource=story,
        position=1,
        title="Étape provisoire",
        text="Texte",
        text_html="<p>Texte</p>",
        map_state="/carte/?indicateur=taux-chomage-15-64&niveau=epci&periode=2022",
    )
    url = reverse("knowledge:narrative", args=[story.slug])
    for reader in (cast.member, cast.org_admin, cast.curator, cast.admin):
        client.force_login(reader)
        page = client.get(url)
        assert page.status_code == 200, reader
        html = page.content.decode()
        assert "Étape provisoire" in html and "pas publié" in html
    for stranger in (cast.other_admin, cast.analyst):
        client.force_login(stranger)
        assert client.get(url).status_code == 404, stranger
    client.logout()
    assert client.get(url).status_code == 404


def test_a_step_names_its_level_in_french(client, corpus, monkeypatch):
    offered = {
        "indicators": [
            {
                "slug": "taux-chomage-15-64",
                "name": "Taux de chômage des 15-64 ans",
                "theme": "emploi",
                "unit": "%",
                "polarity": "negative",
                "decimals": 1,
                "levels": {"departement": [2022]},
                "variant_of": None,
                "dimension": "",
                "variant_label": "",
            }
        ]
    }
    monkeypatch.setattr(explorer, "options", lambda: offered)
    story = make("Récit", "Un récit.", kind=ResourceKind.NARRATIVE_MAP)
    NarrativeStep.objects.create(
        resource=story,
        position=1,
        title="Première étape",
        text="Texte",
        text_html="<p>Texte</p>",
        map_state="/carte/?indicateur=taux-chomage-15-64&niveau=departement&periode=2022",
    )
    html = client.get(reverse("knowledge:narrative", args=[story.slug])).content.decode()
    assert "(Département)" in html and "(departement)" not in html

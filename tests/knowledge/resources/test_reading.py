"""Reading published resources elsewhere: feeds, API, territory portraits, demo content —
each showing only what the reader may read."""

import io
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.knowledge.choices import ResourceStatus, Visibility
from portal.knowledge.models import NarrativeStep, Preconisation, Resource
from portal.knowledge.reference.services import reference_preconisations_load
from portal.knowledge.search import selectors as search
from tests.knowledge.helpers import ATOM, make

pytestmark = pytest.mark.django_db


def test_visibility_in_feed_and_api(corpus, client, cast):
    feed = ElementTree.fromstring(client.get(reverse("knowledge:feed")).content)
    feed_titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert "La précarité énergétique des ménages" in feed_titles
    assert not any("réservé" in t or "Brouillon" in t for t in feed_titles)

    api = client.get("/api/v1/resources/").json()
    api_titles = [r["title"] for r in api["results"]]
    assert len(api_titles) == 4 and not any("réservé" in t for t in api_titles)
    assert client.get(f"/api/v1/resources/{corpus['members'].slug}/").status_code == 404
    client.force_login(cast.member)
    api_titles = [r["title"] for r in client.get("/api/v1/resources/").json()["results"]]
    assert "Précarité des familles monoparentales (réservé)" in api_titles
    assert not any("Brouillon" in t for t in api_titles)
    # Feeds are public: a logged-in reader does not get members-only entries there either.
    feed = client.get(reverse("knowledge:feed")).content.decode()
    assert "réservé" not in feed


def test_theme_and_preconisation_feeds_parse(corpus, client, themes):
    reference_preconisations_load()
    corpus["energy"].preconisations.set([Preconisation.objects.get(number=3)])
    theme = ElementTree.fromstring(
        client.get(reverse("knowledge:feed_theme", args=["isolement"])).content
    )
    assert [e.findtext(f"{ATOM}title") for e in theme.iter(f"{ATOM}entry")] == [
        "Rompre l'isolement des personnes âgées"
    ]
    precos = ElementTree.fromstring(
        client.get(reverse("knowledge:feed_preconisation", args=[3])).content
    )
    entries = list(precos.iter(f"{ATOM}entry"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["La précarité énergétique des ménages"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(corpus["energy"].get_absolute_url())
    assert client.get(reverse("knowledge:feed_theme", args=["inconnu"])).status_code == 404


def test_portrait_section_lists_resources_of_the_territory_and_its_parents(
    small_geography, client, cast
):
    geo = small_geography
    make("Action intercommunale", "Une action.", territories=[geo["epci_a"]])
    make("Plan régional", "Un plan.", territories=[geo["region"]])
    make("Autre EPCI", "Ailleurs.", territories=[geo["epci_b"]])
    make("Réservé ici", "Membres.", territories=[geo["98001"]], visibility=Visibility.MEMBERS)
    page = client.get(geo["98001"].get_absolute_url()).content.decode()
    assert "Action intercommunale" in page and "Plan régional" in page
    assert "Autre EPCI" not in page and "Réservé ici" not in page
    client.force_login(cast.member)
    assert "Réservé ici" in client.get(geo["98001"].get_absolute_url()).content.decode()
    epci_page = client.get(geo["epci_a"].get_absolute_url()).content.decode()
    assert "Plan régional" in epci_page and "Réservé ici" not in epci_page


def test_demo_loader_is_idempotent(db, catalogue):
    reference_preconisations_load()
    call_command("load_demo_resources", stdout=io.StringIO())
    call_command("load_demo_resources", stdout=io.StringIO())
    demo = Resource.objects.filter(is_demo=True)
    assert demo.count() == 4
    assert all(r.status == ResourceStatus.PUBLISHED for r in demo)
    ceser = demo.get(slug="ceser-cohesion-sociale-prevention-2024")
    assert ceser.preconisations.count() == 13
    assert ceser.territories.count() == 0  # the région is not loaded here: skipped
    assert NarrativeStep.objects.filter(resource__slug="demo-recit-chomage-pauvrete").count() == 3
    assert search.search_resources(user=None, query="précaire").total >= 1

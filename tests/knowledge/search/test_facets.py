"""Facets: counts per kind, theme, préconisation, territory and year, from one ranking;
filters read from the query string, invalid values ignored."""

import pytest
from django.urls import reverse

from portal.knowledge.models import Preconisation
from portal.knowledge.reference.services import reference_preconisations_load
from portal.knowledge.search import selectors as search
from portal.knowledge.search.forms import SearchForm
from tests.knowledge.helpers import make, titles

pytestmark = pytest.mark.django_db


def test_facets_count_and_filter(corpus, client, themes):
    result = search.search_resources(user=None, query="")
    kinds = {f["value"]: f["count"] for f in result.facets["type"]}
    assert kinds == {"practice_sheet": 1, "study": 1, "synthesis": 1, "technical_note": 1}
    assert {f["value"]: f["count"] for f in result.facets["theme"]} == {
        "isolement": 1,
        "logement": 1,
    }
    assert {f["value"]: f["count"] for f in result.facets["annee"]} == {2025: 1, 2024: 3}
    page = client.get(reverse("knowledge:search"), {"q": "isolement", "theme": "isolement"})
    assert page.status_code == 200
    assert page.context["result"].total == 1
    assert b"Rompre l&#x27;isolement des personnes \xc3\xa2g\xc3\xa9es" in page.content
    by_year = client.get(reverse("knowledge:search"), {"annee": "2025"})
    assert by_year.context["result"].total == 1
    by_kind = client.get(reverse("knowledge:search"), {"type": "technical_note"})
    assert titles(by_kind.context["result"]) == ["Calcul des taux de chômage"]


def test_a_territory_filter_reaches_parents_and_children(small_geography):
    geo = small_geography
    on_epci = make("Action intercommunale", "Une action.", territories=[geo["epci_a"]])
    on_region = make("Plan régional", "Un plan.", territories=[geo["region"]])
    make("Autre EPCI", "Ailleurs.", territories=[geo["epci_b"]])

    def found(value):
        filters = SearchForm({"territoire": value}).filters()
        return set(titles(search.search_resources(user=None, filters=filters)))

    assert found("commune/98001") == {on_epci.title, on_region.title}
    assert on_epci.title in found("departement/98")
    assert found("commune/98004") == {"Autre EPCI", on_region.title}
    assert on_epci.title in found("98001")  # a bare code


def test_every_facet_and_the_pages_come_from_one_ranking(small_geography, themes):
    """Facets count each matching resource once per value; pages follow one another."""
    reference_preconisations_load()
    geo = small_geography
    first, second = Preconisation.objects.filter(number__in=[1, 2]).order_by("number")
    for number in range(25):
        make(
            f"Précarité {number:02}",
            "Une étude sur la précarité." if number % 2 else "Un regard.",
            body="précarité" if number % 2 == 0 else "",
            year=2020 + number % 3,
            themes=[themes["logement"]] if number < 10 else [],
            preconisations=[first, second] if number < 4 else [second],
            territories=[geo["epci_a"], geo["98001"]] if number < 3 else [],
        )
    make("Hors sujet", "Rien à voir.", themes=[themes["isolement"]])
    result = search.search_resources(user=None, query="précaire", limit=10)
    assert result.total == 25
    facets = {name: {f["value"]: f["count"] for f in rows} for name, rows in result.facets.items()}
    assert facets["type"] == {"study": 25}
    assert facets["theme"] == {"logement": 10}
    assert facets["preconisation"] == {1: 4, 2: 25}
    assert facets["territoire"] == {"epci/200000001": 3, "commune/98001": 3}
    assert facets["annee"] == {2020: 9, 2021: 8, 2022: 8}
    labels = [f["label"] for f in result.facets["preconisation"]]
    assert labels[0].startswith("1. ")
    pages = [
        titles(search.search_resources(user=None, query="précaire", limit=10, offset=offset))
        for offset in (0, 10, 20)
    ]
    everything = [title for page in pages for title in page]
    assert len(everything) == 25 == len(set(everything))
    # Summaries mentioning the word (score 2) come before bodies only (score 1).
    assert all(int(title[-2:]) % 2 for title in pages[0])


def test_preconisation_facets_carry_the_reports_titles(corpus, client):
    """Every préconisation a resource can be filed under has its title, never a placeholder."""
    reference_preconisations_load()
    everything = Preconisation.objects.order_by("number")
    corpus["practice"].preconisations.set(everything)
    result = search.search_resources(user=None, query="")
    labels = {f["value"]: f["label"] for f in result.facets["preconisation"]}
    assert list(labels) == list(range(1, 14))
    assert labels[5] == "5. " + everything.get(number=5).title
    assert labels[9].startswith("9. Mettre en œuvre ou renforcer des collaborations")
    page = client.get(reverse("knowledge:search")).content.decode()
    assert "pas encore saisi" not in page and "Promouvoir l&#x27;accès aux droits" in page


@pytest.mark.parametrize(
    "params",
    [
        {"annee": "99999999999999999999"},
        {"annee": "-3"},
        {"preconisation": "99999999999999999999"},
        {"type": "inconnu"},
        {"theme": "pas un slug !"},
        {"territoire": "x" * 500},
        {"page": "99999999999999999999"},
        {"page": "abc"},
        {"q": "précarité" * 100},
    ],
)
def test_invalid_parameters_are_left_out_never_an_error(corpus, client, params):
    page = client.get(reverse("knowledge:search"), params)
    assert page.status_code == 200
    everything = search.search_resources(user=None).total
    if "q" not in params:
        assert page.context["result"].total == everything


@pytest.mark.parametrize("params", [{"q": "\x00"}, {"territoire": "98\x00"}])
def test_a_nul_character_is_refused_before_the_search(client, params):
    # portal.middleware refuses it on every page (PostgreSQL cannot store or compare it).
    assert client.get(reverse("knowledge:search"), params).status_code == 400


def test_the_form_reads_valid_filters():
    form = SearchForm({"type": "study", "annee": "2024", "preconisation": "3", "q": " x "})
    filters = form.filters()
    assert (filters.kind, filters.year, filters.preconisation) == ("study", 2024, 3)
    assert form.query == "x" and form.page_number == 1

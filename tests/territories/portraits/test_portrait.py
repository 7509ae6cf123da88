"""Portraits and the comparison on toy data: non-aggregable indicators explained and their
published values shown, the typology class named, territories found as the search finds
them, a later period that does not hide the comparable one."""

import re

import pytest
from django.urls import reverse

from territories.analyses.models import (
    Typology,
    TypologyLabel,
    TypologyMembership,
    TypologyResult,
)
from territories.catalogue.models import Indicator
from territories.choices import Level
from territories.geography.models import Territory
from territories.geography.selectors import search_territories
from territories.imports.values import values_import
from territories.pipeline import services as pipeline
from territories.pipeline.selectors import published_run_id
from territories.portraits.portrait import compare, not_aggregable, portrait, resolve
from tests.territories.conftest import write
from tests.territories.pipeline.test_pipeline import put

pytestmark = pytest.mark.django_db

POPULATION_2021 = {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250}


def text(response):
    """The page's text with French digit grouping and tags' spacing taken out."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", response.content.decode())


def item(result, slug):
    return next(i for i in result["indicators"] if i["indicator"].slug == slug)


@pytest.fixture
def medians(small_geography):
    """Medians imported for the communes, and one the source published for the département."""
    geo = small_geography
    put(geo, "population", POPULATION_2021)
    put(geo, "niveau-vie-median", {"98001": 21000, "98002": 22500})
    put(geo, "niveau-vie-median", {"departement": 21800})
    pipeline.recompute_now(reason="test")
    return geo


def test_a_median_says_why_the_region_has_none_and_shows_the_departements_published(medians):
    median = item(portrait(medians["98001"]), "niveau-vie-median")
    assert median["latest"]["value"] == 21000
    assert median["departement"] == {"value": 21800, "published": True}
    assert median["region"] is None
    assert median["not_aggregable"] == "médiane"
    # A count is aggregated: nothing to explain.
    assert item(portrait(medians["98001"]), "population")["not_aggregable"] is None


def test_the_portrait_page_marks_the_published_value_and_the_reason(client, medians):
    page = text(client.get(medians["98002"].get_absolute_url()))
    row = re.search(r"Niveau de vie médian.*?</tr>", page).group(0)
    assert ">22 500<" in row
    assert '21 800 <span class="badge"' in row and "publiée" in row
    assert "non agrégeable : médiane" in row


def test_the_departements_portrait_shows_its_published_median(client, medians):
    median = item(portrait(medians["departement"]), "niveau-vie-median")
    assert median["latest"]["value"] == 21800 and median["latest"]["published"]
    assert median["region"] is None and median["not_aggregable"] == "médiane"
    page = text(client.get(medians["departement"].get_absolute_url()))
    row = re.search(r"Niveau de vie médian.*?</tr>", page).group(0)
    assert ">21 800<" in row and "non agrégeable : médiane" in row


def test_medians_imported_for_the_departement_and_region_are_shown_as_published(
    tmp_path, small_geography
):
    """The source's own file for the upper levels goes in through the values import."""
    geo = small_geography
    put(geo, "niveau-vie-median", {"98001": 21000})
    for level, code, median in [("departement", "98", 21800), ("region", "99", 22100)]:
        path = write(tmp_path / f"{level}.csv", f"CODGEO;MED21\n{code};{median}\n")
        options = {
            "level": level,
            "code_column": "CODGEO",
            "period": 2021,
            "columns": [{"column": "MED21", "indicator": "niveau-vie-median"}],
        }
        values_import(path=path, original_name=path.name, options=options)
    pipeline.recompute_now(reason="test")
    median = item(portrait(geo["98001"]), "niveau-vie-median")
    assert median["departement"] == {"value": 21800, "published": True}
    assert median["region"] == {"value": 22100, "published": True}
    # None was published for the EPCI, and none can be computed.
    assert "niveau-vie-median" not in {
        i["indicator"].slug for i in portrait(geo["epci_a"])["indicators"]
    }


@pytest.mark.parametrize(
    ("slug", "reason"),
    [
        ("decile-1", "décile"),
        ("rapport-interdecile", "rapport de déciles"),
        ("part-prestations-sociales", "part sans sa base"),
        ("salaire-net-moyen", "moyenne sans ses pondérations"),
    ],
)
def test_every_non_aggregable_indicator_of_the_catalogue_names_its_reason(catalogue, slug, reason):
    assert not_aggregable(Indicator.objects.get(slug=slug)) == reason


@pytest.fixture
def classed(small_geography):
    geo = small_geography
    put(geo, "population", POPULATION_2021)
    pipeline.recompute_now(reason="test")
    typology = Typology.objects.create(name="Profils", slug="profils", level=Level.COMMUNE, k=2)
    result = TypologyResult.objects.create(run_id=published_run_id(), typology=typology, k=2)
    for code, number in [("98001", 1), ("98002", 1), ("98003", 2)]:
        TypologyMembership.objects.create(result=result, territory=geo[code], number=number)
    TypologyLabel.objects.create(typology=typology, number=1, label="Bourgs ruraux")
    return geo


def test_the_class_is_named_by_its_label_and_links_to_its_profile(client, classed):
    page = text(client.get(classed["98001"].get_absolute_url()))
    profile = reverse("analysis:typology_detail", args=["profils"]) + "#profiles-title"
    assert f'<a href="{profile}">« Bourgs ruraux »</a>' in page
    assert "« Bourgs ruraux » (moyenne de la classe)" in page
    assert "classe 1" not in page.lower()
    # The mean of its class: (100 + 200) / 2.
    assert item(portrait(classed["98001"]), "population")["class_mean"] == 150


def test_a_class_without_label_says_so(client, classed):
    page = text(client.get(classed["98003"].get_absolute_url()))
    assert "classe 2 (pas encore nommée)" in page


@pytest.fixture
def sarthe(small_geography):
    """A département « Sarthe » (72) and twelve communes « …-sur-Sarthe » whose codes start
    with 72: more than the first ten matches of a search."""
    region = small_geography["region"]
    departement = Territory.objects.create(
        level=Level.DEPARTEMENT, code="72", name="Sarthe", population=566000, region=region
    )
    for number in range(1, 13):
        Territory.objects.create(
            level=Level.COMMUNE,
            code=f"72{number:03}",
            name=f"Abbaye-{number:02}-sur-Sarthe",
            region=region,
            departement=departement,
        )
    Territory.objects.create(level=Level.COMMUNE, code="72900", name="Laval", region=region)
    Territory.objects.create(level=Level.COMMUNE, code="53130", name="Laval", region=region)
    return {**small_geography, "sarthe": departement}


@pytest.mark.parametrize("query", ["Sarthe", "sarthe", "72", "departement/72"])
def test_compare_finds_a_departement_by_name_or_code(sarthe, query):
    assert resolve(query) == (sarthe["sarthe"], None)


def test_the_search_puts_what_was_named_exactly_first(sarthe):
    assert search_territories("72")[0] == sarthe["sarthe"]
    assert search_territories("Sarthe")[0] == sarthe["sarthe"]


def test_an_ambiguous_name_is_listed_with_the_territories_it_may_mean(client, sarthe):
    found, problem = resolve("Laval")
    assert found is None
    assert {t.code for t in problem["candidates"]} == {"72900", "53130"}
    page = text(client.get(reverse("territories:compare"), {"t": ["Bellecombe", "Laval"]}))
    assert "« Laval » — vouliez-vous dire" in page
    assert "?t=commune%2F98002&amp;t=commune%2F53130" in page


def test_the_compare_page_shows_the_sarthe_and_a_commune(client, sarthe):
    page = text(client.get(reverse("territories:compare"), {"t": ["72", "Bellecombe"]}))
    assert 'value="departement/72"' in page and 'value="commune/98002"' in page
    assert "form-errors" not in page


@pytest.fixture
def ahead(small_geography):
    """Populations of 2021 for every commune; one commune already has its 2022 figure, too
    few for the EPCI, département and région of 2022 to be shown."""
    geo = small_geography
    put(geo, "population", POPULATION_2021)
    put(geo, "population", {"98001": 110}, period=2022)
    pipeline.recompute_now(reason="test")
    return geo


def test_a_later_period_without_references_does_not_hide_the_comparable_one(client, ahead):
    population = item(portrait(ahead["98001"]), "population")
    assert population["latest"]["period"] == 2021
    assert population["latest"]["value"] == 100
    assert population["departement"] == {"value": 1000, "published": False}  # 100 + … + 250
    assert [r["period"] for r in population["newer"]] == [2022]
    assert [(p["period"], p["value"], p["departement"]) for p in population["series"]] == [
        (2021, 100, 1000),
        (2022, 110, None),
    ]
    page = text(client.get(ahead["98001"].get_absolute_url()))
    assert "2022 : dans l’évolution, sans point de comparaison pour l’instant" in page


def test_the_latest_period_is_shown_once_it_has_references(ahead):
    put(ahead, "population", {"98002": 210, "98003": 300, "98004": 150, "98005": 250}, 2022)
    pipeline.recompute_now(reason="test")
    population = item(portrait(ahead["98001"]), "population")
    assert population["latest"]["period"] == 2022 and population["newer"] == []
    assert population["departement"]["value"] == 1020


def test_compare_shows_a_period_every_territory_has(ahead):
    rows = compare([ahead["98001"], ahead["98002"]])
    population = next(r for r in rows if r["indicator"].slug == "population")
    assert population["period"] == 2021
    assert [v["value"] for v in population["values"]] == [100, 200]


def test_the_region_without_references_shows_its_latest_period(ahead):
    population = item(portrait(ahead["region"]), "population")
    assert population["latest"]["period"] == 2022 and population["latest"]["status"] == "withheld"
    assert [p["value"] for p in population["series"]] == [1000, None]

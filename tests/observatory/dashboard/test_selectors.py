"""The dashboard's reads: the région's values per profession and year, the EPCI's of a year,
the most tense, and the maps' classes as the pipeline stored them."""

import json

import pytest

from observatory.dashboard import selectors
from observatory.indicators.definitions import ALL_PROFESSIONS, indicator_slug
from territories.choices import ValueStatus
from territories.maps.models import MapLayer
from tests.observatory.dashboard.conftest import AIDE, EDUC
from tests.observatory.dashboard.test_queries import grow

pytestmark = pytest.mark.django_db


def test_the_regions_values_by_profession_and_year(published):
    data = selectors.regional()
    assert data["run_id"] == published.run.pk
    assert data["region"] == {"code": "99", "name": "Région test"}
    assert data["years"] == [2023, 2024]
    assert data["professions"] == [
        ("educateur-specialise", "Éducateur spécialisé"),
        ("aide-a-domicile", "Aide à domicile"),
    ]
    values = data["values"]
    assert values[("indice-tension", EDUC, 2024)] == selectors.Cell(0.73, ValueStatus.OK)
    assert values[("effectif", ALL_PROFESSIONS, 2024)].value == 1234.0
    # A secret cell keeps its status and loses its number, whatever was written.
    assert values[("effectif", AIDE, 2024)] == selectors.Cell(None, ValueStatus.SECRET)
    assert data["is_demo"] is True
    assert data["poverty"].slug == "taux-pauvrete"


def test_the_epci_of_a_year_and_the_most_tense(published):
    data = selectors.regional()
    found = selectors.local(data, year=2024, profession=EDUC)
    assert found["epci"][("indice-tension", EDUC, "200000001")].value == 1.51
    assert found["epci"][("indice-tension", EDUC, "200000002")].secret
    assert found["epci"][("taux-vacance", EDUC, "200000001")].value == 9.5
    assert found["names"] == {"200000001": "CC Alpha", "200000002": "CC Bêta"}
    assert found["poverty"]["period"] == 2021
    assert found["poverty"]["cells"]["200000001"].value == pytest.approx(100 * 14000 / 60000)
    assert found["top"] == [(EDUC, "200000001"), (AIDE, "200000001"), (AIDE, "200000002")]


def test_the_maps_classes_are_the_stored_layers(published):
    grow(published, professions=1, epci=12)
    data = selectors.regional()
    added = next(code for code, _name in data["professions"] if code not in (EDUC, AIDE))
    found = selectors.local(data, year=2024, profession=added)
    layer = MapLayer.objects.get(
        run_id=data["run_id"],
        indicator__slug=indicator_slug("indice-tension", added),
        level="epci",
        period=2024,
    )
    quantiles = json.loads(bytes(layer.content))["classes"]["quantiles"]
    assert found["bounds"]["tension"] == quantiles["5"]
    # One known EPCI (the other is secret): one class (territories.maps.classification).
    assert selectors.local(data, year=2024, profession=EDUC)["bounds"]["tension"] == [1.51]

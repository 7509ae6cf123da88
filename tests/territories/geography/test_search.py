"""Territories are found by their names as people type them."""

import pytest

from territories.choices import Level
from territories.geography.models import Territory, fold
from territories.geography.selectors import search_territories


def test_fold_spells_ligatures_out_and_drops_accents():
    assert fold("Plœuc-L'Hermitage") == "ploeuc l hermitage"
    assert fold("LÆTITIA") == "laetitia"
    assert fold("Saint-Géréon") == "saint gereon"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Ploeuc", "plœuc", "ploeuc-l'hermitage", "PLOEUC L HERMITAGE"])
def test_a_name_with_a_ligature_is_found_as_typed(query):
    Territory.objects.create(level=Level.COMMUNE, code="22183", name="Plœuc-L'Hermitage")
    Territory.objects.create(level=Level.COMMUNE, code="22184", name="Plouguenast")
    assert [t.name for t in search_territories(query)] == ["Plœuc-L'Hermitage"]

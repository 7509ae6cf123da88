import pytest

from portal.knowledge.models import Axis, Preconisation
from portal.knowledge.reference.services import reference_preconisations_load

pytestmark = pytest.mark.django_db


def test_reference_load_is_complete_and_idempotent():
    reference_preconisations_load()
    reference_preconisations_load()
    assert Axis.objects.count() == 4
    assert Preconisation.objects.count() == 13
    ranges = {
        axis.number: sorted(axis.preconisations.values_list("number", flat=True))
        for axis in Axis.objects.all()
    }
    assert ranges == {1: [1, 2], 2: [3, 4, 5, 6], 3: [7, 8, 9, 10], 4: [11, 12, 13]}


def test_reference_load_keeps_curators_edits_unless_forced():
    reference_preconisations_load()
    Preconisation.objects.filter(number=4).update(title="Texte complété par la curation")
    reference_preconisations_load()
    assert Preconisation.objects.get(number=4).title == "Texte complété par la curation"
    reference_preconisations_load(force=True)
    assert Preconisation.objects.get(number=4).title != "Texte complété par la curation"


def test_each_preconisation_has_a_public_page(client):
    reference_preconisations_load()
    response = client.get("/preconisations/12/")
    assert response.status_code == 200
    assert "CLTSDS" in response.content.decode()
    assert client.get("/preconisations/14/").status_code == 404

"""The report's axes and préconisations: loaded once, each with its page."""

import pytest

from portal.knowledge.models import Axis, Preconisation
from portal.knowledge.reference.services import reference_preconisations_load
from territories.models import Indicator

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


def test_preconisation_page_lists_its_resources_and_indicators(corpus, client, catalogue):
    reference_preconisations_load()
    preconisation = Preconisation.objects.get(number=11)
    corpus["practice"].preconisations.set([preconisation])
    corpus["practice"].indicators.set([Indicator.objects.get(slug="taux-pauvrete")])
    corpus["members"].preconisations.set([preconisation])
    page = client.get(preconisation.get_absolute_url()).content.decode()
    assert "Rompre l&#x27;isolement des personnes âgées" in page
    assert Indicator.objects.get(slug="taux-pauvrete").name in page
    assert "réservé" not in page

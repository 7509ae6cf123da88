"""The « besoins / ressources » section of a territory's portrait: the needs the professions
answer beside their workforce figures, secret cells as INSEE shows them."""

import pytest

from territories.pipeline import services as pipeline
from tests.observatory.indicators.test_indicators import survey  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_portrait_sets_the_workforce_beside_the_needs(client, survey):  # noqa: F811
    pipeline.recompute_now(reason="test")
    page = client.get(survey["epci_b"].get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Besoins et ressources" in html
    # Home helpers answer the share of people aged 75 and over; educators poverty.
    assert "Part des 75 ans et plus" in html or "75 ans" in html
    assert "Aide à domicile" in html and "Éducateur spécialisé" in html
    # Bêta has one employer: its figures are secret, and say so.
    section = html[html.index("Besoins et ressources") :]
    assert "secret statistique" in section


def test_a_commune_reads_its_epcis_workforce(client, survey):  # noqa: F811
    pipeline.recompute_now(reason="test")
    html = client.get(survey["98001"].get_absolute_url()).content.decode()
    assert "ceux de CC Alpha sont affichés" in html

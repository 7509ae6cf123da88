"""The secrecy audit of the published run, for administrators."""

import pytest

from observatory.campaigns.models import Campaign
from territories.pipeline import services as pipeline
from tests.observatory.conftest import good_figures
from tests.observatory.indicators.test_indicators import (  # noqa: F401 (fixture)
    EDUC,
    YEAR,
    employer,
    survey,
    validated,
)

pytestmark = pytest.mark.django_db

URL = "/observatoire/secret-statistique/"


def test_administrators_read_each_masked_cells_interval(client, cast, survey):  # noqa: F811
    pipeline.recompute_now(reason="test")
    client.force_login(cast.admin)
    html = client.get(URL).content.decode()
    assert "Secret statistique : l&#x27;audit" in html or "Secret statistique : l'audit" in html
    assert "Cases insuffisamment protégées" in html
    assert "CC Bêta" in html and "moins de 3 employeurs" in html
    assert "Effectif" in html and "Équivalents temps plein" in html


def test_nobody_else_reads_it(client, cast, survey):  # noqa: F811
    pipeline.recompute_now(reason="test")
    assert client.get(URL).status_code == 302
    client.force_login(cast.member)
    assert client.get(URL).status_code == 403


def test_a_group_no_table_publishes_is_audited_and_named(client, cast, reference, survey):  # noqa: F811
    # Épinay leaves its EPCI, with one employer: the département less its EPCIs would be
    # that employer's figures.
    outside = survey["98005"]
    outside.epci = None
    outside.save()
    campaign = Campaign.objects.get(year=YEAR)
    lone = employer(7, outside, reference.child, reference.association)
    validated(campaign, lone, {EDUC: good_figures()})
    pipeline.recompute_now(reason="test")
    client.force_login(cast.admin)
    html = client.get(URL).content.decode()
    assert "communes hors EPCI" in html

"""The secrecy audit of the published run, for administrators."""

import pytest

from territories.pipeline import services as pipeline
from tests.observatory.indicators.test_indicators import survey  # noqa: F401 (fixture)

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

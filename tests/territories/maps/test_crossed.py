"""Crossed indicators on the région's real data: the pairs, the correlation computed apart
with numpy, what is left out, the classes, the page's queries and the exports."""

import csv
import io
import json

import numpy as np
import openpyxl
import pytest
from django.core.management import call_command

from territories.catalogue.models import Indicator
from territories.maps.crossed.selectors import crossed
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id
from tests.territories.conftest import REGION_DIR

pytestmark = pytest.mark.django_db

X, Y = "taux-pauvrete", "part-familles-monoparentales"
PAIR = {"x": X, "y": Y, "niveau": "epci"}


@pytest.fixture
def region():
    call_command("load_territories", str(REGION_DIR))


def _by_hand(slug, period):
    return dict(
        AggregateValue.objects.filter(
            run_id=published_run_id(), indicator__slug=slug, period=period, territory__level="epci"
        ).values_list("territory__code", "value")
    )


def test_the_epci_pair_is_read_and_computed_as_by_hand(region, client, django_assert_num_queries):
    x, y = Indicator.objects.get(slug=X), Indicator.objects.get(slug=Y)
    result = crossed(x=x, y=y, level="epci", period_x=2021, period_y=2022)
    xs, ys = _by_hand(X, 2021), _by_hand(Y, 2022)
    both = sorted(code for code in xs if xs[code] is not None and ys.get(code) is not None)
    assert [p.code for p in result.points] == both
    # Secret, withheld and missing values are left out and counted, never taken as zero.
    assert len(result.points) + len(result.excluded) == len(set(xs) | set(ys))
    assert {status for *_, status in result.excluded} <= {"secret", "withheld", "missing"}
    assert all(p.x is not None and p.y is not None for p in result.points)
    a = np.array([xs[c] for c in both])
    b = np.array([ys[c] for c in both])
    assert result.pearson == pytest.approx(np.corrcoef(a, b)[0, 1])
    ranks = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    assert result.spearman == pytest.approx(np.corrcoef(*ranks)[0, 1], abs=0.01)
    slope, intercept = np.polyfit(a, b, 1)
    assert (result.slope, result.intercept) == (pytest.approx(slope), pytest.approx(intercept))
    # Terciles: each third of the points in each class of an axis, give or take ties.
    for axis in (0, 1):
        counts = np.bincount([p.klass[axis] for p in result.points], minlength=4)[1:]
        assert counts.sum() == result.n and counts.min() >= result.n // 3 - 1
    # The région's own values are the guide lines.
    assert result.reference_is_region

    client.get("/carte/croiser/", PAIR)  # the boundaries' drawing is kept after the first
    with django_assert_num_queries(8):
        html = client.get("/carte/croiser/", PAIR | {"territoire": "nantes"}).content.decode()
    assert f"sur {result.n} territoires" in html
    assert "Nantes Métropole" in html and 'class="highlight"' in html
    assert html.count("<path ") >= result.n
    assert "sous secret statistique" in html or "non diffusé" in html
    # A name is found by any of its words; a territory left out is said to be left out.
    html = client.get("/carte/croiser/", PAIR | {"territoire": "laval"}).content.decode()
    assert "Mis en évidence : CA Laval Agglomération" in html
    code, name, _which, _status = result.excluded[0]
    html = client.get("/carte/croiser/", PAIR | {"territoire": code}).content.decode()
    assert "n’est pas représenté" in html and name in html
    for label in ("Télécharger en CSV", "Télécharger en CSV (Excel, français)", "XLSX"):
        assert label in html
    assert "/carte/croiser/export.csv-fr?" in html and "/carte/croiser/export.xlsx?" in html

    response = client.get("/carte/croiser/export.csv", PAIR)
    text = response.content.decode()
    assert text.startswith("code,nom,taux-pauvrete,part-familles-monoparentales,")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == result.n + len(result.excluded)
    assert sum(1 for r in rows if r["classe"]) == result.n
    # Left out (secret, withheld, missing): empty, with no number, in every form.
    secret = next(r for r in rows if not r["classe"])
    # The statuses in words, as people read them (the API keeps its codes).
    assert {secret["statut_x"], secret["statut_y"]} & {
        "Secret statistique",
        "Non affiché (couverture trop faible)",
        "Non disponible",
    }
    assert secret[X] == "" and secret[Y] == ""
    french = client.get("/carte/croiser/export.csv-fr", PAIR).content
    assert french.startswith(b"\xef\xbb\xbfcode;nom;")
    rows_fr = list(csv.DictReader(io.StringIO(french.decode("utf-8-sig")), delimiter=";"))
    shown = next(r for r in rows_fr if r["classe"])
    assert "," in shown[X] and "." not in shown[X]
    assert next(r for r in rows_fr if r["code"] == secret["code"])[X] == ""
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/carte/croiser/export.xlsx", PAIR).content)
    )
    assert book.sheetnames == ["Données", "Paramètres"]
    data = list(book["Données"].iter_rows(values_only=True))
    assert len(data) == 1 + result.n + len(result.excluded)
    assert next(r for r in data if r[0] == secret["code"])[2:4] == (None, None)
    parameters = dict(list(book["Paramètres"].iter_rows(values_only=True))[1:])
    assert parameters["r de Pearson"] == pytest.approx(result.pearson)
    assert parameters["Territoires comparés"] == result.n
    document = json.loads(client.get("/carte/croiser/export.geojson", PAIR).content)
    assert document["metadata"]["pearson"] == pytest.approx(result.pearson)
    assert {f["properties"]["code"] for f in document["features"]} >= set(both)
    png = client.get("/carte/croiser/export.png", PAIR)
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


WRONG = [
    ({"x": X, "y": X}, "Choisissez deux indicateurs différents."),
    ({"x": "inconnu"}, "Sélectionnez un choix valide"),
    ({"niveau": "pays"}, "Sélectionnez un choix valide"),
    ({"periode_x": "1900"}, "Sélectionnez un choix valide"),
    ({"periode_x": "2022"}, "est donné pour 2021 à ce niveau"),
    ({"periode_y": "abc"}, "Sélectionnez un choix valide"),
]


def test_wrong_parameters_get_a_clear_message_and_nothing_breaks(region, client):
    for params, message in WRONG:
        response = client.get("/carte/croiser/", PAIR | params)
        assert response.status_code == 200
        assert message in response.content.decode(), params
        export = client.get("/carte/croiser/export.csv", PAIR | params)
        assert export.status_code == 400 and message in export.content.decode(), params


def test_without_published_figures_the_page_says_so(db, client):
    response = client.get("/carte/croiser/")
    assert response.status_code == 200
    assert "Aucune carte n’est encore publiée" in response.content.decode()


def test_the_sheet_of_the_second_default_crosses_it_with_another(region, client):
    html = client.get("/carte/croiser/", {"x": Y}).content.decode()
    assert "Choisissez deux indicateurs différents" not in html
    assert "r de Pearson" in html


def test_points_are_coloured_by_a_typologys_classes(region, client):
    call_command("load_analyses")
    params = PAIR | {"niveau": "commune", "couleur": "typologie:typologie-communale"}
    html = client.get("/carte/croiser/", params).content.decode()
    assert "r de Pearson" in html
    # The legend names the typology's classes (labelled or numbered), one colour each.
    legend = html.split('class="legend-groups"')[1].split("</ul>")[0]
    assert legend.count("<li>") >= 2
    # A commune typology cannot colour EPCI.
    html = client.get("/carte/croiser/", PAIR | {"couleur": params["couleur"]}).content.decode()
    assert "classe les territoires d’un autre niveau" in html

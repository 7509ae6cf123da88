"""Map layers: class bounds as mapclassify computes them, boundaries that keep shared
borders, stored layers served with ETag and gzip, the explorer's permalink and exports."""

import csv
import gzip
import io
import json

import geopandas as gpd
import mapclassify
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
import shapely.affinity
from django.core.management import call_command

from territories.catalogue.models import Indicator, IndicatorValue
from territories.geography.models import Territory
from territories.maps.classification import class_bounds
from territories.maps.models import LayerGeometry, MapLayer
from territories.pipeline import services as pipeline
from territories.pipeline.selectors import published_run_id
from tests.territories.conftest import REGION_DIR
from tests.territories.pipeline.test_pipeline import put

pytestmark = pytest.mark.django_db


def test_class_bounds_are_mapclassify_bounds():
    values = np.random.default_rng(7).lognormal(2, 0.6, 500)
    bounds = class_bounds(values)
    assert bounds["quantiles"]["5"] == pytest.approx(list(mapclassify.Quantiles(values, k=5).bins))
    assert bounds["equal_interval"]["4"] == pytest.approx(
        list(mapclassify.EqualInterval(values, k=4).bins)
    )
    assert bounds["natural_breaks"]["6"] == pytest.approx(
        list(mapclassify.FisherJenks(values, k=6).bins)
    )
    # Mean − 2 standard deviations lies below the smallest value here: that empty class is
    # dropped (tests/territories/maps/test_classification.py).
    std_bins = mapclassify.StdMean(values, multiples=[-2, -1, 1, 2]).bins
    assert std_bins[0] < values.min()
    assert bounds["std_mean"]["5"] == pytest.approx(list(std_bins[1:]))
    assert set(bounds["quantiles"]) == {"3", "4", "5", "6", "7"}


@pytest.fixture
def layered(small_geography):
    put(
        small_geography,
        "actifs-15-64",
        {"98001": 50, "98002": 100, "98003": 150, "98004": 80, "98005": 120},
    )
    put(
        small_geography,
        "chomeurs-15-64",
        {"98001": 5, "98002": 10, "98003": 30, "98004": 8, "98005": 12},
    )
    put(
        small_geography,
        "taux-chomage-15-64",
        {"98001": 10, "98002": 10, "98003": 20, "98004": 10, "98005": None},
    )
    for index, code in enumerate(["98001", "98002", "98003", "98004", "98005"]):
        territory = small_geography[code]
        territory.geometry = shapely.geometry.mapping(
            shapely.box(index * 0.1, 47, index * 0.1 + 0.1, 47.1)
        )
        territory.save()
    pipeline.recompute_now(reason="test")
    return small_geography


def test_layers_hold_values_ranks_and_classes(layered):
    layer = MapLayer.objects.get(indicator__slug="taux-chomage-15-64", level="commune", period=2021)
    document = json.loads(bytes(layer.content))
    assert document["values"]["98003"] == [20.0, "ok", 1.0, 1]  # the highest rate ranks first
    assert document["values"]["98005"][1] == "secret"
    assert document["known"] == 4
    assert json.loads(gzip.decompress(bytes(layer.content_gzip))) == document
    epci = MapLayer.objects.get(indicator__slug="taux-chomage-15-64", level="epci", period=2021)
    assert set(json.loads(bytes(epci.content))["values"]) == {"200000001", "200000002"}


def test_the_layer_endpoint_serves_stored_bytes_with_etag_and_gzip(
    client, layered, django_assert_num_queries
):
    url = "/carte/couche/taux-chomage-15-64/commune/2021.json"
    with django_assert_num_queries(2):  # the published run, then the layer
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    with django_assert_num_queries(0):  # then both come from Django's cache
        client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    etag = response["ETag"]
    assert json.loads(gzip.decompress(response.content))["level"] == "commune"
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert json.loads(client.get(url).content)["period"] == 2021
    assert client.get("/carte/couche/taux-chomage-15-64/commune/1999.json").status_code == 404
    assert client.get("/carte/couche/inconnu/commune/2021.json").status_code == 404
    assert client.get("/carte/couche/taux-chomage-15-64/lune/2021.json").status_code == 404
    geometry = client.get("/carte/geometrie/commune.geojson")
    assert len(json.loads(geometry.content)["features"]) == 5


def test_a_new_run_is_served_at_once(client, layered):
    url = "/carte/couche/taux-chomage-15-64/commune/2021.json"
    before = client.get(url)
    IndicatorValue.objects.filter(
        indicator__slug="taux-chomage-15-64", territory__code="98005"
    ).update(value=30.0, status="ok")
    pipeline.recompute_now(reason="test")
    after = client.get(url)
    assert after["ETag"] != before["ETag"]
    assert json.loads(after.content)["values"]["98005"][0] == 30.0
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_only_the_layers_of_what_changed_are_computed_again(layered):
    def layers():
        run = published_run_id()
        return {
            (layer.indicator.slug, layer.level): (layer.etag, layer.inputs)
            for layer in MapLayer.objects.filter(run_id=run).select_related("indicator")
        }

    before = layers()
    pipeline.recompute_now(reason="nothing changed")
    assert layers() == before  # every layer reused, inputs and bytes alike
    IndicatorValue.objects.filter(indicator__slug="chomeurs-15-64", territory__code="98005").update(
        value=24
    )
    pipeline.recompute_now(reason="one count changed")
    after = layers()
    changed = {key for key in after if after[key] != before[key]}
    # The count's layers, and the rate the EPCI and département rebuild from it; the
    # communes' rates are as imported, unchanged.
    assert changed == {
        ("chomeurs-15-64", "commune"),
        ("chomeurs-15-64", "epci"),
        ("chomeurs-15-64", "departement"),
        ("taux-chomage-15-64", "epci"),
        ("taux-chomage-15-64", "departement"),
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("indicateur=nimporte&niveau=lune", "Indicateur inconnu"),
        (
            "indicateur=taux-chomage-15-64&niveau=commune&periode=abc",
            "Aucune carte pour la période",
        ),
        ("indicateur=taux-chomage-15-64&methode=magie", "Méthode de classement inconnue"),
        ("indicateur=taux-chomage-15-64&classes=99", "entre 3 et 7"),
        ("indicateur=taux-chomage-15-64&methode=manual&bornes=10+5", "ordre croissant"),
        ("indicateur=taux-chomage-15-64&methode=manual&bornes=abc", "des nombres"),
    ],
)
def test_a_permalink_edited_with_nonsense_gets_a_clear_message(client, layered, query, message):
    response = client.get(f"/carte/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()


def test_exports_carry_their_parameters_and_parse(client, layered):
    query = "indicateur=taux-chomage-15-64&niveau=commune&periode=2021&methode=manual&bornes=12"
    text = client.get(f"/carte/export.csv?{query}").content.decode()
    # The header first: the parameters are in the XLSX (test_table_downloads_in_three_forms).
    assert text.splitlines()[0].startswith("code,nom,valeur,statut")
    frame = pd.read_csv(io.StringIO(text))
    assert dict(zip(frame.code.astype(str), frame.classe, strict=True))["98003"] == 2
    geo = client.get(f"/carte/export.geojson?{query}")
    document = json.loads(geo.content)
    assert document["metadata"]["bounds"] == [12.0, 20.0]
    frame = gpd.read_file(io.BytesIO(geo.content))
    assert len(frame) == 5 and "value" in frame.columns
    assert (
        client.get(f"/carte/export.csv?{query.replace('bornes=12', 'bornes=50')}").status_code
        == 400
    )
    assert client.get("/carte/export.exe?" + query).status_code == 404


def test_the_explorer_export_neutralises_formulas_like_the_api(client, layered):
    Territory.objects.filter(code="98001").update(name="=1+1")
    Territory.objects.filter(code="98002").update(name="+33 @SUM(A1)")
    Territory.objects.filter(code="98004").update(name="@HYPERLINK(x)")
    query = "indicateur=taux-chomage-15-64&niveau=commune&periode=2021"
    for fmt, sep in (("csv", ","), ("csv-fr", ";")):
        text = client.get(f"/carte/export.{fmt}?{query}").content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        names = [row[1] for row in rows[1:]]
        assert {"'=1+1", "'+33 @SUM(A1)", "'@HYPERLINK(x)"} <= set(names)
        assert not any(name.startswith(("=", "+", "@")) for name in names)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/carte/export.xlsx?{query}").content))
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert "'=1+1" in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)
    assert not any(str(cell.value).startswith(("=", "+", "@")) for cell in cells)


def test_table_downloads_in_three_forms(client, layered):
    """« CSV » for programs and international spreadsheets, « CSV (Excel, français) » for
    French ones, XLSX with its parameters in a sheet of their own; a secret value is empty,
    with no number, in every form."""
    Indicator.objects.filter(slug="taux-chomage-15-64").update(is_demo=True)
    query = "indicateur=taux-chomage-15-64&niveau=commune&periode=2021&methode=manual&bornes=12"
    url = "/carte/export.{}?" + query

    international = client.get(url.format("csv"))
    assert international["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="cohesion-taux-chomage-15-64-commune-2021.csv"'
        in (international["Content-Disposition"])
    )
    raw = international.content
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.startswith(b"code,nom,valeur,")
    rows = list(csv.DictReader(io.StringIO(raw.decode())))
    by_code = {row["code"]: row for row in rows}
    assert by_code["98003"]["valeur"] == "20.0" and by_code["98003"]["classe"] == "2"
    assert by_code["98005"]["valeur"] == "" and by_code["98005"]["statut"] == ("Secret statistique")
    assert not any(line.startswith("#") for line in raw.decode().splitlines())

    french = client.get(url.format("csv-fr"))
    assert "-excel-fr.csv" in french["Content-Disposition"]
    raw = french.content
    assert raw.startswith(b"\xef\xbb\xbfcode;nom;valeur;") and b"\r\n" in raw
    assert raw.count(b"\r\n") == raw.count(b"\n")
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    by_code = {row["code"]: row for row in rows}
    assert by_code["98003"]["valeur"] == "20,0" and by_code["98003"]["couverture"] == "1,0"
    assert by_code["98005"]["valeur"] == "" and by_code["98005"]["couverture"] == "0,0"
    assert not any(line.startswith("#") for line in text.splitlines())
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert frame.valeur.sum() == pytest.approx(50.0)

    workbook = client.get(url.format("xlsx"))
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        'filename="cohesion-taux-chomage-15-64-commune-2021.xlsx"'
        in (workbook["Content-Disposition"])
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames == ["Données", "Paramètres"]
    data = list(book["Données"].iter_rows(values_only=True))
    assert data[0][:3] == ("code", "nom", "valeur")
    by_code = {row[0]: row for row in data[1:]}
    assert by_code["98003"][2] == 20.0 and by_code["98005"][2] is None
    assert by_code["98005"][3] == "Secret statistique"
    parameters = dict(list(book["Paramètres"].iter_rows(values_only=True))[1:])
    assert parameters["Classement"] == "Bornes manuelles"
    assert parameters["Niveau"] == "Commune" and parameters["Période"] == 2021
    assert "12.0" in parameters["Bornes supérieures des classes"]
    assert parameters["Remarque"] == "Données fictives de démonstration"
    assert {"Source", "Exporté le", "Indicateur", "Calculé le"} <= set(parameters)

    # The page offers the three forms by name (its script gives them the map's address).
    html = client.get(f"/carte/?{query}").content.decode()
    for label, fmt in (("CSV", None), ("CSV (Excel, français)", "csv-fr"), ("XLSX", "xlsx")):
        assert f">{label}</a>" in html
        assert fmt is None or f"export-{fmt}" in html


def test_portrait_and_comparison(client, layered):
    html = client.get(layered["98003"].get_absolute_url()).content.decode()
    assert "Département test" in html and "Région test" in html
    compare = client.get(
        "/territoires/comparer/", {"t": ["98001", "commune/98003", "introuvable"]}
    ).content.decode()
    assert "Aubert" in compare and "Chaumont" in compare and "introuvable" in compare


def test_region_boundaries_keep_shared_borders_and_fit_the_budget(capsys):
    call_command("load_territories", str(REGION_DIR))
    sizes = {g.level: len(g.content_gzip) for g in LayerGeometry.objects.all()}
    assert sizes["commune"] <= 150 * 1024
    features = json.loads(bytes(LayerGeometry.objects.get(level="commune").content))["features"]
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    assert len(shapes) == 1228
    union = shapely.union_all(shapes)
    # Neighbours still meet: no overlap between communes, and the gaps left by rounding the
    # coordinates add up to less than a hectare per thousand km² of region.
    source = shapely.union_all(
        [shapely.geometry.shape(t.geometry) for t in Territory.objects.filter(level="commune")]
    )

    def holes(geometry):
        return sum(
            shapely.Polygon(r).area
            for p in getattr(geometry, "geoms", [geometry])
            for r in p.interiors
        )

    overlap = sum(s.area for s in shapes) - union.area
    assert overlap / union.area < 0.0005
    assert (holes(union) - holes(source)) / union.area < 0.0001
    assert abs(union.area - source.area) / source.area < 0.005
    assert MapLayer.objects.filter(level="commune").count() > 40


def _holes(shapes):
    union = shapely.union_all(shapes)
    return [
        shapely.Polygon(ring)
        for polygon in getattr(union, "geoms", [union])
        for ring in polygon.interiors
    ]


def test_simplification_opens_no_gap_with_another_sources_borders():
    """Another producer's boundaries rarely share exact vertices: here every other commune of
    the région is moved by about a metre, which leaves slivers and overlaps along its borders,
    as such files do. The simplified layer must still tile the ground: no hole in the union of
    the communes (so none in the EPCI and département layers built from them)."""
    from territories.maps.geometries import simplify_coverage

    with open(REGION_DIR / "communes.geojson") as source:
        features = json.load(source)["features"]
    shapes = np.array([shapely.geometry.shape(f["geometry"]) for f in features])
    shifted = shapes.copy()
    shifted[::2] = [shapely.affinity.translate(s, 1.2e-5, -0.8e-5) for s in shifted[::2]]
    assert len(_holes(shifted)) > 100  # the slivers the shift opened
    for geometries in (shapes, shifted):
        simplified = simplify_coverage(geometries)
        assert not any(s.is_empty for s in simplified)
        assert _holes(simplified) == []
        overlap = sum(s.area for s in simplified) - shapely.union_all(simplified).area
        assert overlap / shapely.union_all(simplified).area < 0.0005

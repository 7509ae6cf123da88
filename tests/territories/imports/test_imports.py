"""Imports: every format, secrecy markers, code changes, and every kind of bad input."""

import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from territories.catalogue.models import IndicatorValue
from territories.geography.models import Territory
from territories.imports.common import ImportFailed
from territories.imports.geography import geography_import
from territories.imports.values import values_import
from tests.territories.conftest import geojson, square, write

pytestmark = pytest.mark.django_db

POVERTY = {
    "level": "commune",
    "code_column": "CODGEO",
    "period": 2021,
    "columns": [
        {"column": "TP60", "indicator": "taux-pauvrete"},
        {"column": "NBPERS", "indicator": "personnes-menages-fiscaux"},
    ],
}


def run(tmp_path, name, text, options=POVERTY, encoding="utf-8"):
    path = write(tmp_path / name, text, encoding)
    return values_import(path=path, original_name=name, options=options)


def stored(slug="taux-pauvrete"):
    return dict(
        IndicatorValue.objects.filter(indicator__slug=slug).values_list("territory__code", "value")
    )


def test_insee_csv_with_semicolons_decimal_comma_and_secrecy(tmp_path, small_geography):
    report = run(
        tmp_path, "filo.csv", "CODGEO;TP60;NBPERS\n98001;12,5;100\n98002;s;200\n98003;nd;300\n"
    )
    assert report["accepted"] == 3 and report["rejected"] == []
    assert stored() == {"98001": 12.5, "98002": None, "98003": None}
    statuses = dict(
        IndicatorValue.objects.filter(indicator__slug="taux-pauvrete").values_list(
            "territory__code", "status"
        )
    )
    assert statuses == {"98001": "ok", "98002": "secret", "98003": "missing"}
    assert report["indicators"]["taux-pauvrete@2021"] == {"ok": 1, "secret": 1, "missing": 1}


def test_latin1_comma_separated_csv(tmp_path, small_geography):
    text = "CODGEO,TP60,NBPERS,Libellé\n98001,10.0,100,Aubert é\n"
    report = run(tmp_path, "latin.csv", text, encoding="latin-1")
    assert report["accepted"] == 1
    assert stored() == {"98001": 10.0}


def test_xlsx(tmp_path, small_geography):
    path = tmp_path / "valeurs.xlsx"
    pd.DataFrame({"CODGEO": ["98001", "98004"], "TP60": [8.5, "s"], "NBPERS": [100, 150]}).to_excel(
        path, index=False
    )
    report = values_import(path=path, original_name="valeurs.xlsx", options=POVERTY)
    assert report["accepted"] == 2
    assert stored() == {"98001": 8.5, "98004": None}


def test_codes_of_an_older_geography_are_mapped(tmp_path, small_geography):
    options = {**POVERTY, "code_vintage": 2024}
    report = run(tmp_path, "old.csv", "CODGEO;TP60;NBPERS\n98099;10;50\n", options)
    assert report["remapped"] == [{"line": "2", "from": "98099", "to": "98005"}]
    assert stored() == {"98005": 10.0}


def test_a_merger_adds_counts_and_rebuilds_rates_from_them(tmp_path, small_geography):
    options = {**POVERTY, "code_vintage": 2024}
    report = run(tmp_path, "merge.csv", "CODGEO;TP60;NBPERS\n98099;10;100\n98005;20;300\n", options)
    assert report["accepted"] == 2
    assert stored("personnes-menages-fiscaux") == {"98005": 400}
    assert stored() == {"98005": pytest.approx((10 * 100 + 20 * 300) / 400)}


BAD_ROWS = [
    ("98777;10;5", "unknown"),
    ("98001;abc;5", "abc"),
    ("98001;10;-5", "negative"),
]


@pytest.mark.parametrize(("row", "word"), BAD_ROWS)
def test_bad_rows_are_rejected_with_line_and_reason(tmp_path, small_geography, row, word):
    text = f"CODGEO;TP60;NBPERS\n98002;11;10\n{row}\n"
    report = run(tmp_path, "bad.csv", text, {**POVERTY, "accept_valid_rows": True})
    assert report["accepted"] == 1
    [rejected] = report["rejected"]
    assert rejected["line"] == "3"
    reason = rejected["reason"].lower()
    assert (
        word in reason
        or {"unknown": "inconnu", "negative": "négatif", "abc": "abc"}[word] in reason
    )


def test_duplicate_code_rows_are_rejected(tmp_path, small_geography):
    report = run(
        tmp_path,
        "dup.csv",
        "CODGEO;TP60;NBPERS\n98001;10;1\n98001;12;1\n",
        {**POVERTY, "accept_valid_rows": True},
    )
    assert report["rejected"][0]["line"] == "3"
    assert "2" in report["rejected"][0]["reason"]
    assert stored() == {"98001": 10.0}


def test_by_default_one_rejected_row_refuses_the_whole_file(tmp_path, small_geography):
    with pytest.raises(ImportFailed) as failure:
        run(tmp_path, "strict.csv", "CODGEO;TP60;NBPERS\n98001;10;1\n98777;1;1\n98002;x;1\n")
    assert [r["line"] for r in failure.value.report["rejected"]] == ["3", "4"]
    assert "rien n’a été importé" in str(failure.value).lower() or "nothing" in str(failure.value)
    assert IndicatorValue.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.csv", b"", "vide"),
        ("entete.csv", b"CODGEO;TP60;NBPERS\n", "aucune ligne"),
        ("faux.csv", b"PK\x03\x04binary", "pas un fichier texte"),
        ("faux.xlsx", b"CODGEO;TP60\n98001;1\n", "pas un classeur"),
        ("faux.gpkg", b"not a geopackage at all", "pas un GeoPackage"),
        ("tronque.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feat', "JSON"),
        ("image.png", b"\x89PNG....", "non pris en charge"),
    ],
)
def test_unreadable_files_fail_clearly_and_change_nothing(
    tmp_path, small_geography, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as failure:
        values_import(path=path, original_name=name, options=POVERTY)
    assert message.lower() in str(failure.value).lower()
    assert IndicatorValue.objects.count() == 0


def test_missing_columns_are_named(tmp_path, small_geography):
    with pytest.raises(ImportFailed) as failure:
        run(tmp_path, "cols.csv", "CODE;TP60\n98001;1\n")
    assert "CODGEO" in str(failure.value) and "NBPERS" in str(failure.value)


GEO = {"level": "commune", "code_column": "code", "geometry_only": True}


def test_geojson_boundaries_and_a_repaired_self_intersecting_polygon(tmp_path, small_geography):
    bowtie = {"type": "Polygon", "coordinates": [[[-1, 47], [0, 48], [0, 47], [-1, 48], [-1, 47]]]}
    text = geojson(
        [
            {"type": "Feature", "properties": {"code": "98001"}, "geometry": square(-1.5, 47)},
            {"type": "Feature", "properties": {"code": "98002"}, "geometry": bowtie},
        ]
    )
    path = write(tmp_path / "c.geojson", text)
    report = geography_import(path=path, original_name="c.geojson", options=GEO)
    assert report["accepted"] == 2
    assert report["repaired"][0]["line"] == "entité 2"
    assert "Self-intersection" in report["repaired"][0]["reason"]
    repaired = shapely.geometry.shape(Territory.objects.get(code="98002").geometry)
    assert repaired.is_valid and repaired.area == pytest.approx(0.5)


def test_projected_geojson_without_crs_is_refused(tmp_path, small_geography):
    text = geojson(
        [
            {
                "type": "Feature",
                "properties": {"code": "98001"},
                "geometry": square(350000, 6700000, 1000),
            }
        ]
    )
    path = write(tmp_path / "l93.geojson", text)
    with pytest.raises(ImportFailed) as failure:
        geography_import(path=path, original_name="l93.geojson", options=GEO)
    assert "projection" in str(failure.value)
    assert Territory.objects.get(code="98001").geometry is None


def test_geopackage_in_lambert93_is_reprojected(tmp_path, small_geography):
    frame = gpd.GeoDataFrame(
        {"code": ["98003"]}, geometry=[shapely.box(350000, 6700000, 351000, 6701000)], crs=2154
    )
    path = tmp_path / "c.gpkg"
    frame.to_file(path, driver="GPKG")
    report = geography_import(path=path, original_name="c.gpkg", options=GEO)
    assert report["accepted"] == 1 and "Reprojet" in report["notes"][0]
    lon, lat = shapely.geometry.shape(Territory.objects.get(code="98003").geometry).centroid.coords[
        0
    ]
    assert -5 < lon < 10 and 40 < lat < 52


def _zipped_shapefile(tmp_path, drop=None):
    frame = gpd.GeoDataFrame(
        {"code": ["98004"]}, geometry=[shapely.box(0, 45, 0.1, 45.1)], crs=4326
    )
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "communes.shp")
    archive = tmp_path / "communes.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for part in folder.iterdir():
            if part.suffix != drop:
                handle.write(part, part.name)
    return archive


def test_zipped_shapefile(tmp_path, small_geography):
    archive = _zipped_shapefile(tmp_path)
    report = geography_import(path=archive, original_name="communes.zip", options=GEO)
    assert report["accepted"] == 1
    assert Territory.objects.get(code="98004").geometry["type"] == "Polygon"


def test_zipped_shapefile_missing_a_part_is_refused(tmp_path, small_geography):
    archive = _zipped_shapefile(tmp_path, drop=".dbf")
    with pytest.raises(ImportFailed) as failure:
        geography_import(path=archive, original_name="communes.zip", options=GEO)
    assert ".dbf" in str(failure.value)


def test_windows_1252_tab_separated_with_bom_free_accents(tmp_path, small_geography):
    text = "CODGEO\tTP60\tNBPERS\tLibellé\n98001\t10,5\t100\tSaint-Étienne-de-Mer’Morte\n"
    report = run(tmp_path, "cp1252.tsv", text, encoding="cp1252")
    assert report["accepted"] == 1 and stored() == {"98001": 10.5}


def test_utf8_bom_semicolon_file(tmp_path, small_geography):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffCODGEO;TP60;NBPERS\n98001;9,5;10\n".encode())
    report = values_import(path=path, original_name="bom.csv", options=POVERTY)
    assert report["accepted"] == 1 and stored() == {"98001": 9.5}


@pytest.mark.parametrize("row", ["98001;10", "98001;10;1;extra"])
def test_short_or_long_rows_refuse_the_file_with_their_line(tmp_path, small_geography, row):
    text = f"CODGEO;TP60;NBPERS\n98002;11;10\n{row}\n"
    with pytest.raises(ImportFailed) as failure:
        run(tmp_path, "ragged.csv", text, {**POVERTY, "accept_valid_rows": True})
    message = str(failure.value)
    assert "3" in message and "Error tokenizing" not in message and "C error" not in message
    assert IndicatorValue.objects.count() == 0


def test_xlsx_renamed_csv_is_read_as_a_workbook(tmp_path, small_geography):
    path = tmp_path / "export.csv"
    pd.DataFrame({"CODGEO": ["98001"], "TP60": ["7.5"], "NBPERS": ["3"]}).to_excel(
        path, index=False, engine="openpyxl"
    )
    report = values_import(path=path, original_name="export.csv", options=POVERTY)
    assert report["accepted"] == 1 and stored() == {"98001": 7.5}


def test_undecodable_bytes_are_refused_in_french(tmp_path, small_geography):
    path = tmp_path / "binaire.csv"
    path.write_bytes(bytes(range(1, 256)) * 40)
    with pytest.raises(ImportFailed) as failure:
        values_import(path=path, original_name="binaire.csv", options=POVERTY)
    assert "encodage" in str(failure.value)
    assert IndicatorValue.objects.count() == 0


def test_the_upload_form_takes_code_changes_and_explains_what_is_missing(tmp_path, small_geography):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from territories.geography.models import CodeChange
    from territories.imports.forms import ImportForm
    from territories.imports.services import data_import_from_path

    content = b"ancien;nouveau\n98098;98004\n"
    base = {
        "kind": "code_changes",
        "level": "commune",
        "code_column": "ancien",
        "code_vintage": 2026,
    }
    form = ImportForm(base, {"file": SimpleUploadedFile("passage.csv", content)})
    assert not form.is_valid()
    assert form.errors["new_column"] == ["Nécessaire pour des changements de codes."]
    form = ImportForm(
        base | {"new_column": "nouveau", "from_vintage": 2026, "to_vintage": 2024},
        {"file": SimpleUploadedFile("passage.csv", content)},
    )
    assert not form.is_valid() and "to_vintage" in form.errors
    form = ImportForm(
        base | {"new_column": "nouveau", "from_vintage": 2024, "to_vintage": 2026},
        {"file": SimpleUploadedFile("passage.csv", content)},
    )
    assert form.is_valid(), form.errors
    path = tmp_path / "passage.csv"
    path.write_bytes(content)
    data_import_from_path(kind="code_changes", path=path, options=form.options())
    change = CodeChange.objects.get(old_code="98098", from_vintage=2024)
    assert (change.old_code, change.new_code, change.from_vintage, change.to_vintage) == (
        "98098",
        "98004",
        2024,
        2026,
    )


def test_the_report_names_the_indicators_it_counted(client, cast, tmp_path, small_geography):
    from territories.imports.models import DataImport

    data_import = DataImport.objects.create(
        kind="values",
        file="imports/a.csv",
        original_name="a.csv",
        state="succeeded",
        report={"rows": 1, "indicators": {"taux-pauvrete@2021": {"ok": 3, "secret": 1}}},
    )
    client.force_login(cast.analyst)
    html = client.get(data_import.get_absolute_url()).content.decode()
    assert "Taux de pauvreté" in html and "(2021)" in html
    assert "taux-pauvrete@2021" not in html

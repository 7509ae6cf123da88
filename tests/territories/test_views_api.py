"""Pages and API of territories: search, portraits, catalogue, import form rules, downloads."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from territories.catalogue.models import IndicatorValue
from territories.geography.models import Territory
from territories.imports.models import DataImport
from territories.pipeline import services as pipeline
from territories.pipeline.selectors import current_run
from tests.territories.pipeline.test_pipeline import put

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(small_geography):
    put(
        small_geography,
        "population",
        {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250},
    )
    pipeline.recompute_now(reason="test")
    return small_geography


@pytest.mark.parametrize("query", ["Bellecombe", "bellecombe", "98002", "219800200", "98100"])
def test_search_by_name_code_siren_or_postal_code(client, published, query):
    html = client.get(reverse("territories:search"), {"q": query}).content.decode()
    assert "Bellecombe" in html


def test_territory_page_shows_values_parents_and_members(client, published):
    html = client.get(published["epci_a"].get_absolute_url()).content.decode()
    assert "CC Alpha" in html and "Aubert" in html and "Chaumont" in html
    assert "600" in html  # its population 2021, summed
    commune = client.get(published["98002"].get_absolute_url()).content.decode()
    assert "CC Alpha" in commune and "Département test" in commune


def test_catalogue_and_sheet(client, catalogue):
    html = client.get(reverse("territories:indicator_list")).content.decode()
    assert "Taux de pauvreté" in html
    sheet = client.get(
        reverse("territories:indicator_detail", args=["taux-pauvrete"])
    ).content.decode()
    for word in ("Filosofi", "Rapport de deux effectifs", "50 %", "Personnes des ménages fiscaux"):
        assert word in sheet
    # Coverage is told on the rate's own denominator.
    assert "50 % de son dénominateur (Personnes des ménages fiscaux" in sheet


def test_only_analysts_import(client, cast, catalogue):
    url = reverse("territories:import_create")
    upload = SimpleUploadedFile("v.csv", b"CODGEO;X\n98001;1\n")
    for persona in (cast.member, cast.org_admin, cast.curator):
        client.force_login(persona)
        assert client.post(url, {"file": upload, "kind": "values"}).status_code == 403
    assert not DataImport.objects.exists()


def test_oversized_upload_is_refused_and_stores_nothing(client, cast, catalogue, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(cast.analyst)
    upload = SimpleUploadedFile("gros.csv", b"CODGEO;TP60\n" + b"98001;1\n" * 50)
    response = client.post(
        reverse("territories:import_create"),
        {
            "file": upload,
            "kind": "values",
            "level": "commune",
            "code_column": "CODGEO",
            "code_vintage": 2026,
            "mapping": "TP60 = taux-pauvrete @2021",
        },
    )
    assert response.status_code == 200
    assert "trop volumineux" in response.content.decode()
    assert not DataImport.objects.exists()


def test_mapping_errors_are_explained(client, cast, catalogue):
    client.force_login(cast.analyst)
    upload = SimpleUploadedFile("v.csv", b"CODGEO;TP60\n98001;1\n")
    response = client.post(
        reverse("territories:import_create"),
        {
            "file": upload,
            "kind": "values",
            "level": "commune",
            "code_column": "CODGEO",
            "code_vintage": 2026,
            "mapping": "TP60 = indicateur-invente @2021\nn'importe quoi",
        },
    )
    html = response.content.decode()
    assert "indicateur-invente" in html and "ligne 2" in html
    assert not DataImport.objects.exists()


def _post_import(client, accept_valid_rows):
    upload = SimpleUploadedFile("v.csv", b"CODGEO;TP60;NB\n98001;12,5;100\n98777;3;5\n")
    data = {
        "file": upload,
        "kind": "values",
        "level": "commune",
        "code_column": "CODGEO",
        "code_vintage": 2026,
        "period": 2021,
        "mapping": "TP60 = taux-pauvrete\nNB = personnes-menages-fiscaux",
    }
    if accept_valid_rows:
        data["accept_valid_rows"] = "on"
    return client.post(reverse("territories:import_create"), data)


def test_an_import_with_a_bad_row_is_refused_whole_and_reports(
    client, cast, small_geography, django_capture_on_commit_callbacks
):
    client.force_login(cast.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_import(client, accept_valid_rows=False)
    data_import = DataImport.objects.get()
    assert data_import.state == "failed" and not data_import.accept_valid_rows
    html = client.get(response.url).content.decode()
    assert "rien n’a été importé" in html and "98777" in html and "Tout ou rien" in html
    assert not IndicatorValue.objects.exists()


def test_an_analyst_import_runs_and_reports(
    client, cast, small_geography, django_capture_on_commit_callbacks
):
    client.force_login(cast.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_import(client, accept_valid_rows=True)
    data_import = DataImport.objects.get()
    assert response.url == data_import.get_absolute_url()
    assert data_import.state == "succeeded" and data_import.accept_valid_rows
    html = client.get(response.url).content.decode()
    assert "1 lignes acceptées sur 2" in html and "98777" in html and "inconnu" in html
    assert "importer quand même les lignes valides" in html
    assert IndicatorValue.objects.get(indicator__slug="taux-pauvrete").value == 12.5
    assert current_run() is not None


def test_values_api_filters_and_downloads(client, published):
    rows = client.get("/api/v1/values/", {"indicator": "population", "level": "epci"}).json()
    assert {(r["code"], r["value"]) for r in rows} == {("200000001", 600), ("200000002", 400)}
    assert client.get("/api/v1/values/", {"indicator": "nope"}).status_code == 400
    assert client.get("/api/v1/values/", {"level": "galaxy"}).status_code == 400
    assert client.get("/api/v1/values/").status_code == 400

    geo = client.get(
        "/api/v1/values/",
        {"indicator": "population", "level": "commune", "period": 2021, "download": "geojson"},
    )
    assert json.loads(geo.content)["metadata"]["indicator"] == "population"


def test_values_api_explains_wrong_parameters_in_french(client, published):
    def errors(**params):
        response = client.get("/api/v1/values/", params)
        assert response.status_code == 400
        return str(response.json())

    assert "Indicateur inconnu « nope »" in errors(indicator="nope")
    assert "galaxy" in errors(level="galaxy")
    assert "entier" in errors(indicator="population", period="l'an dernier")
    assert "un indicateur, un niveau ou un territoire" in errors()
    assert "demande un indicateur et une période" in errors(
        indicator="population", download="geojson"
    )
    assert (
        "geometry" in client.get("/api/v1/territories/", {"geometry": "peut-être"}).json()["errors"]
    )


def test_csv_export_neutralises_formulas(client, published):
    Territory.objects.filter(code="98001").update(name='=HYPERLINK("http://evil")')
    response = client.get(
        "/api/v1/values/", {"indicator": "population", "level": "commune", "download": "csv"}
    )
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    names = [row[2] for row in rows[2:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert not any(name.startswith("=") for name in names)


def test_territories_api_with_boundaries_on_request(client, published):
    plain = client.get("/api/v1/territories/", {"level": "commune"}).json()
    assert plain["count"] == 5 and "geometry" not in plain["results"][0]
    found = client.get("/api/v1/territories/", {"q": "98100"}).json()
    assert found["count"] == 5
    assert client.get("/api/v1/territories/", {"geometry": "true"}).json()["results"][0].keys() >= {
        "geometry"
    }
    schema = client.get("/api/schema/?format=json").json()
    assert {"/api/v1/values/", "/api/v1/territories/", "/api/v1/indicators/"} <= set(
        schema["paths"]
    )


def test_the_territories_api_reads_no_boundary_unless_asked(client, published):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    geometry = connection.ops.quote_name("geometry")
    with CaptureQueriesContext(connection) as plain:
        rows = client.get("/api/v1/territories/", {"level": "commune"}).json()["results"]
    assert rows and rows[0]["departement"] == "98" and rows[0]["epci"] == "200000001"
    assert not any(geometry in query["sql"] for query in plain.captured_queries)
    with CaptureQueriesContext(connection) as asked:
        client.get("/api/v1/territories/", {"level": "commune", "geometry": "true"})
    assert any(geometry in query["sql"] for query in asked.captured_queries)

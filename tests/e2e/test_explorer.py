"""The map explorer in a real browser: the layer draws without tiles, the legend follows
the chosen classes, the permalink restores the state, and the exports open."""

import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely
from django.utils import timezone
from PIL import Image

from portal.committees.models import Committee
from portal.knowledge.choices import ResourceKind, ResourceStatus
from portal.knowledge.models import Resource
from territories.pipeline import services as pipeline
from tests.territories.pipeline.test_pipeline import put

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mapped(small_geography):
    put(
        small_geography,
        "actifs-15-64",
        {"98001": 50, "98002": 100, "98003": 150, "98004": 80, "98005": 120},
    )
    put(
        small_geography,
        "chomeurs-15-64",
        {"98001": 5, "98002": 12, "98003": 30, "98004": 8, "98005": 12},
    )
    put(
        small_geography,
        "taux-chomage-15-64",
        {"98001": 10, "98002": 12, "98003": 20, "98004": 11, "98005": None},
    )
    for index, code in enumerate(["98001", "98002", "98003", "98004", "98005"]):
        territory = small_geography[code]
        territory.geometry = shapely.geometry.mapping(
            shapely.box(index * 0.1, 47, index * 0.1 + 0.1, 47.1)
        )
        territory.save()
    pipeline.recompute_now(reason="test")
    return small_geography


def legend_classes(page):
    items = page.locator(".legend li").all_inner_texts()
    return [
        item
        for item in items
        if "secret" not in item and "disponible" not in item and "non affiché" not in item
    ]


def test_explorer_draws_classifies_restores_and_exports(page, mapped):
    page.goto(
        "/carte/?indicateur=taux-chomage-15-64&niveau=commune&periode=2021&methode=quantiles&classes=3"
    )
    page.locator(".explorer[data-ready='true']").wait_for()
    assert page.locator("path.leaflet-interactive").count() == 5
    assert len(legend_classes(page)) == 3
    assert "secret statistique (1)" in page.locator(".legend").inner_text()
    # The table beside the map holds the same data, sortable with the keyboard.
    assert page.locator(".explorer-table tbody tr").count() == 5
    page.get_by_role("button", name="Valeur").focus()
    page.keyboard.press("Enter")
    assert (
        page.locator(".explorer-table th[aria-sort='ascending']").inner_text().startswith("Valeur")
    )

    page.get_by_label("Classement").select_option("equal_interval")
    page.get_by_label("Nombre de classes").select_option("4")
    assert len(legend_classes(page)) == 4
    permalink = page.url
    assert parse_qs(urlparse(permalink).query)["methode"] == ["equal_interval"]

    # Nonsense manual bounds: a clear message, the map keeps its classes.
    page.get_by_label("Classement").select_option("manual")
    page.get_by_label("Bornes manuelles").fill("15 12")
    page.get_by_label("Bornes manuelles").press("Tab")
    assert "ordre croissant" in page.locator(".explorer-message").inner_text()
    page.get_by_label("Bornes manuelles").fill("14")
    page.get_by_label("Bornes manuelles").press("Tab")
    assert len(legend_classes(page)) == 2

    # The permalink restores the whole state in a new visit.
    page.goto(permalink)
    page.locator(".explorer[data-ready='true']").wait_for()
    assert page.get_by_label("Classement").input_value() == "equal_interval"
    assert page.get_by_label("Nombre de classes").input_value() == "4"
    assert len(legend_classes(page)) == 4

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV", exact=True).click()
    frame = pd.read_csv(csv_download.value.path())
    assert len(frame) == 5 and set(frame.columns) >= {"code", "valeur", "classe"}
    with page.expect_download() as french_download:
        page.get_by_role("link", name="CSV (Excel, français)").click()
    french = pd.read_csv(french_download.value.path(), sep=";", decimal=",", encoding="utf-8-sig")
    assert french.valeur.sum() == pytest.approx(frame.valeur.sum())
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="XLSX").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    parameters = dict(list(book["Paramètres"].iter_rows(values_only=True))[1:])
    assert parameters["Classement"] == "Intervalles égaux"
    assert parameters["Nombre de classes"] == 4
    assert "taux-chomage-15-64" in parameters["Indicateur"]

    with page.expect_download() as geo_download:
        page.get_by_role("link", name="GeoJSON").click()
    geo = gpd.read_file(geo_download.value.path())
    assert len(geo) == 5 and geo.geometry.is_valid.all()

    with page.expect_download() as png_download:
        page.get_by_role("button", name="PNG").click()
    image = Image.open(io.BytesIO(Path(png_download.value.path()).read_bytes()))
    assert image.format == "PNG" and image.size == (1000, 1100)

    assert page.console_errors == []


def test_the_side_panel_tells_what_is_being_done_here(page, mapped):
    """Clicking a commune lists the resources tagged on it or on its EPCI, and the
    committees working on its département; the portrait is one link away."""
    on_epci = Resource.objects.create(
        kind=ResourceKind.PRACTICE_SHEET,
        title="Un accueil de jour intercommunal",
        slug="accueil-intercommunal",
        summary="Ce que fait l'intercommunalité.",
        status=ResourceStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    on_epci.territories.set([mapped["epci_a"]])
    Committee.objects.create(
        name="Comité du département test", slug="comite-test", territory=mapped["departement"]
    )
    page.goto("/carte/?indicateur=taux-chomage-15-64&niveau=commune&periode=2021")
    page.locator(".explorer[data-ready='true']").wait_for()
    page.locator("path.leaflet-interactive").first.click()
    panel = page.locator(".explorer-panel[data-territory='commune/98001']")
    panel.wait_for()
    assert "Aubert" in panel.inner_text()
    panel.get_by_role("link", name="Un accueil de jour intercommunal").wait_for()
    panel.get_by_role("link", name="Comité du département test").wait_for()
    panel.get_by_role("link", name="Portrait du territoire").click()
    page.wait_for_url("**/territoires/commune/98001/")
    assert "Un accueil de jour intercommunal" in page.content()
    assert page.console_errors == []


def test_a_typology_is_drawn_as_a_categorical_map(page, mapped):
    from territories.analyses.models import Typology, TypologyVariable
    from territories.catalogue.models import Indicator

    typology = Typology.objects.create(name="Test", slug="test", level="commune", k=2, seed=1)
    TypologyVariable.objects.create(
        typology=typology, indicator=Indicator.objects.get(slug="actifs-15-64"), period=2021
    )
    TypologyVariable.objects.create(
        typology=typology, indicator=Indicator.objects.get(slug="chomeurs-15-64"), period=2021
    )
    pipeline.recompute_now(reason="typology")
    page.goto("/analyses/typologies/test/")
    page.locator(".typology-map-box[data-ready='true']").wait_for()
    assert page.locator("#typology-map path.leaflet-interactive").count() == 5
    assert page.locator(".typology-legend li").count() == 2
    assert page.console_errors == []

"""The map explorer as an atlas, in a real browser: orientation (départements' outlines, main
towns, scale bar, the legend in view), the keyboard alone from the indicator to a territory's
panel, and the notice where most territories are secret."""

import pytest
import shapely

from territories.pipeline import services as pipeline
from tests.territories.pipeline.test_pipeline import put

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RATES = {"98001": 10, "98002": 12, "98003": 20, "98004": 11, "98005": 15}
# Tab stops inside the map other than the map itself: none is expected.
INNER_TAB_STOPS = """() => Array.from(document.querySelectorAll(
    '#map [tabindex], #map a[href], #map button, #map input'
  )).filter((element) => element.tabIndex >= 0).length"""


@pytest.fixture
def atlas(small_geography):
    """Five communes side by side (west to east in code order), rates for three periods
    with gaps between them, and a population three-fifths secret."""
    geo = small_geography
    for period in (2015, 2018, 2021):
        put(geo, "taux-chomage-15-64", RATES, period=period)
    put(
        geo, "population", {"98001": 100, "98002": None, "98003": None, "98004": None, "98005": 250}
    )
    for index, code in enumerate(sorted(RATES)):
        territory = geo[code]
        territory.geometry = shapely.geometry.mapping(
            shapely.box(index * 0.1, 47, index * 0.1 + 0.1, 47.1)
        )
        territory.save()
    pipeline.recompute_now(reason="test")
    return geo


def ready(page, fragment):
    page.wait_for_function(
        "(fragment) => document.querySelector('.explorer').dataset.state.includes(fragment)",
        arg=fragment,
    )
    page.locator(".explorer[data-ready='true']").wait_for()


def focused_id(page):
    return page.evaluate("document.activeElement.id")


def tab_to(page, element_id, limit=30):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} is not reached with Tab")


def test_the_explorer_by_keyboard_alone(page, atlas):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/carte/?indicateur=population&niveau=epci")
    page.locator(".explorer[data-ready='true']").wait_for()

    # Indicator and level, chosen with the keys.
    tab_to(page, "map-indicator")
    page.keyboard.type("Taux de ch")
    ready(page, "indicateur=taux-chomage-15-64")
    tab_to(page, "map-level")
    page.keyboard.type("Commune")
    ready(page, "niveau=commune")

    # Every period one key press from the next, the first and the last included, announced.
    tab_to(page, "map-period")
    slider = page.locator("#map-period")
    output = page.locator("#map-period-output")
    assert slider.get_attribute("aria-valuetext") == "2021"
    for key, period in [("ArrowLeft", "2018"), ("ArrowLeft", "2015"), ("ArrowLeft", "2015")]:
        page.keyboard.press(key)
        ready(page, f"periode={period}")
        assert output.inner_text() == period
        assert slider.get_attribute("aria-valuetext") == period
    page.keyboard.press("End")
    ready(page, "periode=2021")
    page.keyboard.press("Home")
    ready(page, "periode=2015")
    page.keyboard.press("ArrowRight")
    ready(page, "periode=2018")

    # The map is one tab stop: from it, the next Tab leaves it.
    tab_to(page, "map")
    assert page.evaluate(INNER_TAB_STOPS) == 0
    assert page.locator("path.leaflet-interactive").count() == 5
    page.keyboard.press("Tab")
    assert focused_id(page) == "map-find"
    page.keyboard.press("Shift+Tab")
    assert focused_id(page) == "map"

    # Arrow keys go from neighbour to neighbour; the focused territory is outlined and told.
    focus = page.locator(".explorer-focus")
    assert page.locator("#map").get_attribute("data-current") == "98003"
    assert "Chaumont" in focus.inner_text()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.locator("#map").get_attribute("data-current") == "98001"
    assert "Aubert" in focus.inner_text() and "10" in focus.inner_text()
    page.keyboard.press("ArrowLeft")  # nothing further west: it stays
    page.keyboard.press("ArrowRight")
    assert page.locator("#map").get_attribute("data-current") == "98002"
    assert "Bellecombe" in focus.inner_text()
    assert page.locator(".leaflet-focus-pane path").count() == 2

    # Enter opens the side panel of the focused territory.
    page.keyboard.press("Enter")
    panel = page.locator(".explorer-panel[data-territory='commune/98002']")
    panel.wait_for()
    assert "Bellecombe" in panel.inner_text()

    # The search box picks a territory too.
    page.locator("#map-find").fill("Épinay (98005)")
    page.locator("#map-find").press("Enter")
    page.locator(".explorer-panel[data-territory='commune/98005']").wait_for()
    assert page.locator("#map").get_attribute("data-current") == "98005"
    assert page.console_errors == []


def test_the_map_reads_as_an_atlas(page, atlas):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/carte/?indicateur=taux-chomage-15-64&niveau=commune&periode=2021")
    page.locator(".explorer[data-ready='true']").wait_for()
    # The département's outline over the communes, its largest commune named, a scale bar.
    assert page.locator(".leaflet-outlines-pane path").count() == 1
    assert page.locator(".map-town-main").inner_text() == "Chaumont"
    assert "Épinay" in page.locator(".leaflet-labels-pane").inner_text()
    assert page.locator(".leaflet-control-scale-line").is_visible()
    # The legend beside the map, in view without scrolling.
    assert page.evaluate("window.scrollY") == 0
    legend = page.locator(".explorer-legend").bounding_box()
    drawn = page.locator("#map").bounding_box()
    assert legend["y"] + legend["height"] <= 800
    assert legend["x"] >= drawn["x"] + drawn["width"]
    assert page.locator(".explorer-notice").is_hidden()
    assert page.console_errors == []


def test_where_most_communes_are_secret_the_epci_are_one_click_away(page, atlas):
    page.goto("/carte/?indicateur=population&niveau=commune&periode=2021")
    page.locator(".explorer[data-ready='true']").wait_for()
    notice = page.locator(".explorer-notice")
    assert notice.is_visible()
    assert "3 des 5 territoires" in notice.inner_text()
    switch = notice.get_by_role("button", name="Voir la carte des EPCI")
    switch.focus()
    page.keyboard.press("Enter")
    ready(page, "niveau=epci")
    assert page.locator("#map-level").input_value() == "epci"
    assert page.locator("path.leaflet-interactive").count() == 2
    assert notice.is_hidden()
    assert focused_id(page) == "map"
    assert page.console_errors == []

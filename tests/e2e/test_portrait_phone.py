"""A portrait on a phone (390 px wide): its wide table scrolls inside its frame with a hint,
and the main menu, folded behind its button, opens and closes by keyboard."""

import pytest

from territories.pipeline import services as pipeline
from tests.territories.pipeline.test_pipeline import put

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def test_a_portrait_on_a_phone(phone, small_geography):
    geo = small_geography
    put(geo, "population", {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250})
    put(
        geo,
        "population",
        {"98001": 90, "98002": 190, "98003": 310, "98004": 150, "98005": 250},
        2020,
    )
    put(geo, "niveau-vie-median", {"98001": 21000, "98002": 22500})
    pipeline.recompute_now(reason="test")
    page = phone
    page.goto(geo["98001"].get_absolute_url())

    # The page itself does not scroll sideways; the table of values does, inside its frame.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    frame = page.get_by_role("region", name="Indicateurs de Aubert")
    sizes = frame.evaluate("f => [f.scrollWidth, f.clientWidth]")
    assert sizes[0] > sizes[1]
    hint = page.locator("#values-title ~ .scroll-hint")
    assert hint.is_visible()
    assert "Faites défiler le tableau" in hint.inner_text()
    # The frame is a tab stop, and arrow keys scroll it.
    frame.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('#values-title ~ .table-scroll').scrollLeft > 0"
    )
    assert "non agrégeable : médiane" in frame.inner_text()

    # The menu is folded behind its button; Tab reaches the button, Enter opens it.
    navigation = page.get_by_role("navigation", name="Navigation principale")
    button = navigation.get_by_role("button", name="Menu", exact=True)
    territories = navigation.get_by_role("link", name="Territoires")
    assert button.get_attribute("aria-expanded") == "false"
    assert not territories.is_visible()
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the menu button")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert territories.is_visible()
    page.keyboard.press("Tab")
    assert navigation.get_by_role("link", name="Accueil").evaluate(
        "a => a === document.activeElement"
    )
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert button.evaluate("b => b === document.activeElement")
    assert not territories.is_visible()
    assert page.console_errors == []


def test_without_script_the_menu_stays_open(browser, live_server, small_geography):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.goto(small_geography["98001"].get_absolute_url())
    navigation = page.get_by_role("navigation", name="Navigation principale")
    assert navigation.get_by_role("link", name="Territoires").is_visible()
    assert not navigation.get_by_role("button", name="Menu", exact=True).is_visible()
    context.close()

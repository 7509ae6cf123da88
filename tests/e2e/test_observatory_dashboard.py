"""The observatory's dashboard in a real browser, on the région's real boundaries and
poverty rates, with workforce figures published for every EPCI: pointing at a territory on
one map, or moving to it with the keyboard, marks it on both maps and in the table; the
tables say « secret statistique » where a cell is secret; the maps stack on a phone; the page
passes the automated WCAG rules."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from observatory.indicators.definitions import ALL_PROFESSIONS
from observatory.reference.models import Profession
from observatory.reference.services import reference_load
from territories.choices import Level, ValueStatus
from territories.geography.models import Territory
from territories.pipeline import services as pipeline
from tests.e2e.test_committees import accessible
from tests.observatory.dashboard import conftest as dashboard
from tests.observatory.dashboard.conftest import EDUC, workforce_indicators
from tests.territories.conftest import REGION_DIR

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The dashboard's publisher (tests/observatory/dashboard/conftest.py), outside its folder.
observatory_publisher = dashboard.observatory_publisher


def figures_for_every_epci(rows):
    """Every measure of two professions for the région (2023, 2024) and every EPCI (2024);
    the first EPCI's educators are secret."""
    reference_load()
    professions = Profession.objects.filter(code__in=[EDUC, "aide-a-domicile"])
    indicators = workforce_indicators(professions)
    region = Territory.objects.get(level=Level.REGION)
    epcis = list(Territory.objects.filter(level=Level.EPCI).order_by("code"))
    for (measure, profession), indicator in indicators.items():
        for year in (2023, 2024):
            rows.append((indicator, region, year, 5.0 + year % 10, ValueStatus.OK))
        for index, epci in enumerate(epcis):
            if index == 0 and profession == EDUC:
                rows.append((indicator, epci, 2024, None, ValueStatus.SECRET))
                continue
            value = (index % 13) / 4 - 1 if measure == "indice-tension" else 3.0 + index % 7
            if profession == ALL_PROFESSIONS:
                value += 0.5
            rows.append((indicator, epci, 2024, value, ValueStatus.OK))
    return epcis


def point_inside(page, selector):
    """(code, x, y) of a territory of the map whose own shape lies under the middle of its
    box: where the mouse is put to point at it."""
    return page.evaluate(
        """(selector) => {
          for (const link of document.querySelectorAll(selector + " a[data-code]")) {
            const box = link.getBoundingClientRect();
            const x = box.x + box.width / 2, y = box.y + box.height / 2;
            const under = document.elementFromPoint(x, y);
            if (under && under.closest("a") === link) {
              return [link.getAttribute("data-code"), x, y];
            }
          }
          return null;
        }""",
        selector,
    )


def marked(page, code):
    return page.locator(f'.dashboard-map a[data-code="{code}"].is-active')


def test_linked_maps_and_tables(page, observatory_publisher):
    call_command("load_territories", str(REGION_DIR))
    epcis = figures_for_every_epci(observatory_publisher)
    run = pipeline.recompute_now(reason="workforce figures")
    assert run.state == "succeeded", run.error

    page.goto(f"/observatoire/?metier={EDUC}")
    expect(page.locator(".dashboard-maps[data-linked=true]")).to_have_count(1)
    assert page.locator(".dashboard-map").count() == 2
    assert page.locator(".dashboard-map-figure[data-map=tension] a[data-code]").count() == len(
        epcis
    )

    # The mouse on a territory of the tension map marks it on both maps and in the table.
    page.locator(
        ".dashboard-map-figure[data-map=tension] svg.dashboard-map"
    ).scroll_into_view_if_needed()
    code, x, y = point_inside(page, ".dashboard-map-figure[data-map=tension]")
    page.mouse.move(x, y)
    expect(marked(page, code)).to_have_count(2)
    expect(page.locator(f'.dashboard-epci-table tr[data-code="{code}"]')).to_have_class("is-active")
    shape = page.locator(
        f'.dashboard-map-figure[data-map=poverty] a[data-code="{code}"] path'
    ).get_attribute("d")
    outlines = page.locator(".map-outline")
    assert [outlines.nth(i).get_attribute("d") for i in range(2)] == [shape, shape]
    name = Territory.objects.get(level=Level.EPCI, code=code).name
    expect(page.locator(".dashboard-hover")).to_contain_text(name)

    # The keyboard on a territory of the poverty map marks it on the tension map too.
    other = epcis[-1].code if epcis[-1].code != code else epcis[-2].code
    page.locator(f'.dashboard-map-figure[data-map=poverty] a[data-code="{other}"]').focus()
    expect(marked(page, other)).to_have_count(2)
    expect(marked(page, code)).to_have_count(0)
    expect(page.locator(f'.dashboard-epci-table tr[data-code="{other}"]')).to_have_class(
        "is-active"
    )

    # A row of the table marks its territory on both maps.
    row = page.locator(f'.dashboard-epci-table tr[data-code="{epcis[1].code}"]')
    row.hover()
    expect(marked(page, epcis[1].code)).to_have_count(2)

    # The secret EPCI: grey on the map, the words in the table, no number.
    secret = epcis[0].code
    secret_link = page.locator(f'.dashboard-map-figure[data-map=tension] a[data-code="{secret}"]')
    assert secret_link.locator("path").get_attribute("fill") == "#9e9e9e"
    assert "secret statistique" in secret_link.get_attribute("aria-label")
    cells = page.locator(f'.dashboard-epci-table tr[data-code="{secret}"] td')
    expect(cells.first).to_have_text("secret statistique")

    # The tables: the région's, a profession a row; the most tense, ten rows.
    expect(page.locator(".dashboard-region-table tbody tr")).to_have_count(3)
    expect(page.locator(".dashboard-top-table tbody tr")).to_have_count(10)
    expect(page.locator(".dashboard-epci-table tbody tr")).to_have_count(len(epcis))
    accessible(page)

    # The choices are in the address: another year is one select away.
    page.get_by_label("Année", exact=True).select_option("2023")
    page.get_by_role("button", name="Afficher").click()
    assert "annee=2023" in page.url and f"metier={EDUC}" in page.url
    expect(page.locator("#dashboard-region-title")).to_contain_text("2023")

    # On a phone the maps stack, the second under the first.
    page.set_viewport_size({"width": 390, "height": 844})
    first = page.locator(".dashboard-map-figure").nth(0).bounding_box()
    second = page.locator(".dashboard-map-figure").nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]
    assert second["width"] <= 390
    assert page.console_errors == []

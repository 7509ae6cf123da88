"""The explorer's second select in a real browser: a headline's details by the value of its
dimension, the permalink naming the detail shown, and the levels a published indicator has."""

import pytest

from tests.secrecy import assert_number_absent
from tests.territories.test_published_details import (  # noqa: F401
    AIDES,
    HEADLINE,
    SECRET_VALUE,
    details,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_details_are_chosen_in_a_second_select(page, details):  # noqa: F811
    page.goto(f"/carte/?indicateur={HEADLINE}&niveau=epci")
    page.locator(".explorer[data-ready='true']").wait_for()
    detail = page.get_by_label("Métier")
    assert detail.is_visible() and detail.input_value() == ""
    assert page.locator("#map-level option[value='commune']").is_disabled()
    assert page.locator("#map-level-note").is_visible()

    detail.select_option(label="Aide à domicile")
    page.wait_for_url(f"**indicateur={AIDES}**")
    table = page.locator(".explorer-table tbody")
    page.wait_for_function(
        "document.querySelector('.explorer-table tbody').innerText.includes('12,5')"
    )
    assert "secret statistique" in table.inner_text()
    assert_number_absent(table.inner_text(), SECRET_VALUE)
    assert f"indicateur={AIDES}" in page.locator(".export-csv").get_attribute("href")

    # An indicator of communes: no second select, every level offered.
    page.locator("#map-indicator").select_option("population")
    page.wait_for_url("**indicateur=population**")
    assert not detail.is_visible()
    assert not page.locator("#map-level option[value='commune']").is_disabled()
    assert not page.locator("#map-level-note").is_visible()
    page.locator("#map-level").select_option("commune")
    page.wait_for_url("**niveau=commune**")

    # Back to the published headline: its details again, and the EPCI instead of communes.
    page.locator("#map-indicator").select_option(HEADLINE)
    page.wait_for_url(f"**indicateur={HEADLINE}&niveau=epci**")
    assert detail.is_visible() and detail.input_value() == ""
    assert detail.locator("option").count() == 3
    assert page.locator("#map-level-note").is_visible()

    # The permalink of a detail restores both selects.
    page.goto(f"/carte/?indicateur={AIDES}&niveau=epci")
    page.locator(".explorer[data-ready='true']").wait_for()
    assert page.locator("#map-indicator").input_value() == HEADLINE
    assert page.get_by_label("Métier").input_value() == AIDES
    assert page.console_errors == []

"""Crossed indicators in a real browser, on the région's data: choose the poverty rate and
the share of single-parent families at EPCI level, read the correlation, follow a territory
standing apart to its portrait; the page passes the automated WCAG rules."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.e2e.test_accessibility import WCAG
from tests.territories.conftest import REGION_DIR

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_cross_two_indicators_and_reach_a_territory_standing_apart(page):
    call_command("load_territories", str(REGION_DIR))
    page.goto("/carte/")
    page.get_by_role("link", name="Croiser deux indicateurs").click()
    page.get_by_label("Premier indicateur").select_option(label="Taux de pauvreté")
    page.get_by_label("Second indicateur").select_option(label="Part des familles monoparentales")
    page.get_by_label("Niveau").select_option("epci")
    page.get_by_role("button", name="Croiser").click()

    correlation = page.locator(".correlation").inner_text()
    assert "r de Pearson = 0,7" in correlation and "relation positive forte" in correlation
    assert "x=taux-pauvrete" in page.url and "niveau=epci" in page.url  # a permalink
    assert (
        page.locator(".scatter circle").count()
        == page.locator(".crossed-table tbody tr:not(.excluded)").count()
    )
    assert page.locator(".bivariate-legend td").count() == 9

    results = Axe().run(page, options=WCAG)
    serious = [
        f"{v['id']}: {v['help']} ({v['nodes'][0]['target']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []

    outlier = page.locator(".outliers a").first
    name = outlier.inner_text()
    outlier.click()
    assert "/territoires/epci/" in page.url
    assert name in page.locator("h1").inner_text()
    assert page.console_errors == []

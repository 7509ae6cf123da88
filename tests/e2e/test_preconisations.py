"""The préconisation pages in a real browser: from the list to one préconisation, what it means
and what the portal does for it, then on to a resource and an indicator filed under it."""

import pytest

from portal.knowledge.choices import ResourceKind
from portal.knowledge.models import Preconisation
from portal.knowledge.reference.services import reference_preconisations_load
from tests.knowledge.helpers import make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLACEHOLDER = "pas encore saisi"


def test_a_visitor_reads_preconisation_5_and_follows_a_resource_and_an_indicator(page, catalogue):
    reference_preconisations_load()
    five = Preconisation.objects.get(number=5)
    resource = make(
        "Mesurer l'inclusion dans les quartiers",
        "Une fiche de pratique sur les repères d'une région inclusive.",
        kind=ResourceKind.PRACTICE_SHEET,
        slug="mesurer-inclusion",
        preconisations=[five],
    )

    page.goto("/")
    assert PLACEHOLDER not in page.content()
    page.goto("/preconisations/")
    assert PLACEHOLDER not in page.content()
    assert page.locator(".card h3 a").count() == 13
    page.get_by_role("link", name=f"5. {five.title}").click()
    page.wait_for_url("**/preconisations/5/")
    assert five.title in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("p.lead").inner_text() == five.summary
    answer = page.locator("section[aria-labelledby='portal-answer'] p")
    assert answer.inner_text() == five.portal_answer
    assert PLACEHOLDER not in page.content()

    resources = page.locator("section[aria-labelledby='preconisation-resources']")
    resources.get_by_role("link", name=resource.title).click()
    page.wait_for_url(f"**{resource.get_absolute_url()}")
    assert resource.title in page.get_by_role("heading", level=1).inner_text()

    page.go_back()
    page.wait_for_url("**/preconisations/5/")
    indicators = page.locator("section[aria-labelledby='preconisation-indicators']")
    assert indicators.get_by_role("link").count() >= 5
    indicators.get_by_role("link", name="Taux de pauvreté", exact=True).click()
    page.wait_for_url("**/indicateurs/taux-pauvrete/")
    assert "Taux de pauvreté" in page.get_by_role("heading", level=1).inner_text()

    # Préconisation 9 (territories at the region's edges) leads on to territory portraits.
    nine = Preconisation.objects.get(number=9)
    page.goto(nine.get_absolute_url())
    assert page.locator("p.lead").inner_text() == nine.summary
    assert PLACEHOLDER not in page.content()
    page.get_by_role("link", name="Portraits de territoires").click()
    page.wait_for_url("**/territoires/")
    assert not page.console_errors

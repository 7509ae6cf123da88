"""An employer's benchmark in a real browser: a delegate goes from « Mes déclarations » to
their organisation's comparison, reads where the Foyer's educators stand beside similar
employers and its territory, sees the secrecy marker where a group is too small, opens a
profession's details and downloads the PDF report; the page passes the automated WCAG
rules. The cast and figures are those of tests/observatory/benchmark/conftest.py."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.test_accounts import log_in
from tests.e2e.test_committees import accessible
from tests.observatory import conftest as observatory
from tests.observatory.benchmark import conftest as benchmark

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The fixtures of the observatory and its benchmark, for this test outside their folders.
reference = observatory.reference
establishments = observatory.establishments
benchmark_campaign = benchmark.benchmark_campaign
peers = benchmark.peers
computed = benchmark.computed


def test_a_delegate_opens_their_benchmark(page, cast, computed, organisation):
    log_in(page, cast.member.email)
    page.goto("/observatoire/mes-declarations/")
    page.get_by_role(
        "link", name=f"Comparer {organisation.name} à des employeurs similaires (2024)"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Comparaison avec des employeurs similaires"
    )
    foyer = page.locator("section", has=page.get_by_role("heading", name="Foyer des Tilleuls"))
    expect(foyer).to_contain_text("Protection de l'enfance, Département test, 10 à 49 personnes")

    # The educators' table is folded; opened, the vacancy rate stands in the highest quarter.
    foyer.get_by_text("Éducateur spécialisé", exact=True).click()
    table = foyer.get_by_role("table", name="Éducateur spécialisé : Foyer des Tilleuls")
    row = table.get_by_role("row", name="Taux de vacance", exact=False).first
    expect(row).to_contain_text("35,0 %")
    expect(row).to_contain_text("dans le quart le plus élevé (95e centile)")
    expect(row).to_contain_text("non publiés (groupe trop petit)")
    expect(row).to_contain_text("7 employeurs")

    # The home-care service's similar employers are too few: the marker, no figure.
    care = page.locator(
        "section", has=page.get_by_role("heading", name="Service d'aide à domicile du Maine")
    )
    expect(care.locator(".cell-secret").first).to_have_text(
        "groupe de comparaison trop petit (secret statistique)"
    )
    expect(page.locator("main")).not_to_contain_text("CCAS de Dampierre")
    accessible(page)

    # The report for the board says the same.
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Rapport pour le conseil d’administration (2024, PDF)"
        ).click()
    content = Path(download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "95e centile" in text and "Foyer des Tilleuls" in text

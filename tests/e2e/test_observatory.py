"""The observatory's return journey in a real browser: a delegate fills two professions, sees
an inconsistency flagged next to the figure, fixes it and submits; an administrator sends it
back with a comment on a figure; the delegate corrects and submits again, and it is
validated. The next year, the delegate downloads the template pre-filled with those answers
and uploads it back. The pages pass the automated WCAG rules on the way."""

import datetime
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from observatory.campaigns.models import Campaign
from observatory.choices import ReturnStatus
from observatory.returns.models import Return, ReturnVersion
from tests.conftest import wait_for
from tests.e2e.test_accounts import log_in
from tests.e2e.test_committees import accessible, log_out
from tests.observatory import conftest as observatory
from tests.observatory.conftest import good_figures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The observatory's fixtures (tests/observatory/conftest.py), for this test outside their folder.
reference = observatory.reference
establishments = observatory.establishments
campaign = observatory.campaign
returns = observatory.returns

EDUC = "educateur-specialise"
AIDE = "aide-a-domicile"


def fill_row(page, code, figures):
    for name, value in figures.items():
        page.locator(f"[name={code}-{name}]").fill(str(value).replace(".", ","))


def add_profession(page, label):
    page.get_by_label("Ajouter un métier").select_option(label=label)
    page.get_by_role("button", name="Ajouter le métier").click()


def test_fill_flag_fix_submit_send_back_correct_validate_then_upload_next_year(
    page, cast, reference, establishments, returns, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    ret = returns.home

    # The delegate fills two professions, one with more vacant posts than posts.
    log_in(page, cast.member.email)
    page.goto("/observatoire/mes-declarations/")
    page.get_by_role("link", name="Foyer des Tilleuls").click()
    page.get_by_role("link", name="Remplir la déclaration").click()
    add_profession(page, "Éducateur spécialisé")
    add_profession(page, "Aide à domicile")
    fill_row(page, EDUC, good_figures(vacant_posts=20))
    fill_row(
        page,
        AIDE,
        good_figures(headcount=5, headcount_start=5, fte=4.2, hires=1)
        | {"age_under_30": 1, "age_30_44": 2, "age_45_54": 1, "age_55_plus": 1}
        | {"women": 4, "men": 1, "fixed_term": 1, "part_time": 2, "posts_budgeted": 6}
        | {"departures_retirement": 0, "departures_resignation": 1},
    )
    page.get_by_role("button", name="Enregistrer").click()
    message = page.locator(f"#id_{EDUC}-vacant_posts_messages")
    expect(message).to_contain_text("ne peuvent pas dépasser les postes budgétés")
    vacant = page.locator(f"[name={EDUC}-vacant_posts]")
    assert vacant.get_attribute("aria-invalid") == "true"
    assert re.search(r"msg-", vacant.get_attribute("aria-describedby") or "")
    accessible(page)

    # Fixed, the message goes; the return is reviewed and submitted.
    vacant.fill("2")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(f"#id_{EDUC}-vacant_posts_messages .finding")).to_have_count(0)
    page.get_by_role("link", name="Relire et envoyer la déclaration").click()
    page.get_by_label("Commentaire pour l'observatoire (facultatif)").fill("Deux métiers.")
    page.get_by_role("button", name="Envoyer la déclaration").click()
    page.locator(".message").first.wait_for()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED, page.locator("main").inner_text()
    assert ret.lines.count() == 2

    # The administrator sends it back with a comment on the educators' headcount.
    log_out(page)
    log_in(page, cast.admin.email)
    page.goto(ret.get_absolute_url())
    accessible(page)
    page.get_by_role("link", name="Renvoyer pour correction").click()
    page.get_by_label("Motif").fill("L'effectif des éducateurs paraît faible.")
    page.locator("[name=comments-0-profession]").select_option(EDUC)
    page.locator("[name=comments-0-figure]").select_option("headcount")
    page.locator("[name=comments-0-text]").fill("12 ou 21 ?")
    accessible(page)
    page.get_by_role("button", name="Renvoyer pour correction").click()
    page.locator(".message").first.wait_for()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SENT_BACK

    # The delegate reads the comment next to the figure, corrects, submits again.
    log_out(page)
    log_in(page, cast.member.email)
    page.goto(ret.get_absolute_url())
    page.get_by_role("link", name="Continuer la saisie").click()
    expect(page.locator(f"#id_{EDUC}-headcount_messages")).to_contain_text("12 ou 21 ?")
    accessible(page)
    fill_row(
        page,
        EDUC,
        {"headcount": 21, "fte": 19, "age_30_44": 13, "women": 18, "posts_budgeted": 22},
    )
    page.get_by_role("button", name="Enregistrer").click()
    assert wait_for(lambda: ret.lines.get(profession=reference.educ).headcount == 21)
    page.get_by_role("link", name="Relire et envoyer la déclaration").click()
    page.get_by_role("button", name="Envoyer la déclaration").click()
    page.locator(".message").first.wait_for()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED, page.locator("main").inner_text()

    # The administrator validates it.
    log_out(page)
    log_in(page, cast.admin.email)
    page.goto(ret.get_absolute_url())
    page.get_by_role("button", name="Valider la déclaration").click()
    page.locator(".message").first.wait_for()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.VALIDATED
    kept = ReturnVersion.objects.get(return_obj=ret, number=1)
    assert kept.lines[EDUC]["headcount"] == 21

    # Next year: the template comes pre-filled with those answers and goes back as it is.
    today = timezone.localdate()
    following = Campaign.objects.create(
        year=ret.campaign.year + 1,
        reference_date=datetime.date(ret.campaign.year + 1, 12, 31),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=40),
    )
    next_return = Return.objects.create(campaign=following, establishment=establishments.home)
    log_out(page)
    log_in(page, cast.member.email)
    page.goto("/observatoire/mes-declarations/")
    section = page.locator(f"section:has(h2#campaign-{following.year})")
    with page.expect_download() as download_info:
        section.get_by_role("link", name="Modèle (Excel, XLSX)").click()
    template = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(template)
    sheet = openpyxl.load_workbook(template)["Déclaration"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=False)) for row in sheet.iter_rows(values_only=True)]
    prefilled = {row["code_metier"]: row for row in rows if row.get("code_metier") in (EDUC, AIDE)}
    assert prefilled[EDUC]["headcount"] == 21 and prefilled[AIDE]["headcount"] == 5

    section.get_by_role("link", name="Téléverser le modèle rempli").click()
    page.locator("main input[type=file]").set_input_files(str(template))
    accessible(page)
    page.get_by_role("button", name="Téléverser").click()
    expect(page.locator(".message-success")).to_contain_text("2 lignes", timeout=30000)
    lines = {line.profession.code: line for line in next_return.lines.all()}
    assert lines[EDUC].headcount == 21 and lines[AIDE].fte == Decimal("4.2")
    next_return.refresh_from_db()
    assert next_return.status == ReturnStatus.DRAFT
    assert page.console_errors == []

"""The return's screen in a real browser (static/js/observatory-return.js): a changed figure
is saved as the delegate goes, its message appears next to it, the totals follow the typing;
a colleague's save in between stops the autosaving and says so."""

import re

import pytest
from playwright.sync_api import expect

from observatory.returns.models import ReturnLine
from observatory.returns.services import LineInput, return_lines_save
from tests.e2e.test_accounts import log_in
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


def test_figures_are_saved_as_they_go_and_a_colleagues_save_stops_it(
    page, cast, reference, returns
):
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={
            reference.educ: LineInput(good_figures()),
            reference.aide: LineInput(good_figures()),
        },
        lock_version=None,
    )
    log_in(page, cast.member.email)
    page.goto(f"/observatoire/declarations/{ret.pk}/saisie/")
    status = page.locator("#save-status")

    vacant = page.locator(f"[name={AIDE}-vacant_posts]")
    vacant.fill("20")
    page.locator(f"[name={AIDE}-long_vacant_posts]").focus()  # the change is saved on leaving
    expect(status).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d"))
    message = page.locator(f"#id_{AIDE}-vacant_posts_messages #msg-{AIDE}-postes-vacants")
    assert "ne peuvent pas dépasser les postes budgétés" in message.inner_text()
    assert f"msg-{AIDE}-postes-vacants" in vacant.get_attribute("aria-describedby")
    assert vacant.get_attribute("aria-invalid") == "true"
    assert ReturnLine.objects.get(return_obj=ret, profession=reference.aide).vacant_posts == 20

    # The totals follow the typing, before any save.
    page.locator(f"[name={EDUC}-headcount]").fill("30")
    assert page.locator("#total-headcount").inner_text() == "42"

    vacant.fill("2")
    page.locator(f"[name={AIDE}-long_vacant_posts]").focus()
    expect(page.locator(f"#id_{AIDE}-vacant_posts_messages .finding")).to_have_count(0)
    assert vacant.get_attribute("aria-invalid") is None
    assert ReturnLine.objects.get(return_obj=ret, profession=reference.educ).headcount == 30

    # A colleague saves: the next change is not saved, and the delegate is told.
    return_lines_save(
        return_obj=ret,
        user=cast.org_admin,
        lines={reference.educ: LineInput({"trainees": 7})},
        lock_version=None,
    )
    page.locator(f"[name={EDUC}-trainees]").fill("9")
    page.locator(f"[name={EDUC}-hires]").focus()
    expect(status).to_contain_text("Odile Responsable a enregistré cette déclaration")
    assert "arrêté" in status.inner_text()
    assert page.locator("#form-errors").is_visible()
    assert ReturnLine.objects.get(return_obj=ret, profession=reference.educ).trainees == 7
    # The browser logs the 409 answer itself; nothing else went wrong.
    assert [e for e in page.console_errors if "409 (Conflict)" not in e] == []

"""Curation journey in a real browser: a member submits, a curator asks for changes, the
member edits, the curator publishes, a visitor reads the resource."""

import pytest

from portal.knowledge.choices import ResourceStatus
from portal.knowledge.models import Resource
from tests.e2e.test_accounts import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def step(page, name):
    page.locator(f"form[action$='/etape/{name}/'] button[type=submit]").click()


def log_out(page):
    page.context.clear_cookies()


def test_submit_request_changes_edit_publish_read(page, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    log_in(page, cast.member.email)
    page.goto("/ressources/nouvelle/")
    page.locator("[name=kind]").select_option("practice_sheet")
    page.locator("[name=title]").fill("Épicerie solidaire mobile")
    page.locator("[name=summary]").fill("Une épicerie qui vient aux villages.")
    page.locator("[name=body]").fill("Un **camion** passe chaque semaine.")
    page.locator("button[name=preview]").click()
    assert page.locator(".preview strong").inner_text() == "camion"
    page.locator("button[name=save]").click()
    step(page, "submit")
    resource = Resource.objects.get()
    assert resource.status == ResourceStatus.SUBMITTED

    log_out(page)
    log_in(page, cast.curator.email)
    page.goto("/ressources/a-relire/")
    page.get_by_role("link", name="Épicerie solidaire mobile").click()
    page.locator("form[action$='/etape/request_changes/'] [name=comment]").fill(
        "Précisez les horaires."
    )
    step(page, "request_changes")
    page.get_by_text("Précisez les horaires.").first.wait_for()

    log_out(page)
    log_in(page, cast.member.email)
    page.goto(f"/ressources/{resource.slug}/modifier/")
    page.locator("[name=body]").fill("Un **camion** passe chaque mardi de 9 h à 12 h.")
    page.locator("button[name=save]").click()
    step(page, "submit")

    log_out(page)
    log_in(page, cast.curator.email)
    page.goto(f"/ressources/{resource.slug}/gerer/")
    step(page, "publish")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert resource.version == 2

    log_out(page)
    page.goto(resource.get_absolute_url())
    page.get_by_role("heading", name="Épicerie solidaire mobile").wait_for()
    assert "mardi de 9 h à 12 h" in page.content()
    assert page.console_errors == []

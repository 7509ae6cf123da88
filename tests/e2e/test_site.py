"""The public pages and the job progress page in a real browser."""

import pytest

from jobs.choices import JobState
from jobs.models import Job
from portal.knowledge.reference.services import reference_preconisations_load
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_page_and_a_preconisation_with_the_keyboard(page):
    reference_preconisations_load()
    page.goto("/")
    assert page.title() == "Accueil · Cohésion"
    # The first Tab reaches the skip link, which leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/#contenu")
    page.get_by_role("link", name="Préconisation 12").click()
    page.get_by_role("heading", level=1).filter(has_text="CLTSDS").wait_for()
    assert page.console_errors == []


def test_the_api_documentation_renders_under_the_strict_policy(page):
    page.goto("/api/docs/")
    page.get_by_text("Cohésion API").first.wait_for()
    page.get_by_text("/api/v1/preconisations/").first.wait_for()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_the_job_page_follows_progress_until_the_end(page, live_server):
    user = UserFactory(email="suivi@exemple.test")
    job = Job.objects.create(
        kind="tests.count_to",
        label="Import de démonstration",
        state=JobState.RUNNING,
        progress=40,
        message="2/5",
        created_by=user,
    )
    page.goto("/compte/login/")
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"/taches/{job.pk}/")
    progress = page.get_by_label("Avancement")
    assert progress.get_attribute("value") == "40"
    Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, progress=100, message="5/5")
    page.locator(".job[data-job-state='succeeded']").wait_for()
    assert progress.get_attribute("value") == "100"
    assert page.locator(".job-state").inner_text() == "Terminée"
    assert page.console_errors == []


def test_a_visitor_switches_language_and_stays_on_the_page(page, settings):
    # Pages are kept for visitors here: each language must still get its own.
    settings.PAGE_CACHE_TTL = 300
    page.goto("/accessibilite/")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_url("**/accessibilite/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url("**/accessibilite/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.console_errors == []

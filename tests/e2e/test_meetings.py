"""Meeting journeys in a real browser: a coordinator announces a meeting of two places, three
members register and the third waits; one cancels, and the third is offered the place, told
by the bell, and confirms it. The pages pass the automated WCAG rules on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts.notifications.models import Notification
from portal.committees.choices import CommitteeAccess, CommitteeRole, RegistrationStatus
from portal.committees.meetings.models import Meeting, Registration
from portal.committees.models import Committee, CommitteeMembership
from tests.e2e.test_accounts import log_in
from tests.e2e.test_committees import accessible, log_out
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_announce_register_wait_cancel_and_the_waiting_person_takes_the_place(page, cast):
    committee = Committee.objects.create(
        name="Comité de la Sarthe", slug="sarthe", access=CommitteeAccess.PUBLIC
    )
    CommitteeMembership.objects.create(
        committee=committee, user=cast.org_admin, role=CommitteeRole.COORDINATOR
    )
    third = UserFactory(email="troisieme@exemple.test", full_name="Théo Troisième")
    for person in (cast.member, cast.other_admin, third):
        CommitteeMembership.objects.create(committee=committee, user=person)

    log_in(page, cast.org_admin.email)
    page.goto("/comites/sarthe/")
    page.get_by_role("link", name="Annoncer une rencontre").click()
    start = timezone.localtime(timezone.now() + timedelta(days=10)).replace(hour=14, minute=0)
    page.locator("[name=title]").fill("Rencontre sur la mobilité")
    page.locator("[name=address]").fill("Maison des associations, Le Mans")
    page.locator("[name=starts_at]").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=ends_at]").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=visibility]").select_option("members")
    page.locator("[name=capacity]").fill("2")
    page.locator("[name=question]").fill("Besoins d'accessibilité ?")
    page.locator("[name='agenda-0-title']").fill("Tour de table")
    page.locator("[name='agenda-0-duration_minutes']").fill("20")
    accessible(page)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name="Rencontre sur la mobilité").wait_for()
    meeting = Meeting.objects.get()
    assert meeting.capacity == 2 and meeting.agenda_items.count() == 1
    accessible(page)

    for person in (cast.member, cast.other_admin, third):
        log_out(page)
        log_in(page, person.email)
        page.goto(meeting.get_absolute_url())
        page.locator("form[action$='/inscription/'] button").click()
        page.locator(".message").first.wait_for()
    assert "position 1" in page.content()
    accessible(page)
    assert Registration.objects.get(user=third).status == RegistrationStatus.WAITING

    log_out(page)
    log_in(page, cast.member.email)
    page.goto(meeting.get_absolute_url())
    page.get_by_role("button", name="Annuler mon inscription").click()
    page.locator(".message-success").wait_for()

    log_out(page)
    log_in(page, third.email)
    assert Notification.objects.filter(recipient=third, title__contains="Rencontre sur").exists()
    page.goto("/notifications/")
    page.get_by_text("Une place s'est libérée pour vous").first.wait_for()
    page.goto(meeting.get_absolute_url())
    page.locator("[name=answer]").fill("Aucun")
    page.get_by_role("button", name="Confirmer ma place").click()
    page.locator(".message-success").wait_for()
    registration = Registration.objects.get(user=third, status=RegistrationStatus.REGISTERED)
    assert registration.answer == "Aucun"
    accessible(page)

    log_out(page)
    log_in(page, cast.org_admin.email)
    page.goto(f"/rencontres/{meeting.pk}/inscriptions/")
    assert "Théo Troisième" in page.content()
    accessible(page)

"""Meetings at their edges, found by a second read: a person who no longer sees a meeting,
a meeting moved, absurd capacities, odd digits, and kept pages that must not carry another
reader's report link or certificate."""

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts import services as accounts
from portal.accounts.notifications.models import Notification
from portal.committees.attendance.models import WalkIn
from portal.committees.calendars import services as calendars
from portal.committees.calendars.models import MeetingReminder
from portal.committees.choices import MeetingVisibility, RegistrationStatus
from portal.committees.meetings import services as meetings
from portal.committees.meetings.models import Meeting, Registration
from portal.committees.membership import services as membership
from portal.committees.minutes import services as minutes
from portal.committees.models import CommitteeMembership
from portal.knowledge.choices import Visibility
from portal.knowledge.curation import services as curation
from tests.committees.records import past_meeting, place
from tests.committees.test_meetings import form_data, make_meeting
from tests.committees.test_minutes import final_minutes, taxonomy  # noqa: F401 (a fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def seated(committee, count):
    people = [UserFactory() for _ in range(count)]
    for person in people:
        CommitteeMembership.objects.create(committee=committee, user=person)
    return people


# Who no longer sees a meeting loses their place to the people waiting.


def test_leaving_a_private_committee_gives_the_place_to_the_next_person(trio):
    meeting = make_meeting(trio.private, capacity=1, question="Régime ?")
    leaver, waiter = seated(trio.private, 2)
    held = meetings.register(meeting=meeting, user=leaver)
    meetings.confirm(registration=held, user=leaver, answer="Sans sel")
    meetings.register(meeting=meeting, user=waiter)
    membership.membership_leave(user=leaver, committee=trio.private)
    held.refresh_from_db()
    assert held.status == RegistrationStatus.CANCELLED and held.answer == ""
    assert Registration.objects.get(user=waiter).status == RegistrationStatus.OFFERED


def test_a_freed_place_skips_a_waiting_person_who_left(cast, trio):
    meeting = make_meeting(trio.private, capacity=1)
    holder, leaver, next_one = seated(trio.private, 3)
    first = meetings.register(meeting=meeting, user=holder)
    meetings.register(meeting=meeting, user=leaver)
    meetings.register(meeting=meeting, user=next_one)
    CommitteeMembership.objects.filter(committee=trio.private, user=leaver).delete()
    meetings.unregister(registration=first, by=holder)
    assert Registration.objects.get(user=leaver).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(user=next_one).status == RegistrationStatus.OFFERED


def test_a_removed_member_and_a_deleted_account_lose_their_places(cast, trio):
    meeting = make_meeting(trio.private, capacity=5, question="Besoins ?")
    removed, deleted = seated(trio.private, 2)
    for person in (removed, deleted):
        registration = meetings.register(meeting=meeting, user=person)
        meetings.confirm(registration=registration, user=person, answer="Fauteuil")
    seat = CommitteeMembership.objects.get(committee=trio.private, user=removed)
    membership.member_remove(user=cast.org_admin, seat=seat)
    accounts.user_delete(user=deleted)
    assert set(Registration.objects.values_list("status", "answer")) == {("cancelled", "")}


def test_the_public_meetings_of_a_committee_left_stay_booked(cast, trio):
    meeting = make_meeting(trio.public, visibility=MeetingVisibility.PUBLIC)
    registration = meetings.register(meeting=meeting, user=cast.member)
    membership.membership_leave(user=cast.member, committee=trio.public)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


# A meeting moved.


def test_a_rescheduled_meeting_reminds_again_before_its_new_date(cast, trio):
    now = timezone.now()
    meeting = make_meeting(trio.public, starts_at=now + timedelta(hours=23, minutes=55))
    meetings.register(meeting=meeting, user=cast.member)
    assert calendars.reminders_send(now=now) == 1
    new_start = now + timedelta(days=7)
    meetings.meeting_update(
        meeting=meeting,
        user=cast.org_admin,
        fields={"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)},
    )
    assert not MeetingReminder.objects.filter(meeting=meeting).exists()
    before = Notification.objects.filter(recipient=cast.member).count()
    assert calendars.reminders_send(now=new_start - timedelta(hours=23, minutes=59)) == 1
    assert Notification.objects.filter(recipient=cast.member).count() == before + 1


def test_an_offer_never_outlives_a_start_moved_earlier(cast, trio):
    meeting = make_meeting(trio.public, capacity=1, offer_hours=72)
    holder, waiter = seated(trio.public, 2)
    first = meetings.register(meeting=meeting, user=holder)
    offered = meetings.register(meeting=meeting, user=waiter)
    meetings.unregister(registration=first, by=holder)
    sooner = timezone.now() + timedelta(hours=10)
    meetings.meeting_update(
        meeting=meeting,
        user=cast.org_admin,
        fields={"starts_at": sooner, "ends_at": sooner + timedelta(hours=1)},
    )
    offered.refresh_from_db()
    assert offered.offer_expires_at == sooner


# Absurd capacities and odd digits: a clear refusal, never a 500.


@pytest.mark.parametrize("capacity", ["0", "99999999999"])
def test_an_absurd_capacity_is_refused(cast, trio, capacity):
    client = Client(raise_request_exception=False)
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("committees:meeting_create", args=[trio.public.slug]),
        form_data(capacity=capacity),
    )
    assert response.status_code == 200 and response.context["form"].errors["capacity"]
    assert not Meeting.objects.exists()
    meeting = make_meeting(trio.public, capacity=2)
    response = client.post(
        reverse("committees:meeting_registrations", args=[meeting.pk]),
        {"action": "capacity", "capacity-capacity": capacity},
    )
    assert response.status_code == 200 and response.context["capacity_form"].errors
    meeting.refresh_from_db()
    assert meeting.capacity == 2


def test_superscript_digits_are_refused_without_an_error(cast, trio):
    client = Client(raise_request_exception=False)
    meeting = make_meeting(trio.public)
    client.force_login(cast.member)
    response = client.post(
        reverse("committees:meeting_unregister", args=[meeting.pk]), {"registration": "²"}
    )
    assert response.status_code == 404
    past = past_meeting(trio.public)
    place(past, cast.member)
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("committees:meeting_attendance", args=[past.pk]),
        {"action": "mark", "present": ["²"]},
    )
    assert response.status_code < 500
    certificate = reverse("committees:meeting_certificate", args=[past.pk])
    assert client.get(certificate + "?inscription=%C2%B2").status_code < 500


# Kept meeting pages carry nothing of another reader.


@pytest.fixture
def kept(settings):
    settings.PAGE_CACHE_TTL = 300


@pytest.mark.usefixtures("taxonomy", "kept")
def test_a_kept_meeting_page_never_names_a_report_its_reader_may_not_read(
    client, cast, trio, django_capture_on_commit_callbacks
):
    meeting = past_meeting(trio.public, visibility=MeetingVisibility.LOGGED_IN)
    with django_capture_on_commit_callbacks(execute=True):
        final_minutes(meeting, cast.org_admin)
        resource = minutes.minutes_capitalise(
            meeting=meeting,
            user=cast.org_admin,
            title="Compte rendu réservé au comité",
            summary="x",
            visibility=Visibility.COMMITTEE,
            organisation=cast.org_admin.memberships.get().organisation,
        )
        curation.resource_publish(user=cast.curator, resource=resource)
    outsider = UserFactory()
    for reader, sees in ((cast.member, True), (outsider, False), (cast.member, True)):
        client.force_login(reader)
        page = text(client.get(meeting.get_absolute_url()))
        assert ("Compte rendu réservé au comité" in page) is sees
        assert ("Marquer comme faite" in page) is (reader == cast.member)


@pytest.mark.usefixtures("kept")
def test_a_kept_meeting_page_offers_a_certificate_to_its_walk_in_only(client, trio):
    meeting = past_meeting(trio.public, visibility=MeetingVisibility.LOGGED_IN)
    walker, outsider = UserFactory(), UserFactory()
    WalkIn.objects.create(meeting=meeting, name="Wanda", user=walker)
    certificate = reverse("committees:meeting_certificate", args=[meeting.pk])
    for reader, offered in ((walker, True), (outsider, False), (walker, True)):
        client.force_login(reader)
        assert (certificate in text(client.get(meeting.get_absolute_url()))) is offered


def test_an_offered_place_does_not_show_the_online_link_yet(client, trio):
    meeting = make_meeting(
        trio.public,
        capacity=1,
        mode="hybrid",
        online_url="https://visio.exemple.test/salle",
    )
    holder, waiter = seated(trio.public, 2)
    first = meetings.register(meeting=meeting, user=holder)
    offered = meetings.register(meeting=meeting, user=waiter)
    meetings.unregister(registration=first, by=holder)
    client.force_login(waiter)
    assert "visio.exemple.test/salle" not in text(client.get(meeting.get_absolute_url()))
    meetings.confirm(registration=offered, user=waiter)
    assert "visio.exemple.test/salle" in text(client.get(meeting.get_absolute_url()))

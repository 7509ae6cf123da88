"""Calendars: a meeting's .ics, a committee's and a person's feeds behind a secret token,
the notices that carry the .ics by e-mail, capacity alerts and reminders (by a real worker)."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from redis import Redis

from portal.accounts.choices import Delivery
from portal.accounts.notifications import services as notifications
from portal.accounts.notifications.models import Notification
from portal.celery import app as celery_app
from portal.committees.calendars import notices
from portal.committees.calendars import services as calendars
from portal.committees.calendars.models import CalendarToken, MeetingReminder
from portal.committees.calendars.tasks import send_meeting_reminders
from portal.committees.choices import MeetingMode, MeetingVisibility
from portal.committees.meetings import services as meetings
from portal.committees.meetings.models import AgendaItem, Meeting
from portal.committees.meetings.scopes import MEETING_ADMIN, MEETINGS
from portal.committees.models import CommitteeMembership
from tests.conftest import wait_for, worker_process
from tests.factories import UserFactory

PARIS = ZoneInfo("Europe/Paris")
LINK = "https://visio.exemple.test/salle-7f3a"
SOON = timedelta(days=7)


def make_meeting(committee, *, starts_at=None, hours=2, **extra):
    # Calendars count in whole seconds.
    start = starts_at or (timezone.now() + SOON).replace(microsecond=0)
    extra.setdefault("visibility", MeetingVisibility.PUBLIC)
    extra.setdefault("title", f"Rencontre {committee.name}")
    extra.setdefault("address", "Hôtel du département, 3 quai Ceineray, Nantes")
    return Meeting.objects.create(
        committee=committee, starts_at=start, ends_at=start + timedelta(hours=hours), **extra
    )


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def parse(content):
    calendar = Calendar.from_ical(content)
    return calendar, list(calendar.walk("VEVENT"))


def event_of(content):
    _calendar, events = parse(content)
    assert len(events) == 1
    return events[0]


def ics(client, meeting):
    response = client.get(reverse("committees:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def summaries(content):
    return sorted(str(event["SUMMARY"]) for event in parse(content)[1])


def token_for(user):
    return calendars.token_create(user=user).token


def personal(client, token):
    return client.get(reverse("committees:personal_ics", args=[token]))


def committee_feed(client, committee, token=None):
    url = reverse("committees:committee_ics", args=[committee.slug])
    return client.get(url, {"jeton": token} if token is not None else {})


# One meeting's file


@pytest.mark.parametrize(
    "before, after",
    [
        # Summer time starts on Sunday 28 March 2027, ends on Sunday 31 October 2027.
        ((2027, 3, 27, 10, 0), (2027, 3, 29, 10, 0)),
        ((2027, 10, 30, 14, 30), (2027, 11, 1, 14, 30)),
    ],
)
def test_the_ics_keeps_paris_local_times_on_both_sides_of_a_change_of_hour(
    client, trio, before, after
):
    offsets = []
    for moment in (before, after):
        meeting = make_meeting(trio.public, starts_at=paris(*moment))
        content = ics(client, meeting)
        calendar, (event,) = parse(content)
        start = event.decoded("DTSTART")
        # Written as local Paris time with its zone, and read back as such.
        stamp = "{:04d}{:02d}{:02d}T{:02d}{:02d}00".format(*moment)
        assert f"DTSTART;TZID=Europe/Paris:{stamp}".encode() in content
        assert (start.hour, start.minute) == moment[3:]
        assert start == meeting.starts_at
        assert event.decoded("DTEND") - start == timedelta(hours=2)
        # The VTIMEZONE shipped in the file, read on its own, gives the same instant.
        (zone,) = calendar.timezones
        assert zone["TZID"] == "Europe/Paris"
        own = datetime(*moment, tzinfo=zone.to_tz())
        assert own == meeting.starts_at
        offsets.append(own.utcoffset())
    assert sorted(offsets) == [timedelta(hours=1), timedelta(hours=2)]


def test_the_ics_carries_the_meeting_and_a_uid_that_never_changes(client, cast, trio):
    meeting = make_meeting(trio.public, title="Précarité énergétique")
    AgendaItem.objects.create(meeting=meeting, position=1, title="Débat", duration_minutes=45)
    AgendaItem.objects.create(
        meeting=meeting, position=0, title="Accueil", duration_minutes=15, speaker="CCAS"
    )
    first = event_of(ics(client, meeting))
    assert str(first["SUMMARY"]) == "Précarité énergétique"
    assert str(first["LOCATION"]) == meeting.address
    assert int(first["SEQUENCE"]) == 0 and str(first["STATUS"]) == "CONFIRMED"
    description = str(first["DESCRIPTION"])
    start = timezone.localtime(meeting.starts_at)
    assert f"{start:%H:%M} Accueil (15 min) — CCAS" in description
    assert f"{start + timedelta(minutes=15):%H:%M} Débat (45 min)" in description
    assert description.index("Accueil") < description.index("Débat")
    assert str(first["URL"]).endswith(meeting.get_absolute_url())
    uid = str(first["UID"])
    assert uid == f"rencontre-{meeting.pk}@{urlsplit(django_settings.SITE_URL).hostname}"
    # Another reader, the committee's feed, a change: the same UID.
    client.force_login(cast.member)
    assert str(event_of(ics(client, meeting))["UID"]) == uid
    (in_feed,) = parse(committee_feed(client, trio.public).content)[1]
    assert str(in_feed["UID"]) == uid
    meetings.meeting_update(
        meeting=meeting, user=cast.org_admin, fields={"address": "Salle B, Nantes"}
    )
    changed = event_of(ics(client, meeting))
    assert str(changed["UID"]) == uid and int(changed["SEQUENCE"]) == 1
    assert str(changed["LOCATION"]) == "Salle B, Nantes"


def test_a_meeting_one_may_not_see_has_no_file(client, cast, trio):
    secret = make_meeting(trio.private, visibility=MeetingVisibility.MEMBERS, title="Secrète")
    url = reverse("committees:meeting_ics", args=[secret.pk])
    assert client.get(url).status_code == 404
    for outsider in (cast.other_admin, cast.curator):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(cast.member)
    assert str(event_of(ics(client, secret))["SUMMARY"]) == "Secrète"
    assert client.get(reverse("committees:meeting_ics", args=[secret.pk + 999])).status_code == 404


def test_the_online_link_is_only_in_the_files_of_people_holding_a_place(client, cast, trio):
    meeting = make_meeting(
        trio.public, mode=MeetingMode.HYBRID, online_url=LINK, capacity=1, title="Hybride"
    )
    holder = UserFactory()
    waiting = UserFactory()
    meetings.register(meeting=meeting, user=holder)
    meetings.register(meeting=meeting, user=waiting)

    def content_for(person):
        viewer = Client()
        if person is not None:
            viewer.force_login(person)
        return ics(viewer, meeting)

    for person in (None, cast.other_admin, waiting):
        content = content_for(person)
        assert LINK.encode() not in content
        assert "salle-7f3a" not in str(event_of(content)["DESCRIPTION"])
    waiting_event = event_of(content_for(waiting))
    assert str(waiting_event["STATUS"]) == "TENTATIVE"
    for person in (holder, cast.org_admin):  # holding a place; coordinating the committee
        assert LINK in str(event_of(content_for(person))["DESCRIPTION"])
    # The committee's feed likewise: not for the anonymous, yes behind the holder's token.
    assert LINK.encode() not in committee_feed(client, trio.public).content
    assert LINK.encode() in committee_feed(client, trio.public, token_for(holder)).content
    assert LINK.encode() not in committee_feed(client, trio.public, token_for(waiting)).content
    # An online-only meeting names the link as its place for the holder only.
    online = make_meeting(trio.public, mode=MeetingMode.ONLINE, address="", online_url=LINK)
    meetings.register(meeting=online, user=holder)
    assert str(event_of(ics(Client(), online))["LOCATION"]) == "En ligne"
    viewer = Client()
    viewer.force_login(holder)
    assert str(event_of(ics(viewer, online))["LOCATION"]) == LINK


def test_a_cancelled_meeting_says_so_and_its_file_cancels_it(client, cast, trio):
    meeting = make_meeting(trio.public)
    meetings.meeting_cancel(meeting=meeting, user=cast.org_admin)
    content = ics(client, meeting)
    calendar, (event,) = parse(content)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


# A committee's feed


def test_the_committee_feed_shows_what_its_reader_may_see(client, cast, trio):
    make_meeting(trio.public, title="Publique")
    make_meeting(trio.public, title="Connectés", visibility=MeetingVisibility.LOGGED_IN)
    make_meeting(trio.public, title="Membres", visibility=MeetingVisibility.MEMBERS)
    make_meeting(trio.restricted, title="Autre comité")
    response = committee_feed(client, trio.public)
    assert summaries(response.content) == ["Publique"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Cohésion — Comité ouvert"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    assert b"X-PUBLISHED-TTL:PT1H" in response.content
    client.force_login(cast.other_admin)
    assert summaries(committee_feed(client, trio.public).content) == ["Connectés", "Publique"]
    client.force_login(cast.member)
    everything = ["Connectés", "Membres", "Publique"]
    assert summaries(committee_feed(client, trio.public).content) == everything
    # A calendar app holds no session: the member's token opens the member's view.
    token = token_for(cast.member)
    response = committee_feed(Client(), trio.public, token)
    assert summaries(response.content) == everything
    assert "no-store" in response["Cache-Control"]


def test_the_committee_feed_forgets_a_committee_its_tokens_owner_left(client, settings, cast, trio):
    settings.PAGE_CACHE_TTL = 300  # what a token opens is never kept
    make_meeting(trio.public, title="Publique")
    make_meeting(trio.public, title="Membres", visibility=MeetingVisibility.MEMBERS)
    make_meeting(trio.private, title="Secrète", visibility=MeetingVisibility.MEMBERS)
    token = token_for(cast.member)
    assert summaries(committee_feed(client, trio.private, token).content) == ["Secrète"]
    CommitteeMembership.objects.filter(user=cast.member).delete()
    assert summaries(committee_feed(client, trio.public, token).content) == ["Publique"]
    # A private committee's feed is no longer there at all for them.
    assert committee_feed(client, trio.private, token).status_code == 404
    assert committee_feed(client, trio.private).status_code == 404


def test_a_wrong_token_on_a_committee_feed_is_refused(client, cast, trio):
    make_meeting(trio.public, title="Publique")
    assert committee_feed(client, trio.public, "inconnu").status_code == 404
    assert committee_feed(client, trio.public, "x" * 500).status_code == 404
    assert committee_feed(client, trio.public, "a\x00" * 20).status_code in (400, 404)
    assert personal(client, "a%00b" * 10).status_code in (400, 404)
    # Someone logged in presenting another person's token.
    token = token_for(cast.member)
    client.force_login(cast.other_admin)
    assert committee_feed(client, trio.public, token).status_code == 404
    assert committee_feed(client, trio.public).status_code == 200


def test_the_feeds_read_a_constant_number_of_queries(client, cast, trio):
    token = token_for(cast.member)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    feed = reverse("committees:committee_ics", args=[trio.public.slug]) + f"?jeton={token}"
    mine = reverse("committees:personal_ics", args=[token])

    def more(n):
        meeting = make_meeting(trio.public, title=f"R{n}")
        AgendaItem.objects.create(meeting=meeting, title="Point", duration_minutes=10)
        meetings.register(meeting=meeting, user=cast.member)

    more(0)
    few = count(feed), count(mine)
    for n in range(1, 8):
        more(n)
    assert (count(feed), count(mine)) == few
    assert len(summaries(client.get(mine).content)) == 8


# A person's feed and its token


def test_the_personal_feed_shows_places_held_and_waits_marked_as_such(client, cast, trio):
    held = make_meeting(trio.public, title="Tenue", capacity=5)
    full = make_meeting(trio.public, title="Complète", capacity=1)
    make_meeting(trio.public, title="Pas inscrite")
    meetings.register(meeting=full, user=cast.org_admin)
    meetings.register(meeting=held, user=cast.member)
    meetings.register(meeting=full, user=cast.member)
    response = personal(client, token_for(cast.member))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    events = {str(e["UID"]): e for e in parse(response.content)[1]}
    assert len(events) == 2
    waiting = next(e for e in events.values() if "Complète" in str(e["SUMMARY"]))
    assert str(waiting["SUMMARY"]) == "Liste d'attente : Complète"
    assert str(waiting["STATUS"]) == "TENTATIVE"
    confirmed = next(e for e in events.values() if str(e["SUMMARY"]) == "Tenue")
    assert str(confirmed["STATUS"]) == "CONFIRMED"


def test_the_personal_feed_drops_a_members_meeting_once_its_owner_leaves(
    client, settings, cast, trio
):
    members_only = make_meeting(trio.public, title="Membres", visibility=MeetingVisibility.MEMBERS)
    public = make_meeting(trio.public, title="Publique")
    meetings.register(meeting=members_only, user=cast.member)
    meetings.register(meeting=public, user=cast.member)
    token = token_for(cast.member)
    settings.PAGE_CACHE_TTL = 300
    assert summaries(personal(client, token).content) == ["Membres", "Publique"]
    CommitteeMembership.objects.filter(user=cast.member, committee=trio.public).delete()
    assert summaries(personal(client, token).content) == ["Publique"]


def test_a_renewed_or_revoked_token_no_longer_opens_the_feed(client, settings, cast, trio):
    settings.PAGE_CACHE_TTL = 300  # what a token opens is never kept
    first = token_for(cast.member)
    assert personal(client, first).status_code == 200
    second = calendars.token_renew(user=cast.member).token
    assert second != first
    assert personal(client, first).status_code == 404
    assert personal(client, second).status_code == 200
    calendars.token_revoke(user=cast.member)
    assert personal(client, second).status_code == 404
    assert personal(client, "inconnu").status_code == 404
    # Someone logged in with another person's token; an account closed.
    third = calendars.token_create(user=cast.member).token
    client.force_login(cast.other_admin)
    assert personal(client, third).status_code == 404
    client.logout()
    cast.member.is_active = False
    cast.member.save(update_fields=["is_active"])
    assert personal(client, third).status_code == 404


def test_a_person_creates_renews_and_revokes_their_address(client, cast, trio):
    url = reverse("committees:calendar_settings")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(cast.member)
    page = client.get(url).content.decode()
    assert "Créer mon adresse personnelle" in page
    response = client.post(url, {"action": "create"}, follow=True)
    token = CalendarToken.objects.get(user=cast.member).token
    page = response.content.decode()
    assert reverse("committees:personal_ics", args=[token]) in page
    assert f"?jeton={token}" in page  # the committees' feeds, with the token
    assert "Renouveler l'adresse" in page and "Révoquer l'adresse" in page
    client.post(url, {"action": "renew"})
    renewed = CalendarToken.objects.get(user=cast.member).token
    assert renewed != token
    client.post(url, {"action": "revoke"})
    assert not CalendarToken.objects.filter(user=cast.member).exists()


def test_bad_requests_on_the_address_page_change_nothing(client, cast):
    url = reverse("committees:calendar_settings")
    token = token_for(cast.member)
    client.force_login(cast.member)
    response = client.post(url, {"action": "supprimer-tout"})
    assert response.status_code == 400 and "Action inconnue." in response.content.decode()
    response = client.post(url, {"action": "create"})
    assert response.status_code == 400
    assert "Vous avez déjà une adresse de calendrier personnelle." in response.content.decode()
    assert CalendarToken.objects.get(user=cast.member).token == token
    # A forged request from another site (no CSRF token) changes nothing.
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(cast.member)
    assert forged.post(url, {"action": "renew"}).status_code == 403
    assert forged.post(url, {"action": "revoke"}).status_code == 403
    assert CalendarToken.objects.get(user=cast.member).token == token
    # Only one's own address: the page never takes another person's token.
    client.force_login(cast.other_admin)
    response = client.post(url, {"action": "revoke", "token": token})
    assert response.status_code == 400
    assert CalendarToken.objects.get(user=cast.member).token == token


def test_the_pages_link_to_the_calendars(client, cast, trio):
    meeting = make_meeting(trio.public, mode=MeetingMode.HYBRID, online_url=LINK)
    client.force_login(cast.member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("committees:meeting_ics", args=[meeting.pk]) in page
    assert reverse("committees:committee_ics", args=[trio.public.slug]) in page
    assert reverse("committees:calendar_settings") in page
    agenda = client.get(reverse("committees:agenda")).content.decode()
    assert reverse("committees:calendar_settings") in agenda


# Notices


@pytest.fixture
def outbox_on_commit(django_capture_on_commit_callbacks):
    """Run what is queued after commit (the e-mails' jobs, eager in tests) at the end of the
    block, as a real commit would."""
    mail.outbox.clear()
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_confirmation_email_carries_the_ics(cast, trio, outbox_on_commit):
    meeting = make_meeting(
        trio.public,
        mode=MeetingMode.HYBRID,
        online_url=LINK,
        starts_at=paris(2027, 3, 29, 9, 30),
        title="Rencontre de printemps",
    )
    with outbox_on_commit():
        registration = meetings.register(meeting=meeting, user=cast.member)
    assert registration.status == "registered"
    (message,) = [m for m in mail.outbox if m.to == [cast.member.email]]
    assert "lundi 29 mars 2027, 09:30 – 11:30" in message.body
    assert meeting.address in message.body and LINK in message.body
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename == f"rencontre-{meeting.pk}.ics" and mimetype == "text/calendar"
    calendar, (event,) = parse(content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert LINK in str(event["DESCRIPTION"])
    notification = Notification.objects.get(recipient=cast.member, kind=MEETINGS)
    assert notification.scope == f"meeting:{meeting.pk}" and notification.emailed_at


def test_each_persons_choices_are_respected(cast, trio, outbox_on_commit):
    meeting = make_meeting(trio.public)
    portal_only, digest = UserFactory(), UserFactory()
    notifications.preference_set(user=portal_only, kind=MEETINGS, delivery=Delivery.IN_APP)
    notifications.preference_set(user=digest, kind=MEETINGS, delivery=Delivery.DIGEST)
    with outbox_on_commit():
        meetings.register(meeting=meeting, user=portal_only)
        meetings.register(meeting=meeting, user=digest)
    assert mail.outbox == []
    told = Notification.objects.filter(kind=MEETINGS, recipient__in=[portal_only, digest])
    assert told.count() == 2


def test_a_change_bumps_the_sequence_and_sends_the_updated_ics(cast, trio, outbox_on_commit):
    meeting = make_meeting(trio.public, capacity=1, mode=MeetingMode.HYBRID, online_url=LINK)
    waiting = UserFactory()
    meetings.register(meeting=meeting, user=cast.member)
    meetings.register(meeting=meeting, user=waiting)
    later = meeting.starts_at + timedelta(days=1)
    with outbox_on_commit():
        meetings.meeting_update(
            meeting=meeting,
            user=cast.org_admin,
            fields={"starts_at": later, "ends_at": later + timedelta(hours=3)},
        )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    to_holder = next(m for m in mail.outbox if m.to == [cast.member.email])
    to_waiting = next(m for m in mail.outbox if m.to == [waiting.email])
    assert "Rencontre modifiée" in to_holder.subject
    local = timezone.localtime(later)
    assert f"{local:%H:%M}" in to_holder.body and LINK in to_holder.body
    event = event_of(to_holder.attachments[0][1])
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART") == later
    # Waiting people are told, without the link nor a file for their calendar.
    assert LINK not in to_waiting.body and to_waiting.attachments == []
    mail.outbox.clear()
    with outbox_on_commit():
        meetings.meeting_cancel(meeting=meeting, user=cast.org_admin)
    to_holder = next(m for m in mail.outbox if m.to == [cast.member.email])
    assert "Rencontre annulée" in to_holder.subject
    calendar, (event,) = parse(to_holder.attachments[0][1])
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert any(m.to == [waiting.email] for m in mail.outbox)


def test_meeting_changed_can_be_called_directly(cast, trio):
    meeting = make_meeting(trio.public)
    notices.meeting_changed(meeting=meeting)
    notices.meeting_changed(meeting=meeting)
    assert meeting.sequence == 2
    assert Meeting.objects.get(pk=meeting.pk).sequence == 2


def test_no_file_when_the_place_was_given_up_before_the_email_left(cast, trio):
    meeting = make_meeting(trio.public)
    registration = meetings.register(meeting=meeting, user=cast.member)
    notification = Notification.objects.get(recipient=cast.member, kind=MEETINGS)
    assert len(notices.ics_attachment(notification)) == 1
    meetings.unregister(registration=registration, by=cast.member)
    assert notices.ics_attachment(notification) == []


def test_an_unknown_attachment_is_refused_at_once(cast):
    with pytest.raises(ValueError):
        notifications.notify(
            recipients=[cast.member], kind=MEETINGS, title="x", attachments=["inconnue"]
        )
    assert not Notification.objects.exists()


def test_coordinators_are_told_once_at_80_and_once_at_100_percent(cast, trio):
    meeting = make_meeting(trio.public, capacity=5)
    people = [UserFactory() for _ in range(6)]

    def alerts():
        return list(
            Notification.objects.filter(recipient=cast.org_admin, kind=MEETING_ADMIN)
            .order_by("id")
            .values_list("title", flat=True)
        )

    registrations = [meetings.register(meeting=meeting, user=p) for p in people[:3]]
    assert alerts() == []
    registrations.append(meetings.register(meeting=meeting, user=people[3]))
    assert alerts() == [f"Rencontre remplie à 80 % : {meeting.title}"]
    registrations.append(meetings.register(meeting=meeting, user=people[4]))
    assert len(alerts()) == 2 and alerts()[1] == f"Rencontre complète : {meeting.title}"
    # A place freed and taken again: not told twice.
    meetings.unregister(registration=registrations.pop(), by=people[4])
    registrations.append(meetings.register(meeting=meeting, user=people[5]))
    assert len(alerts()) == 2
    notices.capacity_check(meeting=meeting)
    assert len(alerts()) == 2
    # Back under 80 %, the alerts are re-armed.
    for registration in registrations[:3]:
        meetings.unregister(registration=registration, by=registration.user)
    assert Meeting.objects.get(pk=meeting.pk).capacity_alert == 0
    meetings.register(meeting=meeting, user=people[0])
    meetings.register(meeting=meeting, user=people[1])
    assert len(alerts()) == 3 and "80 %" in alerts()[2]
    body = Notification.objects.filter(kind=MEETING_ADMIN).latest("id").body
    assert "4 places occupées sur 5" in body


# Reminders


def reminded(meeting):
    return sorted(MeetingReminder.objects.filter(meeting=meeting).values_list("minutes_before"))


def test_each_reminder_goes_once_to_the_people_holding_a_place(cast, trio):
    start = timezone.now() + timedelta(days=3)
    meeting = make_meeting(trio.public, starts_at=start, capacity=1, reminders=[1440, 60])
    meetings.register(meeting=meeting, user=cast.member)
    waiting = UserFactory()
    meetings.register(meeting=meeting, user=waiting)
    assert calendars.reminders_send(now=start - timedelta(hours=25)) == 0
    day_before = start - timedelta(hours=23, minutes=58)
    assert calendars.reminders_send(now=day_before) == 1
    assert calendars.reminders_send(now=day_before + timedelta(minutes=5)) == 0
    told = Notification.objects.filter(kind=MEETINGS, title__startswith="Rappel")
    assert [n.recipient for n in told] == [cast.member]
    assert "dans 23 heures, 58 minutes" in told[0].title.replace("\xa0", " ")
    assert meeting.address in told[0].body
    assert calendars.reminders_send(now=start - timedelta(minutes=58)) == 1
    assert reminded(meeting) == [(60,), (1440,)]
    assert told.all().count() == 2


def test_no_reminder_for_a_cancelled_or_started_meeting(cast, trio):
    start = timezone.now() + timedelta(days=3)
    cancelled = make_meeting(trio.public, starts_at=start, reminders=[60])
    meetings.register(meeting=cancelled, user=cast.member)
    meetings.meeting_cancel(meeting=cancelled, user=cast.org_admin)
    assert calendars.reminders_send(now=start - timedelta(minutes=59)) == 0
    assert calendars.reminders_send(now=start + timedelta(minutes=1)) == 0
    assert not MeetingReminder.objects.exists()


def test_a_reminder_is_not_sent_late_in_a_misleading_way(cast, trio):
    start = timezone.now() + timedelta(days=3)
    # Announced thirty minutes before its start: both reminders' times have passed.
    meeting = make_meeting(trio.public, starts_at=start, reminders=[1440, 60])
    meetings.register(meeting=meeting, user=cast.member)
    assert calendars.reminders_send(now=start - timedelta(minutes=30)) == 0
    assert not MeetingReminder.objects.exists()
    # Workers away for a day: only the closest reminder goes, the day-before one never.
    later = start + timedelta(days=1)
    other = make_meeting(trio.public, starts_at=later, reminders=[1440, 60])
    meetings.register(meeting=other, user=cast.member)
    assert calendars.reminders_send(now=later - timedelta(minutes=50)) == 1
    assert reminded(other) == [(60,)]
    assert calendars.reminders_send(now=later - timedelta(minutes=45)) == 0
    assert reminded(other) == [(60,)]
    title = Notification.objects.get(title__startswith="Rappel").title
    assert title.replace("\xa0", " ").endswith("dans 50 minutes")


def test_reminders_follow_each_persons_choices(cast, trio, outbox_on_commit):
    start = timezone.now() + timedelta(days=3)
    meeting = make_meeting(trio.public, starts_at=start, reminders=[60])
    quiet = UserFactory()
    notifications.preference_set(user=quiet, kind=MEETINGS, delivery=Delivery.IN_APP)
    meetings.register(meeting=meeting, user=cast.member)
    meetings.register(meeting=meeting, user=quiet)
    mail.outbox.clear()
    with outbox_on_commit():
        calendars.reminders_send(now=start - timedelta(minutes=55))
    assert [m.to for m in mail.outbox] == [[cast.member.email]]
    assert Notification.objects.filter(recipient=quiet, title__startswith="Rappel").exists()


def test_beat_runs_the_reminders_every_five_minutes():
    (entry,) = [
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == send_meeting_reminders.name
    ]
    assert entry["schedule"] == 300.0
    assert send_meeting_reminders.name in celery_app.tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminders_once(redis_broker, cast, trio):
    meeting = make_meeting(
        trio.public, starts_at=timezone.now() + timedelta(minutes=50), reminders=[1440, 60]
    )
    with transaction.atomic():
        meetings.register(meeting=meeting, user=cast.member)
    # The confirmation's e-mail job waits for a worker; only the reminder matters here.
    worker = worker_process(redis_broker, hostname="rappels")
    try:
        send_meeting_reminders.delay()
        assert wait_for(lambda: MeetingReminder.objects.filter(meeting=meeting).exists(), 60)
        told = Notification.objects.filter(recipient=cast.member, title__startswith="Rappel")
        # The e-mail at once, by the same worker (its job queued after the commit).
        assert wait_for(lambda: told.filter(emailed_at__isnull=False).exists(), 60)
        send_meeting_reminders.delay()
        send_meeting_reminders.delay()
        queue = Redis.from_url(redis_broker)
        assert wait_for(lambda: queue.llen("celery") == 0 and queue.hlen("unacked") == 0, 60)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert reminded(meeting) == [(60,)]
    assert told.count() == 1

"""iCalendar files (RFC 5545) of meetings, written by the icalendar library: one meeting's
(downloaded, or attached to an e-mail), a committee's feed and a person's feed.

Each meeting is one VEVENT whose UID never changes (its id and the site's host), whose
SEQUENCE is the meeting's (bumped at each change people are told of: calendars then replace
the old version) and whose times are written in Europe/Paris with that zone's VTIMEZONE, so
that a client anywhere shows 14:00 in Nantes on both sides of a change of hour. The online
link is written only into the files of people holding a place and of the organisers.
"""

from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from portal.committees.choices import RegistrationStatus
from portal.committees.meetings import texts
from portal.links import site_host, site_url

PARIS = ZoneInfo("Europe/Paris")
MIMETYPE = "text/calendar"
PRODID = "-//Cohésion//Rencontres des comités//FR"
# Calendar apps that subscribe to a feed are asked to read it again this often.
REFRESH = timedelta(hours=1)
# A long description is cut: a calendar is no place to read the whole announcement.
DESCRIPTION_LIMIT = 3000


@dataclass(frozen=True)
class Entry:
    """One meeting as one reader sees it in a file: with the online link or not, and their
    registration's status when the file is theirs (None otherwise)."""

    meeting: object
    with_link: bool
    status: str | None = None


def uid(meeting):
    """Never changes for a meeting: every file and e-mail speaks of the same event."""
    return f"rencontre-{meeting.pk}@{site_host()}"


def _organizer(meeting):
    # iTIP wants an organiser; replies go nowhere useful, so the no-reply address, named
    # after the committee.
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or f"ne-pas-repondre@{site_host()}"
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(f"Cohésion — {meeting.committee.name}")
    return organizer


def _agenda_lines(meeting):
    lines = []
    at = meeting.starts_at.astimezone(PARIS)
    for item in meeting.agenda_items.all():
        line = f"{at:%H:%M} {item.title} ({item.duration_minutes} min)"
        if item.speaker:
            line += f" — {item.speaker}"
        lines.append(line)
        at += timedelta(minutes=item.duration_minutes)
    return lines


def _summary(entry):
    meeting = entry.meeting
    if meeting.is_cancelled:
        return _("Cancelled: %(title)s") % {"title": meeting.title}
    if entry.status == RegistrationStatus.WAITING:
        return _("Waiting list: %(title)s") % {"title": meeting.title}
    if entry.status == RegistrationStatus.OFFERED:
        return _("Place to confirm: %(title)s") % {"title": meeting.title}
    return meeting.title


def _description(entry):
    meeting = entry.meeting
    parts = [texts.summary(meeting, with_link=entry.with_link)]
    if meeting.is_cancelled:
        parts.append(_("This meeting is cancelled."))
    elif entry.status == RegistrationStatus.WAITING:
        parts.append(_("You are on the waiting list: you will be told if a place frees up."))
    elif entry.status == RegistrationStatus.OFFERED:
        parts.append(_("A place is offered to you: confirm it on the meeting's page."))
    agenda = _agenda_lines(meeting)
    if agenda:
        parts.append("\n".join([_("Agenda:"), *agenda]))
    if meeting.description:
        description = meeting.description.strip()
        if len(description) > DESCRIPTION_LIMIT:
            description = description[:DESCRIPTION_LIMIT].rstrip() + " […]"
        parts.append(description)
    parts.append(site_url(meeting.get_absolute_url()))
    return "\n\n".join(parts)


def _location(entry):
    meeting = entry.meeting
    if meeting.in_person and meeting.address:
        return meeting.address
    if meeting.online and entry.with_link and meeting.online_url:
        return meeting.online_url
    if meeting.online:
        return _("Online")
    return ""


def event_for(entry, *, stamp):
    """The VEVENT of one meeting as `entry` says it is seen. Its agenda items, committee
    should be loaded (prefetch_related / select_related) by the caller."""
    meeting = entry.meeting
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(PARIS))
    event.add("dtend", meeting.ends_at.astimezone(PARIS))
    event.add("sequence", meeting.sequence)
    event.add("summary", _summary(entry))
    event.add("description", _description(entry))
    location = _location(entry)
    if location:
        event.add("location", location)
    event.add("url", site_url(meeting.get_absolute_url()))
    event.add("organizer", _organizer(meeting))
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    if meeting.is_cancelled:
        event.add("status", "CANCELLED")
    elif entry.status in (RegistrationStatus.WAITING, RegistrationStatus.OFFERED):
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    return event


def calendar_bytes(entries, *, method="PUBLISH", name=None):
    """The whole file: the events, then the VTIMEZONE they need (generated from zoneinfo,
    for the span of dates they cover)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        # An X- property is written as given: the duration spelled out (PT1H).
        calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    calendar.add("x-wr-timezone", "Europe/Paris")
    stamp = timezone.now()
    for entry in entries:
        calendar.add_component(event_for(entry, stamp=stamp))
    if entries:
        first = min(e.meeting.starts_at for e in entries).astimezone(PARIS).date()
        last = max(e.meeting.ends_at for e in entries).astimezone(PARIS).date()
        calendar.add_missing_timezones(
            first_date=first - timedelta(days=1), last_date=last + timedelta(days=1)
        )
    return calendar.to_ical()


def meeting_file(entry):
    """One meeting's file: METHOD:CANCEL once it is cancelled, so that a calendar which took
    it removes it."""
    method = "CANCEL" if entry.meeting.is_cancelled else "PUBLISH"
    return calendar_bytes([entry], method=method)


def filename(meeting):
    return f"rencontre-{meeting.pk}.ics"


def response(content, *, filename, private):
    """The file over HTTP. A private one (with an online link, or opened by a secret token)
    is never kept by a cache: a revoked token stops working at once."""
    answer = HttpResponse(content, content_type=f"{MIMETYPE}; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        answer["Cache-Control"] = "private, no-store"
    return answer

"""What people are told about meetings, in the portal and by e-mail, with the meeting's
.ics attached where their calendar should follow.

The meetings' services call these inside their transactions: notify() writes the
notifications at once and queues the e-mails for after the commit; the .ics is made when
each e-mail leaves (the attachment provider below, registered in apps.py), from the meeting
as it then is. Every text carries the meeting's date, time, place and, for the people
holding a place, its online link (meetings.texts). Each person's notification choices for
the kind (at once, daily digest, portal only) are those of notify().
"""

from django.db.models import F
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from portal.accounts.notifications import services as notifications
from portal.accounts.notifications.attachments import Attachment
from portal.committees.calendars import ics, selectors
from portal.committees.choices import CommitteeRole, RegistrationStatus
from portal.committees.meetings import texts
from portal.committees.meetings.models import ACTIVE, HOLDING, Meeting
from portal.committees.meetings.scopes import MEETING_ADMIN, MEETINGS, meeting_scope
from portal.committees.models import CommitteeMembership

# The name under which the meeting's .ics is attached to notification e-mails.
ICS = "committees.meeting_ics"

# Shares of the capacity at which the coordinators are told.
NEARLY_FULL, FULL = 80, 100


def ics_attachment(notification):
    """The .ics of the meeting a notification speaks of (scope « meeting:<id> »), as its
    recipient may see it; none once they hold no place (they cancelled before the e-mail
    left), except the cancellation itself."""
    prefix, _sep, ident = notification.scope.partition(":")
    if prefix != "meeting" or not (ident.isascii() and ident.isdigit()):
        return []
    meeting = selectors.meeting_for_file(pk=int(ident))
    if meeting is None:
        return []
    entry = selectors.meeting_entry(meeting=meeting, user=notification.recipient)
    if not meeting.is_cancelled and entry.status not in HOLDING:
        return []
    content = ics.meeting_file(entry).decode()
    return [Attachment(filename=ics.filename(meeting), content=content, mimetype=ics.MIMETYPE)]


def registration_confirmed(*, registration):
    """The person holds a place: told so, with the meeting's .ics attached to the e-mail."""
    meeting = registration.meeting
    with notifications.portal_language():
        notifications.notify(
            recipients=[registration.user],
            kind=MEETINGS,
            title=_("Your place is confirmed: %(title)s") % {"title": meeting.title},
            body=_(
                "You hold a place at this meeting. Add it to your calendar with the .ics "
                "file attached to the e-mail or found on the meeting's page.\n\n%(summary)s"
            )
            % {"summary": texts.summary(meeting, with_link=True)},
            path=meeting.get_absolute_url(),
            scope=meeting_scope(meeting),
            attachments=[ICS],
        )


def meeting_changed(*, meeting, cancelled=False):
    """The meeting changed (time, place, link) or is cancelled: its SEQUENCE goes up, so that
    calendars replace the old version, and everyone holding a place or waiting is told; the
    people holding a place get the updated .ics (a cancellation: STATUS:CANCELLED,
    METHOD:CANCEL)."""
    meeting.sequence = F("sequence") + 1
    meeting.save(update_fields=["sequence"])
    meeting.refresh_from_db(fields=["sequence"])
    cancelled = cancelled or meeting.is_cancelled
    registrations = list(
        meeting.registrations.filter(status__in=ACTIVE).select_related("user").order_by("pk")
    )
    # The link (and the .ics that carries it) goes to registered people only: a place
    # offered and not yet confirmed is told as a waiting one is.
    holding = [r.user for r in registrations if r.status == RegistrationStatus.REGISTERED]
    waiting = [r.user for r in registrations if r.status != RegistrationStatus.REGISTERED]
    with notifications.portal_language():
        if cancelled:
            title = _("Meeting cancelled: %(title)s") % {"title": meeting.title}
            lead = _("This meeting is cancelled. The attached file removes it from your calendar.")
            lead_waiting = _("This meeting is cancelled: your place on its waiting list ends.")
        else:
            title = _("Meeting changed: %(title)s") % {"title": meeting.title}
            lead = _(
                "The meeting's time, place or link changed; here it is now. The attached file "
                "updates your calendar."
            )
            lead_waiting = _("The meeting's time, place or link changed; here it is now.")
        for people, text, with_link, attachments in (
            (holding, lead, True, [ICS]),
            (waiting, lead_waiting, False, []),
        ):
            if people:
                notifications.notify(
                    recipients=people,
                    kind=MEETINGS,
                    title=title,
                    body=f"{text}\n\n{texts.summary(meeting, with_link=with_link)}",
                    path=meeting.get_absolute_url(),
                    scope=meeting_scope(meeting),
                    attachments=attachments,
                )


def capacity_level(held, capacity):
    """The share of the capacity reached, as told to the coordinators: 0, 80 or 100."""
    if not capacity:
        return 0
    if held >= capacity:
        return FULL
    if held * 100 >= capacity * NEARLY_FULL:
        return NEARLY_FULL
    return 0


def capacity_check(*, meeting):
    """Tell the committee's coordinators when the places held reach 80 %, then 100 %, of the
    capacity, each once. meeting.capacity_alert keeps the last level told. Falling back
    under 80 % (cancellations, a larger capacity) re-arms both; going from full to between
    80 and 99 % re-arms nothing, so that a place freed and taken again at once (the waiting
    list at work) does not tell them twice that the meeting is full. The claim is a
    conditional UPDATE: a concurrent check never tells twice."""
    if meeting.is_cancelled:
        return
    held = meeting.registrations.filter(status__in=HOLDING).count()
    reached = capacity_level(held, meeting.capacity)
    told = Meeting.objects.filter(pk=meeting.pk).values_list("capacity_alert", flat=True).get()
    if reached > told:
        level = reached
    elif reached == 0 and told > 0:
        level = 0
    else:
        return
    claimed = Meeting.objects.filter(pk=meeting.pk, capacity_alert=told).update(
        capacity_alert=level
    )
    meeting.capacity_alert = level
    if not claimed or level <= told:
        return
    coordinators = [
        seat.user
        for seat in CommitteeMembership.objects.filter(
            committee_id=meeting.committee_id, role=CommitteeRole.COORDINATOR
        ).select_related("user")
    ]
    waiting = meeting.registrations.filter(status=RegistrationStatus.WAITING).count()
    with notifications.portal_language():
        if level == FULL:
            title = _("Meeting full: %(title)s") % {"title": meeting.title}
        else:
            title = _("Meeting 80 %% full: %(title)s") % {"title": meeting.title}
        places = _("%(held)s of %(capacity)s places held, %(waiting)s people waiting.") % {
            "held": held,
            "capacity": meeting.capacity,
            "waiting": waiting,
        }
        notifications.notify(
            recipients=coordinators,
            kind=MEETING_ADMIN,
            title=title,
            body=f"{places}\n\n{texts.summary(meeting, with_link=True)}",
            path=meeting.get_absolute_url(),
            scope=meeting_scope(meeting),
        )


def reminder(*, meeting, now):
    """A reminder to the people holding a place (services.reminders_send decides when)."""
    registrations = meeting.registrations.filter(status__in=HOLDING).select_related("user")
    registered = [r.user for r in registrations if r.status == RegistrationStatus.REGISTERED]
    offered = [r.user for r in registrations if r.status == RegistrationStatus.OFFERED]
    with notifications.portal_language():
        title = _("Reminder: %(title)s, in %(delay)s") % {
            "title": meeting.title,
            "delay": timeuntil(meeting.starts_at, now, depth=2),
        }
        summary = texts.summary(meeting, with_link=True)
        unconfirmed = texts.summary(meeting, with_link=False)
        to_confirm = _("A place is offered to you: confirm it on the meeting's page.")
        for people, body in (
            (registered, summary),
            (offered, f"{to_confirm}\n\n{unconfirmed}"),
        ):
            if people:
                notifications.notify(
                    recipients=people,
                    kind=MEETINGS,
                    title=title,
                    body=body,
                    path=meeting.get_absolute_url(),
                    scope=meeting_scope(meeting),
                )

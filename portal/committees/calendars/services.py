"""Writes for the calendars: a person's secret feed address, and the meetings' reminders.

Reminders (Celery beat runs reminders_send every five minutes). A meeting's reminders are
minutes before its start (default: the day before and one hour before). Each goes once
(MeetingReminder, unique per meeting and lead: a second worker's claim fails), to the people
holding a place, as each chose for the kind « meetings » (an e-mail at once, the digest, or
the portal only); a cancelled or started meeting gets none. A reminder is never sent late in
a misleading way:
- when several are due at once (a meeting announced or a worker stopped meanwhile), only the
  one closest to the start goes; the earlier ones are overtaken and never sent;
- a reminder goes only within a third of its lead after its time (at least ten minutes):
  the hour-before reminder until forty minutes before, the day-before one until sixteen
  hours before. A meeting announced thirty minutes before its start thus sends none: its
  people registered knowing it was imminent.
Its text gives the meeting's date and time and how long until it starts, counted when sent.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.committees.calendars import notices
from portal.committees.calendars.models import CalendarToken, MeetingReminder, new_token
from portal.committees.choices import MeetingStatus
from portal.committees.meetings.models import Meeting

# Meetings further ahead than this get no reminder yet (the longest offered is a week).
REMINDER_HORIZON = timedelta(days=31)
MIN_LATENESS = timedelta(minutes=10)


# The personal feed's secret address


def token_create(*, user):
    """Give `user` a secret address for their own feed."""
    if not user.is_authenticated:
        raise ValidationError(_("Log in to get a calendar address."), code="anonymous")
    if CalendarToken.objects.filter(user=user).exists():
        raise ValidationError(_("You already have a personal calendar address."), code="exists")
    try:
        with transaction.atomic():
            return CalendarToken.objects.create(user=user)
    except IntegrityError:  # the same request twice at once
        raise ValidationError(
            _("You already have a personal calendar address."), code="exists"
        ) from None


@transaction.atomic
def token_renew(*, user):
    """A new secret address; the old one stops working at once."""
    token = CalendarToken.objects.select_for_update().filter(user=user).first()
    if token is None:
        raise ValidationError(_("You have no personal calendar address to renew."), code="none")
    token.token = new_token()
    token.created_at = timezone.now()
    token.save(update_fields=["token", "created_at"])
    return token


def token_revoke(*, user):
    """No more address: the feed answers « not found » to whoever still asks for it."""
    deleted, _by_model = CalendarToken.objects.filter(user=user).delete()
    if not deleted:
        raise ValidationError(_("You have no personal calendar address to revoke."), code="none")


# Reminders


def lateness_allowed(minutes_before):
    return max(timedelta(minutes=minutes_before) / 3, MIN_LATENESS)


def due_reminder(meeting, *, now, sent=()):
    """The reminder (minutes before the start) to send for `meeting` at `now`, or None: see
    the module's docstring. `sent`: the leads already sent."""
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= now:
        return None
    leads = {m for m in meeting.reminders or [] if isinstance(m, int) and m > 0}
    due = sorted(m for m in leads if meeting.starts_at - timedelta(minutes=m) <= now)
    if not due:
        return None
    closest = due[0]  # the others are overtaken by it
    if closest in sent:
        return None
    late = now - (meeting.starts_at - timedelta(minutes=closest))
    if late > lateness_allowed(closest):
        return None
    return closest


def reminders_send(*, now=None):
    """Send every reminder due now. Running it again, or on two workers, sends nothing
    twice. Returns the number of meetings reminded."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_HORIZON,
        ).only("pk", "starts_at", "status", "reminders")
    )
    sent = {}
    for meeting_id, minutes in MeetingReminder.objects.filter(
        meeting__in=[m.pk for m in meetings]
    ).values_list("meeting_id", "minutes_before"):
        sent.setdefault(meeting_id, set()).add(minutes)
    reminded = 0
    for meeting in meetings:
        minutes = due_reminder(meeting, now=now, sent=sent.get(meeting.pk, ()))
        if minutes is not None and _remind(meeting_id=meeting.pk, minutes=minutes, now=now):
            reminded += 1
    return reminded


def _remind(*, meeting_id, minutes, now):
    with transaction.atomic():
        # Waits for a cancellation under way; a meeting cancelled meanwhile is skipped.
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("committee")
            .filter(pk=meeting_id, status=MeetingStatus.SCHEDULED, starts_at__gt=now)
            .first()
        )
        if meeting is None:
            return False
        try:
            with transaction.atomic():
                MeetingReminder.objects.create(meeting=meeting, minutes_before=minutes, sent_at=now)
        except IntegrityError:  # another run sent it
            return False
        notices.reminder(meeting=meeting, now=now)
    return True

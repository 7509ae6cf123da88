"""INTERIM version written by the lead (notifications without calendars attached); the
calendars helper replaces this whole file with the real notices, keeping these signatures:
registration_confirmed(*, registration), meeting_changed(*, meeting, cancelled=False),
capacity_check(*, meeting)."""

from django.db.models import F
from django.utils.translation import gettext as _

from portal.accounts.notifications import services as notifications
from portal.committees.meetings import texts
from portal.committees.meetings.models import ACTIVE, HOLDING
from portal.committees.meetings.scopes import MEETING_ADMIN, MEETINGS, meeting_scope


def registration_confirmed(*, registration):
    meeting = registration.meeting
    with notifications.portal_language():
        notifications.notify(
            recipients=[registration.user],
            kind=MEETINGS,
            title=_("Your place is confirmed: %(title)s") % {"title": meeting.title},
            body=texts.summary(meeting, with_link=True),
            path=meeting.get_absolute_url(),
            scope=meeting_scope(meeting),
        )


def meeting_changed(*, meeting, cancelled=False):
    type(meeting).objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db(fields=["sequence"])
    people = [
        r.user for r in meeting.registrations.filter(status__in=ACTIVE).select_related("user")
    ]
    title = _("Meeting cancelled: %(title)s") if cancelled else _("Meeting changed: %(title)s")
    with notifications.portal_language():
        notifications.notify(
            recipients=people,
            kind=MEETINGS,
            title=title % {"title": meeting.title},
            body=texts.summary(meeting, with_link=False),
            path=meeting.get_absolute_url(),
            scope=meeting_scope(meeting),
        )


def capacity_check(*, meeting):
    if not meeting.capacity:
        return
    held = meeting.registrations.filter(status__in=HOLDING).count()
    share = 100 * held // meeting.capacity
    level = 100 if share >= 100 else 80 if share >= 80 else 0
    if level == meeting.capacity_alert:
        return
    type(meeting).objects.filter(pk=meeting.pk).update(capacity_alert=level)
    meeting.capacity_alert = level
    if level > 0:
        coordinators = [s.user for s in meeting.committee.memberships.filter(role="coordinator")]
        with notifications.portal_language():
            notifications.notify(
                recipients=coordinators,
                kind=MEETING_ADMIN,
                title=_("%(share)s %% of the places taken: %(title)s")
                % {"share": level, "title": meeting.title},
                body=texts.summary(meeting, with_link=False),
                path=meeting.get_absolute_url(),
                scope=meeting_scope(meeting),
            )

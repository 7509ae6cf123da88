"""The notifications' scope « meeting »: a notice about a meeting is read only by whoever may
still see it (portal.accounts.notifications.kinds)."""

from portal.committees.meetings.models import Meeting

MEETINGS = "committees.meetings"
MEETING_ADMIN = "committees.meeting_admin"


def meeting_scope(meeting):
    return f"meeting:{meeting.pk}"


def readable_meeting_ids(user, idents):
    ids = [int(ident) for ident in idents if (ident.isascii() and ident.isdigit())]
    visible = Meeting.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    return {str(pk) for pk in visible}

"""The meeting page's attendance panel: the coordinators' links, a participant's
certificate."""

from django import template

from portal.committees.attendance import selectors
from portal.committees.meetings.models import HOLDING, Registration

register = template.Library()


@register.inclusion_tag("committees/attendance/_panel.html", takes_context=True)
def meeting_attendance(context):
    meeting = context["meeting"]
    user = context["request"].user
    registration = context.get("registration")
    manage = context.get("can_manage", False)
    if registration is not None and registration.holds_place and registration.attended:
        certificate = True  # the viewer's own registration, already read by the page
    else:
        certificate = not meeting.is_cancelled and selectors.attended(meeting=meeting, user=user)
    present = 0
    if manage:
        present = (
            Registration.objects.filter(meeting=meeting, status__in=HOLDING, attended=True).count()
            + meeting.walk_ins.count()
        )
    return {
        "meeting": meeting,
        "can_manage": manage,
        "certificate": certificate and not meeting.is_cancelled,
        "present": present,
    }

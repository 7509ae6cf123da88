"""The meeting page's minutes panel: final minutes with their decisions and actions (drafts
for the coordinators), and the knowledge-base resource they became."""

from django import template

from portal.committees.choices import MinutesItemKind
from portal.committees.minutes import selectors, services
from portal.knowledge.models import Resource

register = template.Library()


@register.inclusion_tag("committees/minutes/_panel.html", takes_context=True)
def meeting_minutes(context):
    meeting = context["meeting"]
    request = context["request"]
    user = request.user
    manage = context.get("can_manage", False)
    minutes = selectors.minutes_for_reading(meeting=meeting, user=user, manage=manage)
    decisions, actions = [], []
    if minutes is not None:
        for item in minutes.items.all():
            if item.kind == MinutesItemKind.DECISION:
                decisions.append(item)
            else:
                item.can_mark_done = (
                    minutes.is_final
                    and item.done_at is None
                    and (manage or services.may_mark_done(user, item, meeting))
                )
                actions.append(item)
    report = None
    if meeting.report_id is not None:
        # Named only to whoever may open it: a committee's resource stays unnamed to others.
        report = Resource.objects.visible_to(user).filter(pk=meeting.report_id).first()
    return {
        "meeting": meeting,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "can_manage": manage,
        "minutes": minutes,
        "decisions": decisions,
        "actions": actions,
        "report": report,
    }

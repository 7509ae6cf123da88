"""Reads about minutes: what a reader may see of a meeting's, the actions still open on a
committee's page, and the meeting a knowledge-base resource comes from."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.committees.choices import MinutesItemKind, MinutesStatus
from portal.committees.meetings.models import Meeting
from portal.committees.minutes.models import Minutes, MinutesItem
from portal.knowledge.resources.origins import Origin


def minutes_for_reading(*, meeting, user, manage):
    """The meeting's minutes `user` may read, with their items, or None: drafts for the
    coordinators; final ones for whoever is logged in and sees the meeting (the page that
    calls this has checked that). Visitors read them once capitalised and published."""
    if not manage and not (user is not None and user.is_authenticated):
        return None
    minutes = (
        Minutes.objects.filter(meeting=meeting).prefetch_related("items__responsible_user").first()
    )
    if minutes is None or (not manage and not minutes.is_final):
        return None
    return minutes


def open_actions(*, committee, user, upcoming=None, past=None, limit=20):
    """The actions of final minutes not yet done, of the committee's meetings `user` may see
    (logged in), the soonest due first: one query.

    Given the first of the committee's upcoming meetings and its latest past ones as the
    reader sees them (committee_meetings), none of them started means that no minutes can be
    final (they are made final once their meeting started): no query at all."""
    if user is None or not user.is_authenticated:
        return []
    if upcoming is not None and past is not None and not past:
        now = timezone.now()
        if not any(meeting.starts_at <= now for meeting in upcoming):
            return []
    meetings = Meeting.objects.visible_to(user).filter(committee=committee).values("pk")
    items = list(
        MinutesItem.objects.filter(
            kind=MinutesItemKind.ACTION,
            done_at__isnull=True,
            minutes__status=MinutesStatus.FINAL,
            minutes__meeting__in=meetings,
        )
        .select_related("minutes__meeting")
        .only(
            "pk",
            "text",
            "responsible",
            "responsible_user_id",
            "due_on",
            "kind",
            "minutes__status",
            "minutes__meeting__id",
            "minutes__meeting__title",
            "minutes__meeting__starts_at",
        )
        .order_by("due_on", "pk")[:limit]
    )
    for item in items:
        item.done_key = action_done_key(item)
    return items


ACTION_DONE = "personal/committees/action_done.html"


def action_done_key(item):
    """The key of an action's « done » button on the committee's page (pagecache.holes): the
    person responsible's id, so that the loader draws it for them alone."""
    return f"{item.minutes.meeting.pk}.{item.pk}.{item.responsible_user_id or 0}"


def action_done_buttons(request, keys):
    """{key: context} for the actions whose person responsible is the reader (a page kept
    for an audience draws each reader's own buttons)."""
    drawn = {}
    for key in keys:
        meeting_id, item_id, responsible_id = (int(part) for part in key.split("."))
        if responsible_id and responsible_id == request.user.pk:
            drawn[key] = {
                "item": {"pk": item_id, "responsible_user_id": responsible_id},
                "meeting": {"pk": meeting_id},
            }
    return drawn


def meeting_origins(*, resource, user):
    """The knowledge base's origin hook: the meetings `resource` is the report of, that
    `user` may see. Meeting.objects.visible_to depends on whether the reader is logged in,
    the committees they sit on and whether they curate: what the resource page's audience
    (audience_key) distinguishes."""
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(report=resource)
        .select_related("committee")
        .only("pk", "title", "starts_at", "committee__name")
    )
    return [
        Origin(
            label=_("Minutes of the meeting"),
            title=meeting.title,
            url=meeting.get_absolute_url(),
            detail=_("%(committee)s, %(day)s")
            % {
                "committee": meeting.committee.name,
                "day": formats.date_format(timezone.localtime(meeting.starts_at), "j F Y"),
            },
        )
        for meeting in meetings
    ]

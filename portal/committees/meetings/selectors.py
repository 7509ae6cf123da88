"""Reads about meetings: the agenda a person may see, a meeting's places and queue."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.committees.choices import RegistrationStatus
from portal.committees.meetings.models import ACTIVE, HOLDING, Meeting, Registration
from portal.committees.models import Committee


def _registrations_counted(**status):
    """How many registrations of the outer meeting have this status, 0 when none."""
    counted = (
        Registration.objects.filter(meeting=OuterRef("pk"), **status)
        .order_by()
        .values("meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_places(queryset):
    """Each meeting with `held` (places held) and `waiting` (people waiting): one query.

    Counted by a subquery per meeting rather than by a join and GROUP BY: the database then
    counts only the rows a page shows (the subqueries run after ORDER BY … LIMIT, the order
    read from an index) instead of every registration of every meeting the reader may see,
    and the paginator's COUNT(*) leaves them out (bench/meetings.py: 2,000 meetings and
    20,000 registrations)."""
    return queryset.annotate(
        held=_registrations_counted(status__in=HOLDING),
        waiting=_registrations_counted(status=RegistrationStatus.WAITING),
    )


def agenda(*, user, committee=None, territory_ids=None, month=None, past=False):
    """The meetings `user` may see, upcoming (soonest first) or past (latest first)."""
    meetings = Meeting.objects.visible_to(user).select_related("committee")
    meetings = meetings.defer("description", "committee__description")
    if committee is not None:
        meetings = meetings.filter(committee=committee)
    if territory_ids is not None:
        meetings = meetings.filter(committee__territory__in=territory_ids)
    if month is not None:
        # The month in the portal's time zone, as a range its index on starts_at can read.
        year, number = month
        first = timezone.make_aware(datetime.datetime(year, number, 1))
        after = timezone.make_aware(datetime.datetime(year + number // 12, number % 12 + 1, 1))
        meetings = meetings.filter(starts_at__gte=first, starts_at__lt=after)
    meetings = meetings.past() if past else meetings.upcoming()
    return with_places(meetings)


def agenda_filters(*, user):
    """The committees and territories the agenda's filters offer: those the reader knows."""
    committees = list(
        Committee.objects.visible_to(user)
        .select_related("territory")
        .only("pk", "name", "slug", "territory__level", "territory__code", "territory__name")
        .order_by("name")
    )
    territories = {c.territory.pk: c.territory for c in committees if c.territory is not None}
    return committees, sorted(territories.values(), key=lambda t: (t.level != "region", t.name))


def committee_meetings(*, committee, user, upcoming=5, past=5):
    """The next and the latest meetings of a committee that `user` may see."""
    meetings = with_places(
        Meeting.objects.visible_to(user).filter(committee=committee).defer("description")
    )
    return list(meetings.upcoming()[:upcoming]), list(meetings.past()[:past])


def public_meetings_for(*, committees, limit=3):
    """The next public meetings of `committees` (of public committees): what anyone may see,
    for the territories' portraits."""
    from portal.committees.choices import CommitteeAccess, MeetingStatus, MeetingVisibility

    return list(
        with_places(
            Meeting.objects.filter(
                committee__in=committees,
                committee__access=CommitteeAccess.PUBLIC,
                visibility=MeetingVisibility.PUBLIC,
                status=MeetingStatus.SCHEDULED,
            )
            .upcoming()
            .select_related("committee")
            .defer("description", "committee__description")
        )[:limit]
    )


def meeting_places(meeting):
    """(places held, people waiting) for one meeting: one query."""
    counts = meeting.registrations.aggregate(
        held=Count("pk", filter=Q(status__in=HOLDING)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    return counts["held"], counts["waiting"]


def registration_of(*, meeting, user):
    """The person's active registration (registered, offered, waiting), or None."""
    if not user.is_authenticated:
        return None
    registration = Registration.objects.filter(
        meeting=meeting, user=user, status__in=ACTIVE
    ).first()
    if registration is not None:
        # The caller's meeting: its waiting position would read the meeting again otherwise
        # (the services lock it anew by its id before any change).
        registration.meeting = meeting
    return registration


def registrations_for_coordinators(*, meeting):
    """Every registration of the meeting, with its person: the places, the queue, history."""
    return (
        Registration.objects.filter(meeting=meeting)
        .select_related("user", "registered_by")
        .order_by("status", "queued_at", "id")
    )

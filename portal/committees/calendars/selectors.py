"""Reads for the calendars: whose feed a token opens, and what each file shows its reader.

A feed shows only what its reader may see *now* (Meeting.objects.visible_to): a person who
left a committee no longer finds its members' meetings in their feeds, whatever address
their calendar app kept.
"""

import re
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from portal.accounts.rules import is_administrator
from portal.committees.calendars.ics import Entry
from portal.committees.calendars.models import CalendarToken
from portal.committees.choices import CommitteeRole, RegistrationStatus
from portal.committees.meetings.models import ACTIVE, AgendaItem, Meeting, Registration
from portal.committees.models import Committee, CommitteeMembership

# Feeds carry the meetings of the past year and all those to come.
FEED_PAST = timedelta(days=365)
# What secrets.token_urlsafe writes: anything else is no token (and never reaches the
# database: PostgreSQL refuses a NUL character in a query).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def token_of(*, user):
    """The person's CalendarToken, or None."""
    return CalendarToken.objects.filter(user=user).first()


def token_owner(*, token, requester=None):
    """The person whose feeds `token` opens, or None: unknown (revoked, renewed), an account
    closed, or a token someone logged in as another person presents."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    found = (
        CalendarToken.objects.select_related("user")
        .filter(token=token, user__is_active=True, user__deleted_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    if requester is not None and requester.is_authenticated and requester.pk != found.user_id:
        return None
    return found.user


def _meetings(queryset=None):
    """Meetings with what their files need: the committee, the agenda in order."""
    queryset = Meeting.objects.all() if queryset is None else queryset
    return queryset.select_related("committee").prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "id"))
    )


def _managed_committee_ids(user):
    """The committees whose meetings' links `user` sees as an organiser; None means all."""
    if not user.is_authenticated:
        return set()
    if is_administrator(user):
        return None
    seats = CommitteeMembership.objects.filter(user=user, role=CommitteeRole.COORDINATOR)
    return set(seats.values_list("committee_id", flat=True))


def _organises(managed, meeting):
    return managed is None or meeting.committee_id in managed


def meeting_entry(*, meeting, user):
    """One meeting as `user` sees it (the meeting is one they may see)."""
    status = None
    if user.is_authenticated:
        status = (
            Registration.objects.filter(meeting=meeting, user=user, status__in=ACTIVE)
            .values_list("status", flat=True)
            .first()
        )
    with_link = status == RegistrationStatus.REGISTERED or _organises(
        _managed_committee_ids(user), meeting
    )
    return Entry(meeting=meeting, with_link=with_link, status=status)


def meeting_for_file(*, pk):
    return _meetings().filter(pk=pk).first()


def visible_meeting_for_file(*, pk, user):
    """The meeting, with what its file needs, if `user` may see it; None otherwise."""
    return _meetings(Meeting.objects.visible_to(user)).filter(pk=pk).first()


def committee_entries(*, committee, user, now=None):
    """The committee's meetings `user` may see, of the past year and to come."""
    now = now or timezone.now()
    meetings = list(
        _meetings(Meeting.objects.visible_to(user))
        .filter(committee=committee, ends_at__gt=now - FEED_PAST)
        .order_by("starts_at", "id")
    )
    statuses = {}
    if user.is_authenticated:
        statuses = dict(
            Registration.objects.filter(
                user=user, status__in=ACTIVE, meeting__in=[m.pk for m in meetings]
            ).values_list("meeting_id", "status")
        )
    managed = _managed_committee_ids(user)
    return [
        Entry(
            meeting=meeting,
            with_link=statuses.get(meeting.pk) == RegistrationStatus.REGISTERED
            or _organises(managed, meeting),
            status=statuses.get(meeting.pk),
        )
        for meeting in meetings
    ]


def personal_entries(*, user, now=None):
    """The meetings `user` holds a place at or waits for, of the past year and to come, among
    those they may still see."""
    now = now or timezone.now()
    registrations = (
        Registration.objects.filter(
            user=user,
            status__in=ACTIVE,
            meeting__in=Meeting.objects.visible_to(user).values("pk"),
            meeting__ends_at__gt=now - FEED_PAST,
        )
        .select_related("meeting__committee")
        .prefetch_related(
            Prefetch(
                "meeting__agenda_items", queryset=AgendaItem.objects.order_by("position", "id")
            )
        )
        .order_by("meeting__starts_at", "meeting_id")
    )
    managed = _managed_committee_ids(user)
    return [
        Entry(
            meeting=registration.meeting,
            with_link=registration.status == RegistrationStatus.REGISTERED
            or _organises(managed, registration.meeting),
            status=registration.status,
        )
        for registration in registrations
    ]


def committees_of(*, user):
    """The committees `user` sits on, for the feed addresses their page lists."""
    return Committee.objects.of(user).only("pk", "name", "slug").order_by("name")

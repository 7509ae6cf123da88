"""Meetings that took place and places held at them, made directly with the ORM for the
tests of attendance and minutes (the registration services are tested on their own)."""

from datetime import timedelta

from django.utils import timezone

from portal.committees.choices import MeetingVisibility, RegistrationStatus
from portal.committees.meetings.models import Meeting, Registration


def past_meeting(committee, *, hours_ago=3, visibility=MeetingVisibility.MEMBERS, **extra):
    """A meeting of two hours that ended an hour ago (its attendance is open: same day)."""
    start = extra.pop("starts_at", timezone.now() - timedelta(hours=hours_ago))
    return Meeting.objects.create(
        committee=committee,
        title=extra.pop("title", f"Rencontre {committee.name}"),
        starts_at=start,
        ends_at=extra.pop("ends_at", start + timedelta(hours=2)),
        address=extra.pop("address", "Hôtel du département, 3 rue Lamoricière, Nantes"),
        visibility=visibility,
        **extra,
    )


def place(meeting, user, *, status=RegistrationStatus.REGISTERED, attended=False):
    return Registration.objects.create(meeting=meeting, user=user, status=status, attended=attended)

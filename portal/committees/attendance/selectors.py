"""Reads about who attended a meeting: the people holding a place, the walk-ins, who may
have a certificate."""

from django.db.models import Prefetch

from portal.accounts.models import Membership
from portal.committees.attendance.models import WalkIn
from portal.committees.meetings.models import HOLDING, Registration


def organisations_of(user):
    """The names of the organisations `user` acts for, as one text (from a prefetch when
    there is one)."""
    seats = getattr(user, "organisation_seats", None)
    if seats is None:
        seats = Membership.objects.filter(user=user).select_related("organisation")
    return ", ".join(seat.organisation.name for seat in seats)


def places(*, meeting):
    """The registrations holding a place, with their person and organisations, by name."""
    rows = (
        Registration.objects.filter(meeting=meeting, status__in=HOLDING)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__memberships",
                queryset=Membership.objects.select_related("organisation"),
                to_attr="organisation_seats",
            )
        )
    )
    return sorted(rows, key=lambda r: (str(r.user).casefold(), r.pk))


def walk_ins(*, meeting):
    return list(WalkIn.objects.filter(meeting=meeting).select_related("user"))


def attendance_list(*, meeting):
    """Every person expected or present, as rows for the list, the CSV and the sign-in sheet:
    {name, organisation, email, walk_in, present}."""
    rows = [
        {
            "name": str(r.user),
            "organisation": organisations_of(r.user),
            "email": r.user.email,
            "walk_in": False,
            "present": r.attended,
        }
        for r in places(meeting=meeting)
    ]
    rows += [
        {
            "name": w.name,
            "organisation": w.organisation,
            "email": w.user.email if w.user else "",
            "walk_in": True,
            "present": True,
        }
        for w in walk_ins(meeting=meeting)
    ]
    return rows


def attended(*, meeting, user):
    """Whether `user` was marked present: a registration ticked, or recorded as a walk-in."""
    if user is None or not user.is_authenticated:
        return False
    return (
        Registration.objects.filter(
            meeting=meeting, user=user, status__in=HOLDING, attended=True
        ).exists()
        or WalkIn.objects.filter(meeting=meeting, user=user).exists()
    )


def attendee_users(*, meeting):
    """The people with an account marked present: those told when the minutes are final."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    ticked = Registration.objects.filter(meeting=meeting, status__in=HOLDING, attended=True).values(
        "user"
    )
    walked_in = WalkIn.objects.filter(meeting=meeting, user__isnull=False).values("user")
    return list(get_user_model().objects.filter(Q(pk__in=ticked) | Q(pk__in=walked_in)))


def _holder_of_registration(registration):
    return {
        "name": str(registration.user),
        "organisation": organisations_of(registration.user),
        "reference": f"{registration.meeting_id}-I{registration.pk}",
    }


def _holder_of_walk_in(walk_in):
    return {
        "name": walk_in.name,
        "organisation": walk_in.organisation,
        "reference": f"{walk_in.meeting_id}-S{walk_in.pk}",
    }


def certificate_holder(*, meeting, user=None, registration_id=None, walk_in_id=None):
    """{name, organisation, reference} to print on a certificate — `user`'s own, or a
    registration's or walk-in's (for the coordinators) — or None when nobody by that name
    was marked present."""
    present = Registration.objects.filter(meeting=meeting, status__in=HOLDING, attended=True)
    if registration_id is not None:
        registration = present.filter(pk=registration_id).select_related("user").first()
        return None if registration is None else _holder_of_registration(registration)
    if walk_in_id is not None:
        walk_in = WalkIn.objects.filter(meeting=meeting, pk=walk_in_id).first()
        return None if walk_in is None else _holder_of_walk_in(walk_in)
    if user is None or not user.is_authenticated:
        return None
    registration = present.filter(user=user).select_related("user").first()
    if registration is not None:
        return _holder_of_registration(registration)
    walk_in = WalkIn.objects.filter(meeting=meeting, user=user).first()
    return None if walk_in is None else _holder_of_walk_in(walk_in)

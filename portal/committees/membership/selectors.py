"""Reads about who sits on a committee: one's own seat, the members with their
organisations, the requests waiting for the coordinators."""

from django.db.models import Prefetch

from portal.accounts.models import Membership
from portal.committees.membership.models import JoinRequest
from portal.committees.models import CommitteeMembership


def seat_of(*, user, committee):
    """`user`'s membership of the committee, or None; asked once per committee object."""
    if user is None or not user.is_authenticated:
        return None
    seats = committee.__dict__.setdefault("_seats", {})
    if user.pk not in seats:
        seats[user.pk] = CommitteeMembership.objects.filter(committee=committee, user=user).first()
    return seats[user.pk]


def members_with_organisations(*, committee):
    """Coordinators first, then members, each with the organisations they act for."""
    return (
        CommitteeMembership.objects.filter(committee=committee)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__memberships",
                queryset=Membership.objects.select_related("organisation"),
                to_attr="organisation_seats",
            )
        )
        .order_by("role", "user__full_name", "user__email")
    )


def pending_requests(*, committee):
    return JoinRequest.objects.pending().filter(committee=committee).select_related("user")


def pending_request_of(*, user, committee):
    if user is None or not user.is_authenticated:
        return None
    return JoinRequest.objects.pending().filter(committee=committee, user=user).first()

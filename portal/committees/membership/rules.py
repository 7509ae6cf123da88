"""Who may join a committee and who manages its members (django-rules)."""

import rules

from portal.accounts.rules import is_administrator
from portal.committees.choices import CommitteeAccess
from portal.committees.membership.selectors import seat_of


@rules.predicate
def is_committee_member(user, committee):
    return seat_of(user=user, committee=committee) is not None


@rules.predicate
def is_committee_coordinator(user, committee):
    seat = seat_of(user=user, committee=committee)
    return seat is not None and seat.is_coordinator


@rules.predicate
def is_active_committee_member(user, committee):
    """A member who is not suspended."""
    seat = seat_of(user=user, committee=committee)
    return seat is not None and not seat.is_suspended


@rules.predicate
def is_open_to_requests(user, committee):
    return committee.access in (CommitteeAccess.PUBLIC, CommitteeAccess.RESTRICTED)


rules.add_perm("committees.manage_members", is_committee_coordinator | is_administrator)
# Rules (not permissions): superusers are not let through without a seat.
rules.add_rule(
    "committees.ask_to_join",
    rules.is_authenticated & is_open_to_requests & ~is_committee_member,
)

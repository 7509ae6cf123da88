"""Reads about committees: which ones a person may see, their members, their resources."""

import rules

from portal.committees.choices import CommitteeAccess, CommitteeRole
from portal.committees.models import Committee, CommitteeMembership

# A committee's territory is named, never drawn: its boundary (tens of KB of JSON) stays unread.
NO_BOUNDARY = ("territory__geometry",)


def committees_for_directory(*, user):
    return (
        Committee.objects.visible_to(user)
        .select_related("territory")
        .defer(*NO_BOUNDARY)
        .order_by("name")
    )


def committee_for_reading(*, user, slug):
    """The committee, or Committee.DoesNotExist when `user` may not know of it."""
    return (
        Committee.objects.visible_to(user)
        .select_related("territory")
        .defer(*NO_BOUNDARY)
        .get(slug=slug)
    )


def is_member(*, user, committee):
    if not user.is_authenticated:
        return False
    return committee.memberships.filter(user=user).exists()


def can_see_members(*, user, committee):
    """Who sits on a committee: shown to any logged-in person for a public committee, to
    its members and curators otherwise."""
    from portal.accounts.rules import is_curator

    if not user.is_authenticated:
        return False
    if committee.access == CommitteeAccess.PUBLIC or is_curator(user):
        return True
    return is_member(user=user, committee=committee)


def committee_members(*, committee):
    return (
        CommitteeMembership.objects.filter(committee=committee)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")  # coordinators first
    )


def coordinators_of(*, committee):
    return committee_members(committee=committee).filter(role=CommitteeRole.COORDINATOR)


def committees_for_territory(*, territory, user):
    """Committees `user` may know of that work on the territory or a territory containing it."""
    from territories.geography.selectors import territory_ancestor_ids

    return (
        Committee.objects.visible_to(user)
        .filter(territory__in=territory_ancestor_ids(territory=territory))
        .select_related("territory")
        .defer(*NO_BOUNDARY)
        .order_by("name")
    )


def readable_committee_ids(user, idents):
    """Those of the committee ids (text) whose forum `user` may read: the notifications'
    scope « committee » (portal.accounts.notifications.kinds)."""
    ids = [int(ident) for ident in idents if (ident.isascii() and ident.isdigit())]
    committees = Committee.objects.filter(pk__in=ids).defer(*NO_BOUNDARY)
    return {
        str(committee.pk)
        for committee in committees
        if rules.test_rule("committees.read_forum", user, committee)
    }

"""Who may read, write in and moderate a committee's forum (django-rules).

Reading: a public committee's forum is for everyone, a restricted one's for its members,
curators and administrators, a private one's for its members only.
"""

import rules

from portal.accounts.rules import is_administrator, is_curator
from portal.committees.choices import CommitteeAccess
from portal.committees.membership.rules import (
    is_active_committee_member,
    is_committee_coordinator,
    is_committee_member,
)


@rules.predicate
def is_public_committee(user, committee):
    return committee.access == CommitteeAccess.PUBLIC


@rules.predicate
def is_restricted_committee(user, committee):
    return committee.access == CommitteeAccess.RESTRICTED


@rules.predicate
def is_thread_open(user, thread):
    return not thread.is_locked


can_read_forum = is_public_committee | is_committee_member | (is_restricted_committee & is_curator)

rules.add_rule("committees.read_forum", can_read_forum)
rules.add_rule("committees.post_in_forum", is_active_committee_member)
rules.add_perm("committees.moderate_forum", is_committee_coordinator | is_administrator)
# The forum's categories are the coordinators' to define, in the committee's own pages.
rules.add_perm("committees.manage_forum_categories", is_committee_coordinator | is_administrator)

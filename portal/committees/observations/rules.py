"""Who reads, raises and decides on a committee's field observations (django-rules).

Reading: a public committee's validated observations are for everyone, a restricted one's for
its members, the curators and the analysts (who review weak signals), a private one's for its
members only — as FieldObservation.objects.readable_by() filters them.
"""

import rules

from portal.accounts.rules import is_administrator, is_analyst, is_curator
from portal.committees.forums.rules import is_public_committee, is_restricted_committee
from portal.committees.membership.rules import (
    is_active_committee_member,
    is_committee_coordinator,
    is_committee_member,
)

can_read_observations = (
    is_public_committee
    | is_committee_member
    | (is_restricted_committee & (is_curator | is_analyst))
)

rules.add_rule("committees.read_observations", can_read_observations)
rules.add_rule("committees.raise_observation", is_active_committee_member)
rules.add_perm("committees.decide_observations", is_committee_coordinator | is_administrator)

"""Who organises a committee's meetings (django-rules)."""

import rules

from portal.accounts.rules import is_administrator
from portal.committees.membership.rules import is_committee_coordinator

# On a committee: create its meetings, change them, register people, mark attendance, write
# the minutes.
rules.add_perm("committees.manage_meetings", is_committee_coordinator | is_administrator)

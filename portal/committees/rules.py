"""The committees' rules, found by django-rules' autodiscovery, live with their capability."""

from portal.committees.forums import rules as forums_rules
from portal.committees.meetings import rules as meetings_rules
from portal.committees.membership import rules as membership_rules
from portal.committees.observations import rules as observations_rules

__all__ = ["forums_rules", "meetings_rules", "membership_rules", "observations_rules"]

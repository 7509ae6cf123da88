"""Who may do what in territories. The analysts group is named here, not imported from
portal.accounts: territories depends on no app above it."""

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

is_analyst = rules.is_group_member("analysts") | rules.is_superuser

rules.add_perm("territories.import_data", is_analyst)
rules.add_perm("territories.view_runs", is_analyst)
rules.add_perm("territories.review_signals", is_analyst)


def require(request, permission):
    """Refuse the request (403) unless its user holds the permission."""
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to do this."))

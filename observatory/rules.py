"""Who may do what in the observatory (django-rules, loaded by rules' autodiscovery)."""

import rules

from portal.accounts.rules import is_administrator, is_organisation_admin


@rules.predicate
def acts_for_establishment(user, establishment):
    """A delegate or admin of the establishment's organisation."""
    if establishment is None or not user.is_authenticated:
        return False
    return establishment.organisation.memberships.filter(user=user).exists()


@rules.predicate
def acts_for_return(user, return_obj):
    if return_obj is None or not user.is_authenticated:
        return False
    return return_obj.establishment.organisation.memberships.filter(user=user).exists()


@rules.predicate
def administers_establishments_of(user, organisation):
    return is_organisation_admin(user, organisation)


rules.add_perm("observatory.manage_campaigns", is_administrator)
rules.add_perm("observatory.validate_return", is_administrator)
rules.add_perm("observatory.view_return", acts_for_return | is_administrator)
rules.add_perm("observatory.fill_return", acts_for_return)
rules.add_perm(
    "observatory.manage_establishments", administers_establishments_of | is_administrator
)

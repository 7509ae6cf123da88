"""Object-aware permissions (django-rules), loaded by rules' autodiscovery."""

import rules

from portal.accounts.choices import MembershipRole, PortalGroup

is_administrator = rules.is_superuser
is_curator = rules.is_group_member(PortalGroup.CURATOR) | is_administrator
is_analyst = rules.is_group_member(PortalGroup.ANALYST) | is_administrator


@rules.predicate
def is_organisation_admin(user, organisation):
    if organisation is None or not user.is_authenticated:
        return False
    return organisation.memberships.filter(user=user, role=MembershipRole.ADMIN).exists()


@rules.predicate
def is_organisation_member(user, organisation):
    if organisation is None or not user.is_authenticated:
        return False
    return organisation.memberships.filter(user=user).exists()


rules.add_perm("accounts.invite_people", is_administrator)
rules.add_perm("accounts.manage_organisation", is_organisation_admin | is_administrator)
rules.add_perm("accounts.view_organisation_members", is_organisation_member | is_administrator)
rules.add_perm("jobs.view_job", rules.is_authenticated)

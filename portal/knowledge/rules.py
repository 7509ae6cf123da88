"""Who may do what with the knowledge base's resources (django-rules, autodiscovered)."""

import rules

from portal.accounts.choices import MembershipRole
from portal.accounts.rules import is_analyst, is_curator
from portal.knowledge.choices import ResourceStatus

EDITABLE_BY_AUTHORS = (ResourceStatus.DRAFT, ResourceStatus.CHANGES_REQUESTED)


@rules.predicate
def is_resource_author(user, resource):
    if resource is None or not user.is_authenticated:
        return False
    return resource.authors.filter(pk=user.pk).exists()


@rules.predicate
def is_resource_organisation_admin(user, resource):
    if resource is None or resource.organisation_id is None or not user.is_authenticated:
        return False
    return user.memberships.filter(
        organisation_id=resource.organisation_id, role=MembershipRole.ADMIN
    ).exists()


@rules.predicate
def is_editable_by_authors(user, resource):
    return resource is not None and resource.status in EDITABLE_BY_AUTHORS


@rules.predicate
def belongs_to_an_organisation(user):
    return user.is_authenticated and user.memberships.exists()


is_resource_owner = is_resource_author | is_resource_organisation_admin

# Analysts write studies and narrative maps without acting for an organisation.
rules.add_perm("knowledge.add_resource", is_curator | is_analyst | belongs_to_an_organisation)
rules.add_perm(
    "knowledge.change_resource", is_curator | (is_resource_owner & is_editable_by_authors)
)
rules.add_perm(
    "knowledge.submit_resource", is_curator | (is_resource_owner & is_editable_by_authors)
)
rules.add_perm("knowledge.view_resource_history", is_curator | is_resource_owner)
rules.add_perm("knowledge.review_resource", is_curator)
rules.add_perm("knowledge.restore_revision", is_curator)

"""The « one committee » audience of a resource, as a hook the committees app fills in.

Committees live in the committees app, a layer above the knowledge base, which therefore never
imports it. The knowledge base asks its questions about committees through this hook instead,
and the committees app registers its answers in CommitteesConfig.ready() — as portrait sections
are registered with territories.portraits.sections.register_section. Until something is registered,
nobody sits on any committee: committee resources are read by curators only.
"""


def committee_model():
    """The model `Resource.committee` points to, from the app registry (no import)."""
    from portal.knowledge.resources.models import Resource

    return Resource._meta.get_field("committee").related_model


class CommitteeAudience:
    """What the knowledge base needs to know about committees. The default knows of none."""

    def sits_on(self, user):
        """The committees `user` is a member (or coordinator) of: a QuerySet."""
        return committee_model().objects.none()

    def may_share_with(self, user):
        """The committees `user` may name as the audience of a resource: a QuerySet."""
        return committee_model().objects.none()

    def find(self, slug):
        """The committee with this identifier, or None."""
        return None


_audience = [CommitteeAudience()]


def register_committee_audience(audience):
    """Answer the knowledge base's questions about committees with `audience`."""
    _audience[0] = audience


def committee_audience():
    return _audience[0]


def may_share_with(*, user, committee):
    """Whether `user` may make `committee` the audience of a resource."""
    return committee_audience().may_share_with(user).filter(pk=committee.pk).exists()

"""Who may read which resource: the one place the rule is written.

`Resource.objects.readable_by(user)` is what every list applies — search and its facets, the
API, feeds, portrait sections, préconisation and committee pages, the home page;
`Resource.objects.visible_to(user)` adds what a person may open to manage it (drafts they wrote
or their organisation owns), for the resource's own pages and its attachments.
"""

from django.db import models
from django.db.models import Q

from portal.knowledge.choices import ResourceStatus, Visibility
from portal.knowledge.resources.audiences import committee_audience


def _is_curator(user):
    from portal.accounts.rules import is_curator

    return is_curator(user)


def audience_q(user):
    """Which resources `user` may read by their visibility: public ones for everyone,
    members-only ones once logged in, a committee's ones for its members; curators read
    them all."""
    if user is None or not user.is_authenticated:
        return Q(visibility=Visibility.PUBLIC)
    if _is_curator(user):
        return Q()
    return Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(
        visibility=Visibility.COMMITTEE,
        committee__in=committee_audience().sits_on(user).values("pk"),
    )


def audience_key(user):
    """A text equal for two people who may read the same published resources (audience_q):
    visitor, curator, or a logged-in person with the committees they sit on."""
    if user is None or not user.is_authenticated:
        return "visitor"
    if _is_curator(user):
        return "curator"
    seats = sorted(committee_audience().sits_on(user).values_list("pk", flat=True))
    return "member:" + ",".join(map(str, seats))


def reader_audience(request, *args, **kwargs):
    """The audience of a page that lists what its reader may read (portal.pagecache)."""
    return audience_key(request.user)


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ResourceStatus.PUBLISHED)

    def readable_by(self, user):
        """Published resources `user` may read."""
        return self.published().filter(audience_q(user))

    def owned_by(self, user):
        """Resources `user` wrote, or that belong to an organisation `user` administers."""
        return self.filter(self._owned_q(user))

    def visible_to(self, user):
        """Every resource `user` may open.

        Visitors: published and public. Logged-in people: what they may read once published,
        plus whatever they wrote or their organisation owns. Curators: everything.
        """
        if user is None or not user.is_authenticated:
            return self.filter(status=ResourceStatus.PUBLISHED, visibility=Visibility.PUBLIC)
        if _is_curator(user):
            return self
        return self.filter(
            (Q(status=ResourceStatus.PUBLISHED) & audience_q(user)) | self._owned_q(user)
        )

    def _owned_q(self, user):
        from portal.accounts.choices import MembershipRole
        from portal.accounts.models import Organisation

        administered = Organisation.objects.filter(
            memberships__user=user, memberships__role=MembershipRole.ADMIN
        ).values("pk")
        authored = self.model.objects.filter(authors=user).values("pk")
        return Q(pk__in=authored) | Q(organisation__in=administered)

"""The committees' answers to the knowledge base's questions about a resource's « one committee »
audience (portal.knowledge.resources.audiences), registered in CommitteesConfig.ready()."""

from portal.committees.models import Committee
from portal.knowledge.resources.audiences import CommitteeAudience


class CommitteeMembershipAudience(CommitteeAudience):
    def sits_on(self, user):
        return Committee.objects.of(user)

    def may_share_with(self, user):
        """Curators may share with any committee; others with the ones they sit on."""
        from portal.accounts.rules import is_curator

        if user is not None and user.is_authenticated and is_curator(user):
            return Committee.objects.all()
        return Committee.objects.of(user)

    def find(self, slug):
        return Committee.objects.filter(slug=slug).first()

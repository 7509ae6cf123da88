"""What committees contribute to the pages of territories (registered in ready())."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from portal.committees import selectors
from portal.committees.choices import CommitteeAccess
from portal.committees.forums.models import Thread
from portal.committees.meetings.selectors import public_meetings_for
from portal.committees.models import Committee


def territory_section(territory, request):
    """Portrait and explorer-panel section: the committees working on the territory."""
    committees = list(
        selectors.committees_for_territory(territory=territory, user=getattr(request, "user", None))
    )
    if not committees:
        return None
    latest = latest_public_threads(committees=committees)
    for committee in committees:
        committee.latest_public_threads = latest.get(committee.pk, [])
    return {
        "title": _("Committees working here"),
        "template": "committees/_territory_committees.html",
        "committees": committees,
        # Public meetings only: the section is the same for every reader of an audience.
        "meetings": public_meetings_for(committees=committees),
    }


def territory_section_audience(request):
    """The section lists the committees the reader may know of (Committee.objects.visible_to):
    the same for visitors, for curators, and for people sitting on the same committees."""
    from portal.accounts.rules import is_curator

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "visitor"
    if is_curator(user):
        return "curator"
    seats = sorted(Committee.objects.of(user).values_list("pk", flat=True))
    return "member:" + ",".join(map(str, seats))


def latest_public_threads(*, committees, per_committee=3):
    """{committee id: its latest threads}, for the public committees among `committees`: what
    anyone may read, so the section stays the same for every reader of an audience."""
    public = [c for c in committees if c.access == CommitteeAccess.PUBLIC]
    if not public:
        return {}
    ranked = Thread.objects.filter(committee__in=public).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("committee_id")],
            order_by=[F("last_activity_at").desc(), F("id").desc()],
        )
    )
    by_committee = {c.pk: c for c in public}
    latest = {}
    for thread in ranked.filter(rank__lte=per_committee).order_by("committee_id", "rank"):
        thread.committee = by_committee[thread.committee_id]  # its address needs the slug
        latest.setdefault(thread.committee_id, []).append(thread)
    return latest

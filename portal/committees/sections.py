"""What committees contribute to the pages of territories (registered in ready())."""

from django.utils.translation import gettext_lazy as _

from portal.committees import selectors
from portal.committees.models import Committee


def territory_section(territory, request):
    """Portrait and explorer-panel section: the committees working on the territory."""
    committees = list(
        selectors.committees_for_territory(territory=territory, user=getattr(request, "user", None))
    )
    if not committees:
        return None
    return {
        "title": _("Committees working here"),
        "template": "committees/_territory_committees.html",
        "committees": committees,
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

"""What committees contribute to the pages of territories (registered in ready())."""

from django.utils.translation import gettext_lazy as _

from portal.committees import selectors


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

"""The « besoins / ressources » section of a territory's portrait (registered in
ObservatoryConfig.ready() with territories.portraits.sections.register_section)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from observatory.needs.selectors import needs_and_resources, workforce_territory


def territory_section(territory, request):
    """The needs of the territory the professions answer, beside their workforce figures."""
    items = needs_and_resources(territory)
    if not items:
        return None
    return {
        "title": _("Needs and resources"),
        "template": "observatory/needs/_territory_section.html",
        "items": items,
        "territory": territory,
        "workforce_territory": workforce_territory(territory),
        "dashboard_url": reverse("observatory:home"),
    }


def territory_section_audience(request):
    """Published figures only: every reader sees the same section."""
    return "public"

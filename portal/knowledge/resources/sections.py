"""What the knowledge base contributes to the pages of territories (registered in
KnowledgeConfig.ready() with territories.portraits.sections.register_section)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.knowledge.resources.selectors import resources_for_territory
from portal.knowledge.resources.visibility import audience_key


def territory_section(territory, request):
    """Portrait section: published resources about the territory or a territory containing
    it."""
    user = getattr(request, "user", None)
    resources = list(resources_for_territory(territory=territory, user=user))
    return {
        "title": _("What is being done here"),
        "template": "knowledge/_territory_resources.html",
        "resources": resources,
        "search_url": reverse("knowledge:search")
        + f"?territoire={territory.level}/{territory.code}",
    }


def territory_section_audience(request):
    """The section lists what the reader may read: it is the same for the same audience."""
    return audience_key(getattr(request, "user", None))

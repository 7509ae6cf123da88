"""The site's addresses with the knowledge base's reading and authoring addresses merged,
reading first, as the lead will merge them; and the resources API under /api/v1/."""

from django.urls import URLPattern, URLResolver, include, path

from portal import urls as site_urls
from portal.knowledge import urls as knowledge_urls
from portal.knowledge.resources import urls as urls_resources
from portal.knowledge.resources.api import router
from portal.knowledge.search import urls as urls_reading


def _names(patterns):
    return {p.name for p in patterns if isinstance(p, URLPattern)}


reading = urls_reading.urlpatterns
knowledge = [p for p in knowledge_urls.urlpatterns if p not in reading]
known = _names(reading) | _names(knowledge)
knowledge_patterns = (
    reading + knowledge + [p for p in urls_resources.urlpatterns if p.name not in known],
    "knowledge",
)

urlpatterns = [
    path("", include(knowledge_patterns)),
    path("api/v1/", include(router.urls)),
    *[
        p
        for p in site_urls.urlpatterns
        if not (isinstance(p, URLResolver) and getattr(p, "app_name", None) == "knowledge")
    ],
]

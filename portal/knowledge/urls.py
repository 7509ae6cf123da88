"""The knowledge base's addresses, one "knowledge" namespace gathered from its parts.

Search and curation come before resources: "ressources/<slug>/" would otherwise take
"recherche" or "a-relire" for a resource's slug (resources/services.py reserves them)."""

from portal.knowledge.curation import urls as curation
from portal.knowledge.narrative import urls as narrative
from portal.knowledge.reference import urls as reference
from portal.knowledge.resources import urls as resources
from portal.knowledge.search import urls as search

app_name = "knowledge"

urlpatterns = [
    *reference.urlpatterns,
    *search.urlpatterns,
    *curation.urlpatterns,
    *narrative.urlpatterns,
    *resources.urlpatterns,
]

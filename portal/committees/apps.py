from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "portal.committees"
    label = "committees"
    verbose_name = _("Committees")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.committees.audiences import CommitteeMembershipAudience
        from portal.committees.sections import territory_section, territory_section_audience
        from portal.knowledge.resources.audiences import register_committee_audience
        from territories.portraits.sections import register_section

        register_section(territory_section, audience=territory_section_audience)
        # The knowledge base (below) asks who sits on which committee through this hook.
        register_committee_audience(CommitteeMembershipAudience())

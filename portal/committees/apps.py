from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "portal.committees"
    label = "committees"
    verbose_name = _("Committees")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.committees.sections import territory_section
        from territories.portraits.sections import register_section

        register_section(territory_section)

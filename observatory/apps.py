from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "observatory"
    verbose_name = _("Observatory of social-cohesion professions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from observatory import notifications
        from observatory.indicators.publish import publish
        from observatory.indicators.services import PUBLISHER
        from observatory.needs.sections import territory_section, territory_section_audience
        from observatory.personal_data import observatory_data
        from portal.accounts.selectors import register_personal_data
        from territories.pipeline.publishers import register_publisher
        from territories.portraits.sections import register_section

        notifications.register()
        register_section(territory_section, audience=territory_section_audience)
        register_publisher(PUBLISHER, publish)
        register_personal_data("observatory", observatory_data)

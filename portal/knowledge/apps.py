from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "portal.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        from portal.knowledge.curation import tasks  # noqa: F401 - registers the job tasks
        from portal.knowledge.resources.sections import (
            territory_section,
            territory_section_audience,
        )
        from portal.knowledge.search import tasks as search_tasks  # noqa: F401
        from territories.portraits.sections import register_section

        register_section(territory_section, audience=territory_section_audience)
        _register_notifications()
        _register_personal_data()


def _register_notifications():
    from portal.accounts.notifications import kinds
    from portal.knowledge.curation import services as curation

    kinds.register(curation.CURATION_STEPS, _("The review of the resources you wrote"))
    kinds.register(curation.STALE_REVIEWS, _("Resources past their review date (curators)"))


def _register_personal_data():
    from portal.accounts.selectors import register_personal_data
    from portal.knowledge.personal_data import knowledge_data

    register_personal_data("knowledge", knowledge_data)

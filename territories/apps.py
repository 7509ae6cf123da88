from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territories")

    def ready(self):
        # Register this app's Celery tasks in every process, not only in workers.
        from territories import tasks  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # Register this app's Celery tasks in every process, not only in workers.
        from jobs import tasks  # noqa: F401

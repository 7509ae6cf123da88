"""The Celery tasks of committees, gathered here so that Celery's autodiscovery and every
process register them; each is defined in the sub-package of its capability."""

from portal.committees.calendars import tasks as calendars_tasks
from portal.committees.meetings import tasks as meetings_tasks

__all__ = ["calendars_tasks", "meetings_tasks"]

"""The Celery tasks of territories, gathered here so that Celery's autodiscovery and every
process register them; each is defined in the sub-package of its capability."""

from territories.imports import tasks as imports_tasks
from territories.maps import tasks as maps_tasks
from territories.pipeline import tasks as pipeline_tasks

__all__ = ["imports_tasks", "maps_tasks", "pipeline_tasks"]

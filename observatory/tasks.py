"""The Celery tasks of the observatory, gathered here so that Celery's autodiscovery and every
process register them; each is defined in the sub-package of its capability."""

from observatory.benchmark import tasks as benchmark_tasks
from observatory.campaigns import tasks as campaigns_tasks
from observatory.returns import tasks as returns_tasks

__all__ = ["benchmark_tasks", "campaigns_tasks", "returns_tasks"]

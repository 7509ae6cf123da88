"""The Celery tasks of territories, gathered so that Celery's autodiscovery and every process
register them (each lives in the sub-package of its capability)."""

from territories.pipeline import tasks  # noqa: F401

"""Reads of recompute runs: which one is published (what readers see), and the recent ones."""

from django.core.cache import cache

from territories.choices import RunState
from territories.geography.selectors import loaded_region_forget
from territories.pipeline.models import PipelineRun

PUBLISHED_KEY = "territories:published-run"
PUBLISHED_TTL = 1  # seconds: how long another process may still serve the previous run


def published_run_id():
    """The run readers see: the latest requested (highest id) among the complete ones."""
    return (
        PipelineRun.objects.filter(state=RunState.SUCCEEDED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def recent_runs(limit=50):
    return PipelineRun.objects.select_related("requested_by", "job").order_by("-created_at")[:limit]


def active_run():
    """The newest run waiting or under way: the one that will compute what was last changed
    (every run computes every composite index and typology), or None."""
    return (
        PipelineRun.objects.filter(state__in=[RunState.PENDING, RunState.RUNNING])
        .order_by("-pk")
        .first()
    )


def current_run():
    return PipelineRun.objects.filter(state=RunState.SUCCEEDED).order_by("-pk").first()


def published_run_version():
    """(id, version) of the published run, or (None, None), through Django's cache.

    The version names what was computed for the run in caches (map layers): the run's id and
    the time it was published, since an id can come back (SQLite reuses the id of a
    rolled-back row) and a publication time does not. Kept a second, so that a request that
    reads only cached data makes no query; publishing a run forgets it at once.
    """
    value = cache.get(PUBLISHED_KEY)
    if value is None:
        row = (
            PipelineRun.objects.filter(state=RunState.SUCCEEDED)
            .order_by("-pk")
            .values_list("pk", "finished_at")
            .first()
        )
        value = (None, None)
        if row:
            run_id, finished_at = row
            value = (run_id, f"{run_id}.{finished_at.timestamp() if finished_at else 0:.6f}")
        cache.set(PUBLISHED_KEY, value, timeout=PUBLISHED_TTL)
    return value


def published_run_forget():
    cache.delete(PUBLISHED_KEY)
    loaded_region_forget()

"""Reads of recompute runs: which one is published (what readers see), and the recent ones."""

from territories.choices import RunState
from territories.pipeline.models import PipelineRun


def published_run_id():
    return (
        PipelineRun.objects.filter(state=RunState.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("pk", flat=True)
        .first()
    )


def recent_runs(limit=50):
    return PipelineRun.objects.select_related("requested_by", "job").order_by("-created_at")[:limit]


def current_run():
    return PipelineRun.objects.filter(state=RunState.SUCCEEDED).order_by("-finished_at").first()

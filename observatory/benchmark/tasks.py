"""The benchmark is computed by a job of its own after the indicators' step of a recompute:
it weighs more than the indicators (a position per establishment and year) and no reader of
the indicators waits for it."""

from jobs.tasks import job_task
from observatory.benchmark.compute import benchmark_compute
from territories.choices import RunState
from territories.pipeline.models import PipelineRun

TASK_NAME = "observatory.benchmark_compute"


@job_task(TASK_NAME)
def benchmark_run(*, job, run_id):
    # A run that failed after its indicators' step will never be read: nothing to compute.
    if not PipelineRun.objects.filter(
        pk=run_id, state__in=[RunState.RUNNING, RunState.SUCCEEDED]
    ).exists():
        return {"skipped": True}
    return benchmark_compute(run_id)

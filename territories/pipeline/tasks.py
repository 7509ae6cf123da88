from contextlib import contextmanager

from jobs.services import TRANSIENT_ERRORS
from jobs.tasks import job_task
from territories.pipeline import services as pipeline


@contextmanager
def failing_the_run(run_id):
    """A step that fails for good fails its run (readers keep the previous one); a transient
    error is left to the job's own retries (jobs.services.job_run)."""
    try:
        yield
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        pipeline.recompute_fail(run_id=run_id, error=exc)
        raise


@job_task("territories.recompute")
def recompute(*, job, run_id):
    with failing_the_run(run_id):
        return pipeline.recompute_start(run_id=run_id, job=job)


@job_task("territories.recompute_chunk")
def recompute_chunk(*, job, run_id, number):
    with failing_the_run(run_id):
        return pipeline.recompute_chunk(run_id=run_id, number=number, job=job)


@job_task("territories.recompute_finish")
def recompute_finish(*, job, run_id):
    with failing_the_run(run_id):
        return pipeline.recompute_finish(run_id=run_id, job=job)

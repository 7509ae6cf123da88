from contextlib import contextmanager

from jobs.services import TRANSIENT_ERRORS
from jobs.tasks import job_task
from territories.imports import services
from territories.maps import layers as maps
from territories.pipeline import services as pipeline


@contextmanager
def failing_the_run(run_id):
    """A step that fails for good fails its run (readers keep the previous one); a transient
    error is left to Celery's retries."""
    try:
        yield
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        pipeline.recompute_fail(run_id=run_id, error=exc)
        raise


@job_task("territories.run_import")
def run_import(*, job, import_id):
    return services.data_import_run(import_id=import_id, job=job)


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


@job_task("territories.render_images")
def render_images(*, job, run_id):
    return maps.render_images(run_id=run_id, job=job)

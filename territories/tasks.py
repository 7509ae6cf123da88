from jobs.services import TRANSIENT_ERRORS
from jobs.tasks import job_task
from territories import pipeline, services


@job_task("territories.run_import")
def run_import(*, job, import_id):
    return services.data_import_run(import_id=import_id, job=job)


@job_task("territories.recompute")
def recompute(*, job, run_id):
    try:
        return pipeline.recompute_start(run_id=run_id, job=job)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        pipeline.recompute_fail(run_id=run_id, error=exc)
        raise


@job_task("territories.recompute_chunk")
def recompute_chunk(*, job, run_id, number):
    try:
        return pipeline.recompute_chunk(run_id=run_id, number=number, job=job)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        pipeline.recompute_fail(run_id=run_id, error=exc)
        raise


@job_task("territories.recompute_finish")
def recompute_finish(*, job, run_id):
    try:
        return pipeline.recompute_finish(run_id=run_id, job=job)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        pipeline.recompute_fail(run_id=run_id, error=exc)
        raise


@job_task("territories.render_images")
def render_images(*, job, run_id):
    from territories import maps

    return maps.render_images(run_id=run_id, job=job)

"""The import's background task: a thin wrapper around the service that runs it."""

from jobs.tasks import job_task
from territories.imports import services


@job_task("territories.run_import")
def run_import(*, job, import_id):
    return services.data_import_run(import_id=import_id, job=job)

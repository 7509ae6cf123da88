"""The background side of filling returns from a file: a thin wrapper around the service."""

from jobs.tasks import job_task
from observatory.returns import uploads


@job_task(uploads.TASK_NAME)
def returns_upload(*, job, stored, original_name, campaign_id, organisation_id):
    return uploads.returns_upload_run(
        job=job,
        stored=stored,
        original_name=original_name,
        campaign_id=campaign_id,
        organisation_id=organisation_id,
    )

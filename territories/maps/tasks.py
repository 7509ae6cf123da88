"""Drawing the static images of the map layers, after a run is published."""

from jobs.tasks import job_task
from territories.maps import images


@job_task("territories.render_images")
def render_images(*, job, run_id):
    return images.render_images(run_id=run_id, job=job)

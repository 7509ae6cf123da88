from celery import shared_task

from jobs.tasks import job_task
from portal.knowledge.curation import services


@job_task("knowledge.notify_authors")
def notify_authors(*, job, event_id):
    return services.authors_notify(event_id=event_id)


@shared_task(name="knowledge.remind_stale", ignore_result=True)
def remind_stale():
    # Periodic (beat): re-running it only sends the same list again.
    return services.stale_resources_remind()

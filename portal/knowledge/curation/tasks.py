from celery import shared_task

from jobs.tasks import job_task
from portal.knowledge.resources import services as services_resources


@job_task("knowledge.notify_authors")
def notify_authors(*, job, event_id):
    return services_resources.authors_notify(event_id=event_id)


@shared_task(name="knowledge.remind_stale", ignore_result=True)
def remind_stale():
    # Periodic (beat): re-running it only sends the same list again.
    return services_resources.stale_resources_remind()

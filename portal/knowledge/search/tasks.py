from jobs.tasks import job_task
from portal.knowledge.search import services


@job_task("knowledge.extract_attachment_text")
def extract_attachment_text(*, job, attachment_id):
    return services.attachment_text_extract(attachment_id=attachment_id)

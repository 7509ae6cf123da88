from celery import shared_task

from jobs.tasks import job_task
from portal.accounts.notifications import services


@job_task("notifications.send_email")
def send_notification_email(*, job, notification_id, attachments=()):
    try:
        sent = services.notification_email_send(
            notification_id=notification_id, attachments=attachments
        )
        return {"sent": sent}
    except OSError as exc:  # the mail server (SMTP errors are OSErrors): try again later
        raise ConnectionError(f"mail not sent: {exc}") from exc


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests():
    # Periodic (beat): each item is e-mailed at most once, so running it again is harmless.
    return services.digests_send()

from jobs.tasks import job_task
from portal.accounts import services


@job_task("accounts.send_invitation_email")
def send_invitation_email(*, job, invitation_id):
    return services.invitation_send_email(invitation_id=invitation_id)

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    PENDING = "pending", _("Recorded, not yet sent")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


WAITING_STATES = (JobState.PENDING, JobState.QUEUED)
FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED)

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.choices import FINISHED_STATES, JobState


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    """A piece of background work, recorded before it is handed to Celery."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=100, help_text=_("Name of the Celery task."))
    label = models.CharField(_("label"), max_length=200, blank=True)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=JobState.choices, default=JobState.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("current step"), max_length=300, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(
        _("worker"), max_length=255, blank=True, help_text=_("Hostname of the worker running it.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.label or self.kind} ({self.get_state_display()})"

    @property
    def is_finished(self):
        return self.state in FINISHED_STATES

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    def report_progress(self, percent, message=""):
        """Record how far the job has gone; called by the task while it runs."""
        self.progress = max(0, min(100, int(percent)))
        self.message = str(message)[:300]
        Job.objects.filter(pk=self.pk, state=JobState.RUNNING).update(
            progress=self.progress, message=self.message, updated_at=timezone.now()
        )


class WorkerHeartbeat(models.Model):
    """The last sign of life of one Celery worker, for the health check."""

    hostname = models.CharField(max_length=255, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.hostname

"""Recompute runs, the chunks they hand to workers, and the aggregates they compute."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.catalogue.models import Indicator
from territories.choices import RunState, ValueStatus
from territories.geography.models import Territory


class PipelineRun(models.Model):
    """One run of the recompute pipeline; the last successful one is what readers see."""

    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.PENDING)
    reasons = models.JSONField(_("reasons"), default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.get_state_display()}"

    def step_label(self):
        """What the run is doing, in words."""
        if self.state == RunState.PENDING:
            return _("Waiting for a worker.")
        if self.state == RunState.RUNNING and self.progress < 95:
            return _("Aggregating the indicators by EPCI, département and région.")
        if self.state == RunState.RUNNING:
            return _("Computing the composite indexes, typologies, signals and maps.")
        return ""

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class RunChunk(models.Model):
    """A group of indicators a recompute run hands to one worker; done once, whatever retries."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    indicator_ids = models.JSONField()
    # A chunk of a publisher (territories.pipeline.publishers) runs that app's computation;
    # its indicator_ids are those the publisher wrote.
    publisher = models.CharField(max_length=40, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    values = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="run_chunk_unique")]

    def __str__(self):
        return f"{self.run_id}/{self.number}"


class AggregateValue(models.Model):
    """A value the pipeline computed for an EPCI, département or région, with its coverage.

    No foreign keys in the database: a recompute writes these rows by the hundred thousand
    (ten million for France) from the ids it has just read, and PostgreSQL's deferred check
    of every row at commit cost a seventh of the observatory's recompute (bench/
    observatory.py). Django still deletes them with their run, indicator or territory
    (on_delete, done by the ORM). The run's own index is the first column of both indexes.
    """

    run = models.ForeignKey(
        PipelineRun,
        on_delete=models.CASCADE,
        related_name="values",
        db_constraint=False,
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="aggregates", db_constraint=False
    )
    period = models.PositiveSmallIntegerField()
    value = models.FloatField(null=True)
    coverage = models.FloatField()
    members = models.PositiveIntegerField()
    members_known = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ValueStatus.choices)

    class Meta:
        indexes = [
            models.Index(fields=["run", "indicator", "period"]),
            models.Index(fields=["run", "territory"]),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.territory_id} {self.period}: {self.value}"

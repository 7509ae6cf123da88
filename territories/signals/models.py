"""Weak signals a run raised, the analysts' reviews of them, and who follows a territory."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.catalogue.models import Indicator
from territories.choices import SignalRule, SignalStatus
from territories.geography.models import Territory
from territories.pipeline.models import PipelineRun


class WeakSignal(models.Model):
    """A territory flagged by a rule in one run, with what raised it."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="signals")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="signals")
    rule = models.CharField(_("rule"), max_length=12, choices=SignalRule.choices)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField(
        _("score"), help_text=_("How strongly the rule fired; ranks the list.")
    )
    explanation = models.TextField(_("explanation"))
    details = models.JSONField(default=dict, help_text="values, thresholds, periods used")

    class Meta:
        indexes = [
            models.Index(fields=["run", "territory"]),
            models.Index(fields=["run", "-score"]),
        ]

    def __str__(self):
        return f"{self.territory_id} {self.rule} {self.indicator_id}"


class SignalReview(models.Model):
    """An analyst's verdict on a signal (territory, rule, indicator); the history is kept."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=12, choices=SignalRule.choices)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=12, choices=SignalStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"{self.territory_id} {self.rule}: {self.status}"


class TerritoryFollow(models.Model):
    """A person who wants to hear of new weak signals on a territory."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "territory"], name="territory_follow_unique")
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.territory_id}"

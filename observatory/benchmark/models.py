from django.db import models
from django.utils.translation import gettext_lazy as _


class BenchmarkKind(models.TextChoices):
    """Whom an establishment is compared with."""

    SIMILAR = "similar", _("Similar employers")
    TERRITORY = "territory", _("Its territory")


class SizeBand(models.TextChoices):
    """Bands of an establishment's total headcount (every profession it declared)."""

    UNDER_10 = "0-9", _("fewer than 10 people")
    FROM_10 = "10-49", _("10 to 49 people")
    FROM_50 = "50-249", _("50 to 249 people")
    FROM_250 = "250+", _("250 people or more")


class BenchmarkGroup(models.Model):
    """The establishments one is compared with, in one recompute run and one year: those of
    the same sector, département and size band (similar), or of the same EPCI (territory).

    `distributions` holds every member's value, {profession code or '*': {measure slug:
    sorted values}}, and never leaves the server; `summaries` holds, for the same keys, what
    the secrecy rule needs (values, employers, the largest employer's share of the
    headcount) and the quartiles, which a page shows only where the rule allows.
    """

    run = models.ForeignKey(
        "territories.PipelineRun", on_delete=models.CASCADE, related_name="benchmark_groups"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=BenchmarkKind.choices)
    key = models.CharField(_("key"), max_length=80)
    sector = models.ForeignKey(
        "observatory.Sector", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The département of similar employers, the EPCI of a territory."),
    )
    size_band = models.CharField(_("size band"), max_length=8, choices=SizeBand.choices, blank=True)
    employers = models.PositiveIntegerField(_("employers"))
    establishments = models.PositiveIntegerField(_("establishments"))
    distributions = models.JSONField(_("distributions"), default=dict)
    summaries = models.JSONField(_("summaries"), default=dict)

    class Meta:
        verbose_name = _("benchmark group")
        verbose_name_plural = _("benchmark groups")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "year", "kind", "key"], name="benchmark_group_unique"
            )
        ]

    def __str__(self):
        return f"#{self.run_id} {self.year} {self.kind} {self.key}"


class BenchmarkPosition(models.Model):
    """An establishment's own values in one run and year, and where each stands in its two
    groups, or that the group is too small to say: {profession code or '*': {measure slug:
    [value, similar, territory]}}, each place None (no such group), 0 (too small: secret)
    or [percentile rounded to 5, quartile band]. Read by its organisation only."""

    run = models.ForeignKey(
        "territories.PipelineRun", on_delete=models.CASCADE, related_name="benchmark_positions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    establishment = models.ForeignKey(
        "observatory.Establishment", on_delete=models.CASCADE, related_name="benchmark_positions"
    )
    similar = models.ForeignKey(
        BenchmarkGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    territory = models.ForeignKey(
        BenchmarkGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    headcount = models.PositiveIntegerField(_("headcount"))
    comparisons = models.JSONField(_("comparisons"), default=dict)

    class Meta:
        verbose_name = _("benchmark position")
        verbose_name_plural = _("benchmark positions")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "year", "establishment"], name="benchmark_position_unique"
            )
        ]

    def __str__(self):
        return f"#{self.run_id} {self.year} {self.establishment_id}"

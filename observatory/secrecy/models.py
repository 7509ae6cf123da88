from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecrecyAudit(models.Model):
    """The interval audit of one year's workforce tables in one recompute run: for every
    suppressed cell, the smallest and largest value it could take given everything the run
    publishes, against the protection margin. Shown to administrators with the run."""

    run = models.ForeignKey(
        "territories.PipelineRun", on_delete=models.CASCADE, related_name="secrecy_audits"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    cells = models.PositiveIntegerField(
        _("cells"), help_text=_("Cells with at least one employer.")
    )
    primary = models.PositiveIntegerField(_("primary suppressions"))
    secondary = models.PositiveIntegerField(_("secondary suppressions"))
    failures = models.PositiveIntegerField(
        _("cells insufficiently protected"),
        help_text=_("Suppressed cells whose interval is narrower than the margin: must be 0."),
    )
    narrowest = models.FloatField(
        _("narrowest protection"),
        null=True,
        blank=True,
        help_text=_(
            "The smallest ratio, over suppressed cells, of the attacker's interval to the "
            "margin required (1 or more: protected)."
        ),
    )
    intervals = models.JSONField(
        _("intervals"),
        default=list,
        help_text=_(
            "Per suppressed cell and table: profession, territory, value, smallest, largest, "
            "margin, reason."
        ),
    )
    seconds = models.FloatField(_("duration (seconds)"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("secrecy audit")
        verbose_name_plural = _("secrecy audits")
        ordering = ["-run_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["run", "year"], name="secrecy_audit_unique")]

    def __str__(self):
        return f"#{self.run_id} {self.year}"

"""Files analysts import, with their mapping and report."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.catalogue.models import Indicator
from territories.choices import ImportKind, ImportState


class DataImport(models.Model):
    """A file an analyst imported, with its mapping and its report."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    options = models.JSONField(_("options"), default=dict)
    accept_valid_rows = models.BooleanField(
        _("valid rows imported anyway"),
        default=False,
        help_text=_("The analyst chose to write the valid rows of a file that has problems."),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.PENDING
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("territories:import_detail", args=[self.pk])

    def indicator_counts(self):
        """The report's values per indicator and period, each named: the report keys them
        by `slug@period`."""
        counts = (self.report or {}).get("indicators") or {}
        keys = [key.rpartition("@") for key in counts]
        names = dict(
            Indicator.objects.filter(slug__in={slug for slug, _at, _period in keys}).values_list(
                "slug", "name"
            )
        )
        return [
            {"name": names.get(slug, slug), "period": period, **counts[f"{slug}@{period}"]}
            for slug, _at, period in keys
        ]

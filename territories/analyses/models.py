"""Composite indexes and typologies: what analysts define, and what each run computed.

Results are computed by the recompute pipeline for one run, and only read by requests
through the last published run.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.catalogue.models import Indicator
from territories.choices import ClusteringMethod, Level, Normalisation
from territories.geography.models import Territory
from territories.pipeline.models import PipelineRun


class CompositeIndex(models.Model):
    """An analyst's composite index; the pipeline computes it into its own indicator."""

    indicator = models.OneToOneField(
        Indicator,
        on_delete=models.CASCADE,
        related_name="composite",
        help_text=_("The indicator the index is published as."),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    period = models.PositiveSmallIntegerField(_("period"))
    normalisation = models.CharField(
        _("normalisation"),
        max_length=10,
        choices=Normalisation.choices,
        default=Normalisation.ZSCORE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("composite index")
        verbose_name_plural = _("composite indexes")

    def __str__(self):
        return self.indicator.name


class CompositeComponent(models.Model):
    """One indicator of a composite index, with its weight and direction."""

    composite = models.ForeignKey(
        CompositeIndex, on_delete=models.CASCADE, related_name="components"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField(_("period"))
    weight = models.FloatField(_("weight"))
    reverse = models.BooleanField(
        _("reverse"),
        default=False,
        help_text=_("Count a higher value as less fragile (e.g. a median income)."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["composite", "indicator", "period"], name="composite_component_unique"
            )
        ]

    def __str__(self):
        return f"{self.composite_id}: {self.indicator_id} × {self.weight}"


class CompositeResult(models.Model):
    """A composite index as one run computed it: coverage and rank sensitivity."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="+")
    composite = models.ForeignKey(CompositeIndex, on_delete=models.CASCADE, related_name="results")
    territories = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0, help_text="territories missing a component")
    sensitivity = models.JSONField(
        default=dict, help_text="per component: how ranks move when its weight changes"
    )
    error = models.TextField(blank=True)

    def __str__(self):
        return f"{self.composite_id} run {self.run_id}"

    def movers(self):
        """The territories whose rank moves most, each with the name of the component whose
        weight moves it (the sensitivity keeps its identifier, which the API gives)."""
        names = {
            c["indicator"]: f"{c['name']} ({c['period']})"
            for c in self.sensitivity.get("components", [])
        }
        return [
            {**mover, "component_name": names.get(mover["component"], mover["component"])}
            for mover in self.sensitivity.get("movers", [])
        ]


class Typology(models.Model):
    """A clustering of the territories of one level on chosen standardised indicators."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    method = models.CharField(
        _("method"),
        max_length=10,
        choices=ClusteringMethod.choices,
        default=ClusteringMethod.KMEANS,
    )
    k = models.PositiveSmallIntegerField(
        _("number of classes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to let the silhouette score suggest it."),
    )
    k_max = models.PositiveSmallIntegerField(_("largest number of classes tried"), default=8)
    seed = models.PositiveIntegerField(_("random seed"), default=2026)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("typology")
        verbose_name_plural = _("typologies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TypologyVariable(models.Model):
    """An indicator (and period) a typology clusters on."""

    typology = models.ForeignKey(Typology, on_delete=models.CASCADE, related_name="variables")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField(_("period"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["typology", "indicator", "period"], name="typology_variable_unique"
            )
        ]

    def __str__(self):
        return f"{self.typology_id}: {self.indicator_id}@{self.period}"


class TypologyLabel(models.Model):
    """The label an analyst wrote for a class; class numbers are stable across runs."""

    typology = models.ForeignKey(Typology, on_delete=models.CASCADE, related_name="labels")
    number = models.PositiveSmallIntegerField()
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["typology", "number"], name="typology_label_unique")
        ]

    def __str__(self):
        return self.label


class TypologyResult(models.Model):
    """A typology as one run computed it: k, silhouette, class profiles."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="+")
    typology = models.ForeignKey(Typology, on_delete=models.CASCADE, related_name="results")
    k = models.PositiveSmallIntegerField()
    silhouette = models.FloatField(null=True)
    silhouettes = models.JSONField(default=dict, help_text="k → silhouette score")
    profiles = models.JSONField(
        default=list, help_text="per class: number, size, mean of each variable vs the région"
    )
    excluded = models.PositiveIntegerField(
        default=0, help_text="territories without every variable"
    )
    error = models.TextField(blank=True)

    def __str__(self):
        return f"{self.typology_id} run {self.run_id}"


class TypologyMembership(models.Model):
    """The class of one territory in one run's typology."""

    result = models.ForeignKey(TypologyResult, on_delete=models.CASCADE, related_name="members")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["result", "territory"])]

    def __str__(self):
        return f"{self.territory_id} → {self.number}"

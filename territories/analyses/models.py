from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.choices import (
    Aggregation,
    ClusteringMethod,
    ImportKind,
    ImportState,
    Level,
    Normalisation,
    Polarity,
    RunState,
    SignalRule,
    SignalStatus,
    ValueStatus,
)


class TerritoryQuerySet(models.QuerySet):
    def search(self, query):
        """Territories matching a name, INSEE code, SIREN or postal code."""
        query = query.strip()
        if not query:
            return self.none()
        if query.isdigit() or (len(query) in (5, 9) and query[:2].upper() in ("2A", "2B")):
            return self.filter(
                models.Q(code=query)
                | models.Q(siren=query)
                | models.Q(postal_codes__contains=query)
                | models.Q(code__startswith=query)
            )
        return self.filter(
            models.Q(name__icontains=query) | models.Q(search_name__contains=_fold(query))
        )


def _fold(text):
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else " " for c in text.lower()).strip()


class Territory(models.Model):
    """A région, département, EPCI or commune of one geography vintage (e.g. COG 2026)."""

    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    code = models.CharField(_("code"), max_length=12, help_text=_("INSEE code, or SIREN for EPCI"))
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    vintage = models.PositiveSmallIntegerField(_("geography vintage"), default=2026)
    kind = models.CharField(_("kind"), max_length=20, blank=True, help_text=_("CC, CA, CU, METRO…"))
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    postal_codes = models.CharField(_("postal codes"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_total = models.PositiveIntegerField(
        _("population of the whole territory"),
        null=True,
        blank=True,
        help_text=_("For an EPCI that crosses the regional border: all its members."),
    )
    region = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    departement = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="communes_dep"
    )
    epci = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="communes_epci"
    )
    geometry = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    former_codes = models.CharField(_("former codes"), max_length=200, blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["vintage", "level", "code"], name="territory_unique_code"
            )
        ]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = _fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("territories:territory_detail", args=[self.level, self.code])

    @property
    def share_in_region(self):
        if self.population and self.population_total:
            return self.population / self.population_total
        return None


class CodeChange(models.Model):
    """A commune code of an older vintage and the code that replaces it (merger, change)."""

    old_code = models.CharField(max_length=12)
    new_code = models.CharField(max_length=12)
    from_vintage = models.PositiveSmallIntegerField()
    to_vintage = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["old_code", "from_vintage", "to_vintage"], name="code_change_unique"
            )
        ]

    def __str__(self):
        return f"{self.old_code} → {self.new_code}"


class Indicator(models.Model):
    """An indicator of the catalogue, with its sheet: definition, source, rules."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=40)
    theme = models.CharField(_("theme"), max_length=80)
    source = models.CharField(_("source"), max_length=300)
    source_vintage = models.CharField(_("vintage"), max_length=80)
    polarity = models.CharField(
        _("polarity"), max_length=16, choices=Polarity.choices, default=Polarity.NEUTRAL
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=16, choices=Aggregation.choices, default=Aggregation.NONE
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator (count)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a ratio: the count it divides by; for a weighted mean: the weight."),
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator (count)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "For a ratio: the count divided. Without it, the numerator of each commune "
            "is rebuilt as value × denominator ÷ scale."
        ),
    )
    scale = models.FloatField(_("scale"), default=1, help_text=_("100 for a percentage."))
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    min_coverage = models.FloatField(
        _("minimum coverage"),
        default=0.8,
        help_text=_(
            "Share of the population whose value must be known for an aggregate to be "
            "shown; below it, the aggregate is withheld."
        ),
    )
    min_count = models.FloatField(
        _("minimum count"),
        default=0,
        help_text=_(
            "An aggregate whose denominator is below this count is withheld (secrecy of "
            "small numbers)."
        ),
    )
    signed = models.BooleanField(
        _("may be negative"), default=False, help_text=_("A variation rather than a count.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["theme", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:indicator_detail", args=[self.slug])


class IndicatorValue(models.Model):
    """A value as imported for one territory and period (communes, usually)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="values")
    period = models.PositiveSmallIntegerField(_("period"))
    value = models.FloatField(_("value"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=ValueStatus.choices, default=ValueStatus.OK)
    source_import = models.ForeignKey(
        "DataImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "period"], name="indicator_value_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "period"])]

    def __str__(self):
        return f"{self.indicator_id} {self.territory_id} {self.period}: {self.value}"


class DataImport(models.Model):
    """A file an analyst imported, with its mapping and its report."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    options = models.JSONField(_("options"), default=dict)
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
    done_at = models.DateTimeField(null=True, blank=True)
    values = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="run_chunk_unique")]

    def __str__(self):
        return f"{self.run_id}/{self.number}"


class AggregateValue(models.Model):
    """A value the pipeline computed for an EPCI, département or région, with its coverage."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="aggregates")
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


# ----------------------------------------------------------------------------- analyses
# Everything below is computed by the recompute pipeline for one run, and only read by
# requests through the last published run.


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


class LayerGeometry(models.Model):
    """Simplified boundaries of one level, shared borders kept shared, ready to serve."""

    level = models.CharField(max_length=12, choices=Level.choices)
    vintage = models.PositiveSmallIntegerField(default=2026)
    source_hash = models.CharField(max_length=64)
    content = models.BinaryField()
    content_gzip = models.BinaryField()
    etag = models.CharField(max_length=64)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "vintage"], name="layer_geometry_unique")
        ]

    def __str__(self):
        return f"{self.level} {self.vintage}"


class MapLayer(models.Model):
    """One map (indicator × level × period) as one run computed it: values, ranks, classes."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    period = models.PositiveSmallIntegerField()
    content = models.BinaryField()
    content_gzip = models.BinaryField()
    etag = models.CharField(max_length=64)
    image = models.BinaryField(null=True, help_text="PNG of the default classification")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "indicator", "level", "period"], name="map_layer_unique"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.level} {self.period}"

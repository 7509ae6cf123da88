"""The indicator catalogue and the values imported for territories."""

from django.db import models
from django.db.models import Case, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territories.choices import Aggregation, Polarity, ValueStatus
from territories.geography.models import Territory


class IndicatorQuerySet(models.QuerySet):
    def headlines(self):
        """Indicators that detail no other: those the catalogue, portraits and comparisons list
        (their details are reached from them)."""
        return self.filter(variant_of__isnull=True)

    def headlines_first(self):
        """By theme, each theme's headline indicators before the details (those by their
        headline, then by the value of its dimension): the order of indicator choices."""
        return self.order_by(
            "theme",
            Case(When(variant_of__isnull=True, then=Value(0)), default=Value(1)),
            Coalesce("variant_of__name", "name"),
            "variant_label",
            "name",
        )


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
    method = models.TextField(
        _("method"),
        blank=True,
        help_text=_("How the value is computed, where the definition does not say it all."),
    )
    secrecy = models.TextField(
        _("secrecy rule"),
        blank=True,
        help_text=_("The rule of statistical secrecy its values follow."),
    )
    published_by = models.CharField(
        _("published by"),
        max_length=40,
        blank=True,
        help_text=_(
            "The app that computes this indicator's values and publishes them into the "
            "recompute (territories.pipeline.publishers); empty when they are aggregated "
            "from communes."
        ),
    )
    variant_of = models.ForeignKey(
        "self",
        verbose_name=_("detail of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="variants",
        help_text=_("The indicator this one details for one value of its dimension."),
    )
    dimension = models.CharField(
        _("dimension"),
        max_length=80,
        blank=True,
        help_text=_("What the indicator's details vary by, e.g. « Métier »."),
    )
    variant_label = models.CharField(
        _("value of the dimension"),
        max_length=200,
        blank=True,
        help_text=_("For a detail: the value of its dimension, e.g. a profession."),
    )

    objects = IndicatorQuerySet.as_manager()

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

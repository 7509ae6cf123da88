from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI")
    COMMUNE = "commune", _("Commune")


# From the largest to the smallest: aggregation goes up this list.
LEVEL_ORDER = [Level.REGION, Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE]
AGGREGATE_LEVELS = [Level.EPCI, Level.DEPARTEMENT, Level.REGION]


class Polarity(models.TextChoices):
    HIGHER_IS_WORSE = "higher_worse", _("A higher value is more fragile")
    HIGHER_IS_BETTER = "higher_better", _("A higher value is less fragile")
    NEUTRAL = "neutral", _("Neither")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum of counts")
    RATIO = "ratio", _("Ratio of two counts")
    WEIGHTED_MEAN = "weighted_mean", _("Weighted mean")
    NONE = "none", _("Not aggregable")


class ValueStatus(models.TextChoices):
    OK = "ok", pgettext_lazy("a value's status", "Known")
    SECRET = "secret", _("Under statistical secrecy")
    MISSING = "missing", _("Not available")
    PARTIAL = "partial", _("Partial coverage")
    WITHHELD = "withheld", _("Withheld (coverage too low)")


def value_status_label(status):
    """A value's status in words, for downloads people read (the API keeps the codes); an
    unknown or empty status is given back as it is."""
    try:
        return str(ValueStatus(status).label)
    except ValueError:
        return status


class ImportKind(models.TextChoices):
    VALUES = "values", _("Indicator values")
    GEOGRAPHY = "geography", _("Geography")
    CODE_CHANGES = "code_changes", _("Code changes between vintages")


class ImportState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed")


class RunState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


class Normalisation(models.TextChoices):
    ZSCORE = "zscore", _("z-score")
    MINMAX = "minmax", _("min-max (0 to 1)")
    RANK = "rank", _("rank (0 to 1)")


class ClusteringMethod(models.TextChoices):
    KMEANS = "kmeans", _("k-means")
    WARD = "ward", _("Ward (hierarchical)")


class SignalRule(models.TextChoices):
    TREND = "trend", _("Adverse trend")
    THRESHOLD = "threshold", _("Threshold crossed")
    OUTLIER = "outlier", _("Stands out from similar territories")
    HALO = "halo", _("Just above a poverty threshold (halo)")
    FIELD = "field", _("Field observation")


class SignalStatus(models.TextChoices):
    NEW = "new", _("To review")
    CONFIRMED = "confirmed", _("Confirmed")
    FALSE_ALARM = "false_alarm", _("False alarm")
    FOLLOWED_UP = "followed_up", _("Followed up")


class ClassificationMethod(models.TextChoices):
    QUANTILES = "quantiles", _("Quantiles")
    EQUAL_INTERVAL = "equal_interval", _("Equal intervals")
    NATURAL_BREAKS = "natural_breaks", _("Natural breaks (Jenks)")
    STD_MEAN = "std_mean", _("Standard deviation")
    MANUAL = "manual", _("Manual breaks")

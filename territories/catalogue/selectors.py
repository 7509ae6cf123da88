"""Reads of the catalogue and of indicator values: communes as imported, other levels as the
last published recompute computed them."""

from django.db.models import Count, Max, Q

from territories.catalogue.models import Indicator, IndicatorValue
from territories.choices import Level, ValueStatus
from territories.geography.models import Territory
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id

KNOWN = (ValueStatus.OK, ValueStatus.PARTIAL)


def shown(value, status):
    """A value as readers may see it: none unless it is known (a secret cell published with
    its number keeps it to itself)."""
    return value if status in KNOWN else None


def territory_values(*, territory, headlines=False):
    """Every indicator value of one territory, newest period first, as plain rows; with
    `headlines`, those of headline indicators only (not their details)."""
    wanted = {"indicator__variant_of__isnull": True} if headlines else {}
    if territory.level == Level.COMMUNE:
        queryset = IndicatorValue.objects.filter(territory=territory, **wanted).select_related(
            "indicator"
        )
        rows = [
            {
                "indicator": value.indicator,
                "period": value.period,
                "value": shown(value.value, value.status),
                "status": value.status,
                "coverage": 1.0 if value.status == ValueStatus.OK else 0.0,
                "members": 1,
                "members_known": int(value.status == ValueStatus.OK),
            }
            for value in queryset
        ]
    else:
        rows = []
    # Aggregates, and for communes what the pipeline computed for them (composite indexes).
    queryset = AggregateValue.objects.filter(
        run_id=published_run_id(), territory=territory, **wanted
    ).select_related("indicator")
    rows += [
        {
            "indicator": value.indicator,
            "period": value.period,
            "value": shown(value.value, value.status),
            "status": value.status,
            "coverage": value.coverage,
            "members": value.members,
            "members_known": value.members_known,
        }
        for value in queryset
    ]
    rows.sort(key=lambda row: (row["indicator"].theme, row["indicator"].name, -row["period"]))
    return rows


def indicator_catalogue():
    return Indicator.objects.select_related("denominator", "numerator").order_by("theme", "name")


def indicator_headlines():
    """The catalogue's list: headline indicators, each with how many details it has."""
    return (
        Indicator.objects.headlines()
        .annotate(detail_count=Count("variants"))
        .order_by("theme", "name")
    )


def indicator_details(*, indicator):
    """The details of a headline indicator, by the value of their dimension."""
    return indicator.variants.order_by("variant_label", "name")


def values_table(*, indicator=None, level=None, period=None, territory_code=None):
    """Rows (territory, indicator, period, value, status, coverage) across levels.

    Communes read the imported values; other levels read the published aggregates.
    """
    rows = []
    levels = [level] if level else [Level.COMMUNE, Level.EPCI, Level.DEPARTEMENT, Level.REGION]
    for current in levels:
        if current == Level.COMMUNE:
            queryset = IndicatorValue.objects.filter(territory__level=Level.COMMUNE)
        else:
            queryset = AggregateValue.objects.filter(
                run_id=published_run_id(), territory__level=current
            )
        if indicator is not None:
            queryset = queryset.filter(indicator=indicator)
        if period:
            queryset = queryset.filter(period=period)
        if territory_code:
            queryset = queryset.filter(territory__code=territory_code)
        fields = [
            "territory__level",
            "territory__code",
            "territory__name",
            "indicator__slug",
            "period",
            "value",
            "status",
        ]
        if current != Level.COMMUNE:
            fields += ["coverage"]
        for row in queryset.values(*fields).order_by(
            "territory__code", "indicator__slug", "period"
        ):
            row.setdefault("coverage", 1.0 if row["status"] == ValueStatus.OK else 0.0)
            row["value"] = shown(row["value"], row["status"])
            rows.append(row)
    return rows


def commune_coverage(*, indicator):
    """How many communes the indicator's latest period gives a value for, out of how many.

    Read from the values themselves, so that the sheet never quotes one région's counts in
    another's portal: {"period", "known", "secret", "communes"}, or None without values.
    """
    values = IndicatorValue.objects.filter(indicator=indicator, territory__level=Level.COMMUNE)
    period = values.aggregate(latest=Max("period"))["latest"]
    if period is None:
        return None
    counts = values.filter(period=period).aggregate(
        known=Count("pk", filter=Q(status=ValueStatus.OK)),
        secret=Count("pk", filter=Q(status=ValueStatus.SECRET)),
    )
    communes = Territory.objects.filter(level=Level.COMMUNE).count()
    return {"period": period, **counts, "communes": communes}

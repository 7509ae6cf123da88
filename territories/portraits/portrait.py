"""The portrait of a territory: its values beside its département, the région and its
typology class, over time; and the sections other apps add (knowledge, committees…).

Other apps register a section in their AppConfig.ready():

    from territories.portraits.portrait import register_section
    register_section(my_section)   # my_section(territory, request) -> dict or None

so that territories imports nothing above it.
"""

from collections import defaultdict

from django.db.models import Avg

from territories.catalogue.selectors import epci_departements, published_run_id, territory_values
from territories.choices import Level, ValueStatus
from territories.models import (
    AggregateValue,
    IndicatorValue,
    Territory,
    TypologyLabel,
    TypologyMembership,
)

SECTIONS = []
KNOWN = (ValueStatus.OK, ValueStatus.PARTIAL)


def register_section(section):
    """Add a portrait section: a callable (territory, request) → {"title", "template", …}."""
    if section not in SECTIONS:
        SECTIONS.append(section)


def sections_for(territory, request):
    return [s for s in (section(territory, request) for section in SECTIONS) if s]


def _by_key(rows):
    return {(row["indicator"].pk, row["period"]): row for row in rows}


def reference_territories(territory):
    """The département and région a territory is compared with."""
    departement = territory.departement
    if territory.level == Level.EPCI:
        departement = epci_departements(epci=territory).first()
    region = territory.region if territory.level != Level.REGION else None
    return departement if territory.level not in (Level.DEPARTEMENT, Level.REGION) else None, region


def typology_class(territory):
    """(typology, class number, label, member ids) of the territory in the published run."""
    membership = (
        TypologyMembership.objects.filter(
            result__run_id=published_run_id(),
            territory=territory,
            result__typology__level=territory.level,
        )
        .select_related("result__typology")
        .order_by("result__typology__name")
        .first()
    )
    if membership is None:
        return None
    typology = membership.result.typology
    label = TypologyLabel.objects.filter(typology=typology, number=membership.number).first()
    members = TypologyMembership.objects.filter(
        result=membership.result, number=membership.number
    ).values_list("territory_id", flat=True)
    return {
        "typology": typology,
        "number": membership.number,
        "label": label.label if label else "",
        "members": members,
    }


def class_means(members, level):
    """Mean value of each indicator (and period) over the territories of a class."""
    if level == Level.COMMUNE:
        queryset = IndicatorValue.objects.filter(territory_id__in=members, status=ValueStatus.OK)
    else:
        queryset = AggregateValue.objects.filter(
            run_id=published_run_id(), territory_id__in=members, status__in=KNOWN
        )
    return {
        (row["indicator_id"], row["period"]): row["mean"]
        for row in queryset.values("indicator_id", "period").annotate(mean=Avg("value"))
    }


def portrait(territory):
    """Rows per indicator: latest value beside references, and the series over periods."""
    rows = territory_values(territory=territory)
    departement, region = reference_territories(territory)
    references = {
        "departement": _by_key(territory_values(territory=departement)) if departement else {},
        "region": _by_key(territory_values(territory=region)) if region else {},
    }
    klass = typology_class(territory)
    means = class_means(klass["members"], territory.level) if klass else {}
    series = defaultdict(list)
    for row in rows:
        series[row["indicator"].pk].append(row)
    indicators = []
    for rows_of in series.values():
        rows_of.sort(key=lambda r: r["period"])
        latest = rows_of[-1]
        key = (latest["indicator"].pk, latest["period"])
        points = [
            {
                "period": r["period"],
                "value": r["value"] if r["status"] in KNOWN else None,
                "departement": _value(
                    references["departement"].get((r["indicator"].pk, r["period"]))
                ),
                "region": _value(references["region"].get((r["indicator"].pk, r["period"]))),
            }
            for r in rows_of
        ]
        indicators.append(
            {
                "indicator": latest["indicator"],
                "latest": latest,
                "departement": _value(references["departement"].get(key)),
                "region": _value(references["region"].get(key)),
                "class_mean": means.get(key),
                "series": points,
                "chart": chart(points, references=latest["indicator"].aggregation != "sum")
                if sum(p["value"] is not None for p in points) >= 2
                else None,
            }
        )
    indicators.sort(key=lambda item: (item["indicator"].theme, item["indicator"].name))
    return {"indicators": indicators, "departement": departement, "region": region, "class": klass}


def _value(row):
    return row["value"] if row and row["status"] in KNOWN else None


def chart(points, width=320, height=120, pad=28, references=True):
    """Polylines for a small trend chart (SVG drawn by the template; no script).

    Counts are drawn alone: beside a département's or the région's totals they would lie
    flat; rates are drawn with their references.
    """
    keys = ("value", "departement", "region") if references else ("value",)
    values = [p[key] for p in points for key in keys if p[key] is not None]
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    first, last = points[0]["period"], points[-1]["period"]
    span = max(last - first, 1)
    left = 64  # room for the value labels

    def xy(period, value):
        x = left + (width - left - pad) * (period - first) / span
        y = height - pad + (value - low) / (high - low) * -(height - 2 * pad)
        return round(x, 1), round(y, 1)

    lines = {}
    for key in keys:
        coords = [xy(p["period"], p[key]) for p in points if p[key] is not None]
        lines[key] = {"points": " ".join(f"{x},{y}" for x, y in coords), "dots": coords}
    ticks = [{"x": xy(p["period"], low)[0], "label": p["period"]} for p in points]
    return {
        "width": width,
        "height": height,
        "lines": lines,
        "ticks": ticks,
        "low": low,
        "high": high,
        "bottom": height - pad + 14,
        "top": pad - 8,
    }


def compare(territories):
    """The latest value of every indicator for up to four territories, side by side."""
    columns = [_by_key(territory_values(territory=t)) for t in territories]
    latest = {}
    for column in columns:
        for (indicator_id, period), row in column.items():
            best = latest.get(indicator_id)
            if best is None or period > best[1]:
                latest[indicator_id] = (row["indicator"], period)
    rows = []
    for indicator, period in sorted(latest.values(), key=lambda p: (p[0].theme, p[0].name)):
        rows.append(
            {
                "indicator": indicator,
                "period": period,
                "values": [column.get((indicator.pk, period)) for column in columns],
            }
        )
    return rows


def resolve(query):
    """One territory for a name or code typed by a person, or a reason why not."""
    query = (query or "").strip()
    if not query:
        return None, None
    if "/" in query:
        level, _, code = query.partition("/")
        found = Territory.objects.filter(level=level, code=code).first()
        return (found, None) if found else (None, query)
    matches = list(Territory.objects.search(query)[:10])
    exact = [t for t in matches if t.code == query or t.name.lower() == query.lower()]
    if len(exact) == 1:
        return exact[0], None
    if len(matches) == 1:
        return matches[0], None
    return None, query

"""The portrait of a territory: its values beside its département, the région and its
typology class, over time; the comparison of up to four territories; and finding the
territory a person typed. Sections that other apps add are in territories.portraits.sections.
"""

from collections import defaultdict

from django.db.models import Avg

from territories.analyses.models import TypologyLabel, TypologyMembership
from territories.catalogue.models import IndicatorValue
from territories.catalogue.selectors import territory_values
from territories.choices import Level, ValueStatus
from territories.geography.models import Territory
from territories.geography.selectors import epci_departements
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id
from territories.portraits.charts import chart

KNOWN = (ValueStatus.OK, ValueStatus.PARTIAL)


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
    queryset = queryset.filter(indicator__variant_of__isnull=True)
    return {
        (row["indicator_id"], row["period"]): row["mean"]
        for row in queryset.values("indicator_id", "period").annotate(mean=Avg("value"))
    }


def portrait(territory):
    """Rows per headline indicator (details, e.g. per profession, are on its sheet and map):
    latest value beside references, and the series over periods."""
    rows = territory_values(territory=territory, headlines=True)
    departement, region = reference_territories(territory)
    references = {
        "departement": _by_key(territory_values(territory=departement, headlines=True))
        if departement
        else {},
        "region": _by_key(territory_values(territory=region, headlines=True)) if region else {},
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


def compare(territories):
    """The latest value of every headline indicator for up to four territories, side by side."""
    columns = [_by_key(territory_values(territory=t, headlines=True)) for t in territories]
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

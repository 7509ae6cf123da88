"""The portrait of a territory: its values beside its département, the région and its
typology class, over time; the comparison of up to four territories; and finding the
territory a person typed. Sections that other apps add are in territories.portraits.sections.
"""

from collections import defaultdict

from django.db.models import Avg
from django.utils.translation import gettext as _

from territories.analyses.models import TypologyLabel, TypologyMembership
from territories.catalogue.models import IndicatorValue
from territories.catalogue.selectors import shown, territory_values
from territories.choices import Aggregation, Level, ValueStatus
from territories.geography.models import Territory, fold
from territories.geography.selectors import epci_departements, search_territories
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id
from territories.portraits.charts import chart

KNOWN = (ValueStatus.OK, ValueStatus.PARTIAL)
REFERENCES = ("departement", "region")


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


def published_rows(territory):
    """Values of non-aggregable indicators (medians, deciles) that a source published for an
    EPCI, département or région itself and that were imported for it: the pipeline cannot
    compute them from communes, so they are shown as published."""
    if territory is None or territory.level == Level.COMMUNE:
        return []
    queryset = IndicatorValue.objects.filter(
        territory=territory,
        indicator__aggregation=Aggregation.NONE,
        indicator__variant_of__isnull=True,
    ).select_related("indicator")
    return [
        {
            "indicator": value.indicator,
            "period": value.period,
            "value": shown(value.value, value.status),
            "status": value.status,
            "published": True,
        }
        for value in queryset
    ]


def not_aggregable(indicator):
    """Why a département or région has no value computed from its communes, named after the
    statistic (« médiane »), or None for an indicator that is aggregated.

    The catalogue does not record the kind of statistic; its names do, in the words of the
    sources (Filosofi: « médian », « décile », « interdécile »).
    """
    if indicator.aggregation != Aggregation.NONE:
        return None
    name = fold(indicator.name)
    if "median" in name:
        return _("median")
    if "interdecile" in name:
        return _("ratio of deciles")
    if "decile" in name or "quartile" in name:
        return _("decile")
    if "moyen" in name:
        return _("mean without its weights")
    if name.startswith(("part ", "taux ")):
        return _("share without its base")
    return ""


def _cell(row):
    """A reference value as the portrait shows it: the value, and whether the source
    published it for that territory (rather than the pipeline computing it)."""
    if not row or row["status"] not in KNOWN:
        return None
    return {"value": row["value"], "published": row.get("published", False)}


def _rows_by_key(territory):
    """Rows of a territory by (indicator, period): its values (aggregates above communes),
    and what a source published for it where nothing is aggregated."""
    if territory is None:
        return {}
    return _by_key(published_rows(territory)) | _by_key(
        territory_values(territory=territory, headlines=True)
    )


def portrait(territory):
    """Rows per headline indicator (details, e.g. per profession, are on its sheet and map):
    the value of the latest period that has something to compare it with, beside its
    references, and the series over every period."""
    rows = _rows_by_key(territory).values()
    departement, region = reference_territories(territory)
    references = {"departement": _rows_by_key(departement), "region": _rows_by_key(region)}
    klass = typology_class(territory)
    means = class_means(klass["members"], territory.level) if klass else {}
    series = defaultdict(list)
    for row in rows:
        series[row["indicator"].pk].append(row)
    indicators = []
    for rows_of in series.values():
        rows_of.sort(key=lambda r: r["period"])
        indicator = rows_of[0]["indicator"]
        cells = {
            r["period"]: {
                name: _cell(references[name].get((indicator.pk, r["period"])))
                for name in REFERENCES
            }
            for r in rows_of
        }
        # A later period imported before its references are (or a few communes ahead of the
        # others) must not hide the period that can be compared: it stays in the trend.
        compared = [
            r
            for r in rows_of
            if any(cells[r["period"]].values()) or (indicator.pk, r["period"]) in means
        ]
        latest = compared[-1] if compared else rows_of[-1]
        key = (indicator.pk, latest["period"])
        points = [
            {
                "period": r["period"],
                "value": r["value"] if r["status"] in KNOWN else None,
                **{name: (cells[r["period"]][name] or {}).get("value") for name in REFERENCES},
            }
            for r in rows_of
        ]
        indicators.append(
            {
                "indicator": indicator,
                "latest": latest,
                "newer": [r for r in rows_of if r["period"] > latest["period"]],
                **cells[latest["period"]],
                "not_aggregable": not_aggregable(indicator),
                "class_mean": means.get(key),
                "series": points,
                "chart": chart(points, references=indicator.aggregation != "sum")
                if sum(p["value"] is not None for p in points) >= 2
                else None,
            }
        )
    indicators.sort(key=lambda item: (item["indicator"].theme, item["indicator"].name))
    return {"indicators": indicators, "departement": departement, "region": region, "class": klass}


def compare(territories):
    """The value of every headline indicator for up to four territories, side by side: of the
    latest period every territory has, or else of the latest any has."""
    columns = [_by_key(territory_values(territory=t, headlines=True)) for t in territories]
    periods = defaultdict(lambda: defaultdict(int))
    indicators = {}
    for column in columns:
        for (indicator_id, period), row in column.items():
            periods[indicator_id][period] += 1
            indicators[indicator_id] = row["indicator"]
    rows = []
    for indicator_id, counts in periods.items():
        shared = [period for period, count in counts.items() if count == len(columns)]
        period = max(shared or counts)
        rows.append(
            {
                "indicator": indicators[indicator_id],
                "period": period,
                "values": [column.get((indicator_id, period)) for column in columns],
            }
        )
    rows.sort(key=lambda row: (row["indicator"].theme, row["indicator"].name))
    return rows


def resolve(query):
    """One territory for a name or code typed by a person, as the search finds it, or what
    was typed with the territories it could mean."""
    query = (query or "").strip()
    if not query:
        return None, None
    if "/" in query:
        level, _sep, code = query.partition("/")
        found = Territory.objects.filter(level=level, code=code).first()
        return (found, None) if found else (None, {"query": query, "candidates": []})
    matches = list(search_territories(query, limit=10))
    typed = fold(query)
    exact = [t for t in matches if query in (t.code, t.siren) or fold(t.name) == typed]
    if len(exact) == 1:
        return exact[0], None
    if len(matches) == 1:
        return matches[0], None
    return None, {"query": query, "candidates": exact or matches[:5]}

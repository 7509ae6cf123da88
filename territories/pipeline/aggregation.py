"""Aggregation of commune values to EPCI, département and région, with coverage.

A rate is never averaged: an aggregate is rebuilt from counts (numerator and denominator),
and one computed over partial coverage carries that coverage, or is withheld.

Coverage is measured on what the indicator counts: for a rate, the share of its denominator
(e.g. the persons of fiscal households for a Filosofi poverty rate) held by the communes whose
value is known — the census population would misjudge it where small, secret communes weigh
more in people than in fiscal households. Population is the measure only for an indicator
without a denominator, or where the denominator is itself unknown for some member commune.
"""

import numpy as np
import pandas as pd

from territories.catalogue.models import Indicator
from territories.choices import AGGREGATE_LEVELS, Aggregation, Level, ValueStatus
from territories.geography.models import Territory
from territories.pipeline import frames

FULL = 0.9995  # coverage treated as complete (rounding of populations)


def commune_frame():
    """Communes with their parents and population: the base every aggregate is drawn from."""
    rows = Territory.objects.filter(level=Level.COMMUNE).values_list(
        "id", "epci_id", "departement_id", "region_id", "population"
    )
    frame = pd.DataFrame.from_records(
        rows, columns=["territory_id", "epci", "departement", "region", "population"]
    )
    frame["population"] = frame["population"].fillna(0).astype(float)
    return frame


def aggregate(*, indicator_ids, communes=None, values=None):
    """Aggregate commune values of the given indicators to every higher level.

    Returns dicts ready for AggregateValue. `communes` and `values` may be given as frames
    (the benchmark measures this function alone).
    """
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=indicator_ids).select_related(
            "denominator", "numerator"
        )
    }
    needed = set(indicators)
    for indicator in indicators.values():
        needed |= {indicator.denominator_id, indicator.numerator_id} - {None}
    communes = commune_frame() if communes is None else communes
    if values is None:
        values = frames.commune_values(sorted(needed))
    rows = []
    for indicator in indicators.values():
        rows.extend(_aggregate_one(indicator, values, communes))
    return rows


def _aggregate_one(indicator, values, communes):
    own = values[values["indicator_id"] == indicator.pk]
    if own.empty:
        return []
    base = own[["territory_id", "period", "value"]]
    if indicator.aggregation in (Aggregation.RATIO, Aggregation.WEIGHTED_MEAN):
        if indicator.denominator_id is None:
            return []
        den = values[values["indicator_id"] == indicator.denominator_id][
            ["territory_id", "period", "value"]
        ].rename(columns={"value": "den"})
        base = base.merge(den, on=["territory_id", "period"], how="left")
        if indicator.numerator_id:
            num = values[values["indicator_id"] == indicator.numerator_id][
                ["territory_id", "period", "value"]
            ].rename(columns={"value": "num"})
            base = base.merge(num, on=["territory_id", "period"], how="left")
        else:
            # The commune's rate times its denominator gives back the numerator count.
            base["num"] = base["value"] * base["den"] / indicator.scale
        known = base["num"].notna() & base["den"].notna() & (base["den"] > 0)
    else:
        base["num"] = base["value"]
        base["den"] = 0.0
        known = base["value"].notna()
    base = base.assign(known=known)
    weights = _weights(indicator, values, communes)
    base = base.merge(communes, on="territory_id", how="inner")
    base["known_population"] = np.where(base["known"], base["population"], 0.0)
    base["num"] = np.where(base["known"], base["num"], 0.0)
    base["den"] = np.where(base["known"], base["den"], 0.0)
    rows = []
    for level in AGGREGATE_LEVELS:
        totals = communes.groupby(level).agg(
            members=("territory_id", "size"), population=("population", "sum")
        )
        grouped = (
            base.groupby([level, "period"])
            .agg(
                num=("num", "sum"),
                den=("den", "sum"),
                known_population=("known_population", "sum"),
                members_known=("known", "sum"),
            )
            .reset_index()
        )
        grouped = grouped.merge(totals, left_on=level, right_index=True, how="left")
        grouped = _with_weights(grouped, weights, level)
        for record in grouped.itertuples(index=False):
            rows.append(_aggregate_row(indicator, getattr(record, level), record))
    return rows


def _weights(indicator, values, communes):
    """Each commune's denominator by period, where the indicator has one and it is known."""
    if indicator.aggregation not in (Aggregation.RATIO, Aggregation.WEIGHTED_MEAN):
        return None
    if indicator.denominator_id is None:
        return None
    den = values[values["indicator_id"] == indicator.denominator_id]
    den = den[den["value"].notna() & (den["value"] > 0)]
    den = den[["territory_id", "period", "value"]].rename(columns={"value": "weight"})
    return den.merge(communes, on="territory_id", how="inner")


def _with_weights(grouped, weights, level):
    """Add each group's total weight, and how many of its communes have one."""
    if weights is None:
        return grouped.assign(weight=0.0, members_weighed=0)
    totals = (
        weights.groupby([level, "period"])
        .agg(weight=("weight", "sum"), members_weighed=("territory_id", "size"))
        .reset_index()
    )
    grouped = grouped.merge(totals, on=[level, "period"], how="left")
    return grouped.fillna({"weight": 0.0, "members_weighed": 0})


def coverage_of(record):
    """The share of the group's denominator (or, failing it, population) whose value is known."""
    if record.weight > 0 and record.members_weighed == record.members:
        return min(record.den / record.weight, 1.0)
    return min(record.known_population / record.population, 1.0) if record.population else 0.0


def _aggregate_row(indicator, territory_id, record):
    coverage = coverage_of(record)
    if indicator.aggregation == Aggregation.SUM:
        value = record.num
        small = False
    else:
        value = indicator.scale * record.num / record.den if record.den > 0 else None
        small = record.den < indicator.min_count
    if value is None or record.members_known == 0 or coverage < indicator.min_coverage or small:
        status, value = ValueStatus.WITHHELD, None
    elif coverage >= FULL:
        status = ValueStatus.OK
    else:
        status = ValueStatus.PARTIAL
    return {
        "indicator_id": indicator.pk,
        "territory_id": int(territory_id),
        "period": int(record.period),
        "value": None if value is None else float(value),
        "coverage": float(coverage),
        "members": int(record.members),
        "members_known": int(record.members_known),
        "status": status,
    }

"""Composite indexes, computed by the pipeline (a step of recompute_finish).

An index combines normalised indicators of one level with the analyst's weights. It is
written as the AggregateValue rows of its own indicator, so that maps, portraits and the
API read it like any other value; its CompositeResult says how many territories it covers
and how much the ranks depend on each weight.
"""

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Q

from territories.analyses.models import CompositeIndex, CompositeResult
from territories.catalogue.models import IndicatorValue
from territories.choices import Level, Normalisation, ValueStatus
from territories.geography.models import Territory
from territories.pipeline.models import AggregateValue

KNOWN = [ValueStatus.OK, ValueStatus.PARTIAL]
MOVERS = 10
SENSITIVITY_FACTORS = {"halved": 0.5, "doubled": 2.0}


class CompositeError(Exception):
    """A composite that cannot be computed with the data of this run."""


def column(pair):
    """The column of an (indicator_id, period) pair in a values matrix."""
    return f"{pair[0]}@{pair[1]}"


def values_matrix(*, run_id, level, pairs):
    """Known values of (indicator_id, period) pairs for every territory of a level.

    Returns a DataFrame indexed by territory id (every territory of the level, in code
    order), one column per pair (named by `column`), NaN where the value is not known.
    Communes read their imported values and what the pipeline computed for them in this
    run (composites); other levels read this run's aggregates.
    """
    territories = list(
        Territory.objects.filter(level=level).order_by("code").values_list("pk", flat=True)
    )
    found = {column(pair): {} for pair in pairs}
    if pairs and territories:
        wanted = Q()
        for indicator_id, period in pairs:
            wanted |= Q(indicator_id=indicator_id, period=period)
        rows = []
        if level == Level.COMMUNE:
            rows += IndicatorValue.objects.filter(
                wanted, territory__level=level, status=ValueStatus.OK, value__isnull=False
            ).values_list("territory_id", "indicator_id", "period", "value")
        if run_id is not None:
            rows += AggregateValue.objects.filter(
                wanted,
                run_id=run_id,
                territory__level=level,
                status__in=KNOWN,
                value__isnull=False,
            ).values_list("territory_id", "indicator_id", "period", "value")
        for territory_id, indicator_id, period, value in rows:
            found[column((indicator_id, period))][territory_id] = value
    index = pd.Index(territories, name="territory_id")
    return pd.DataFrame(
        {name: pd.Series(values, dtype=float) for name, values in found.items()},
        index=index,
        columns=list(found),
        dtype=float,
    )


def normalise(values, method):
    """Put one component on a common scale: z-score, min-max 0–1 or rank 0–1."""
    values = values.astype(float)
    if method == Normalisation.MINMAX:
        spread = values.max() - values.min()
        return (values - values.min()) / spread if spread > 0 else values * 0.0
    if method == Normalisation.RANK:
        if len(values) < 2:
            return values * 0.0
        return (values.rank(method="average") - 1) / (len(values) - 1)
    # Population standard deviation: the territories are the whole population, not a sample.
    spread = values.std(ddof=0)
    return (values - values.mean()) / spread if spread > 0 else values * 0.0


def combine(normalised, weights):
    """Σ weight·normalised / Σ|weight|, per territory."""
    weights = np.asarray(weights, dtype=float)
    return normalised.to_numpy() @ weights / np.abs(weights).sum()


def ranks(index):
    """Rank 1 for the highest index (the most fragile with the default polarity)."""
    return pd.Series(index).rank(method="min", ascending=False).to_numpy()


def index_compute(*, components, normalisation, matrix):
    """The index over the territories with every component, and the excluded count.

    `components` are dicts with pair, weight and reverse; `matrix` comes from values_matrix.
    """
    if not components:
        raise CompositeError("The index has no component.")
    weights = [float(c["weight"]) for c in components]
    if np.abs(weights).sum() == 0:
        raise CompositeError("The weights add up to zero.")
    columns = [column(c["pair"]) for c in components]
    complete = matrix[columns].dropna()
    if complete.empty:
        raise CompositeError("No territory has a value for every component.")
    normalised = pd.DataFrame(index=complete.index)
    for component in components:
        raw = complete[column(component["pair"])]
        # A reversed component counts a higher value as less fragile: flip it before
        # normalising, which is the same as 1 − normalised for min-max and rank.
        normalised[column(component["pair"])] = normalise(
            -raw if component["reverse"] else raw, normalisation
        )
    index = combine(normalised, weights)
    return complete.index, normalised, weights, index, len(matrix) - len(complete)


def sensitivity_compute(*, territory_ids, normalised, weights, index, names):
    """How ranks move when each weight alone is halved or doubled.

    `names` maps a territory id to (code, name); returns per component the mean and max
    absolute rank change, and the territories whose rank moves most overall.
    """
    base = ranks(index)
    per_component = []
    largest = np.zeros(len(base))
    cause = [None] * len(base)
    for position in range(len(weights)):
        entry = {}
        for variation, factor in SENSITIVITY_FACTORS.items():
            changed = list(weights)
            changed[position] = weights[position] * factor
            moves = np.abs(ranks(combine(normalised, changed)) - base)
            entry[variation] = {"mean": float(moves.mean()), "max": float(moves.max())}
            for i in np.flatnonzero(moves > largest):
                largest[i] = moves[i]
                cause[i] = (position, variation)
        per_component.append(entry)
    order = sorted(range(len(base)), key=lambda i: (-largest[i], base[i]))[:MOVERS]
    movers = []
    for i in order:
        if largest[i] == 0:
            break
        code, name = names[territory_ids[i]]
        movers.append(
            {
                "code": code,
                "name": name,
                "rank": int(base[i]),
                "change": int(largest[i]),
                "component": cause[i][0],
                "variation": cause[i][1],
            }
        )
    return per_component, movers


def composite_components(composite):
    return [
        {
            "pair": (c.indicator_id, c.period),
            "indicator": c.indicator,
            "period": c.period,
            "weight": c.weight,
            "reverse": c.reverse,
        }
        for c in sorted(composite.components.all(), key=lambda c: c.pk)
    ]


def composite_compute(*, composite, run_id):
    """Compute one composite for a run: its values and its CompositeResult."""
    components = composite_components(composite)
    matrix = values_matrix(
        run_id=run_id, level=composite.level, pairs=[c["pair"] for c in components]
    )
    try:
        territory_ids, normalised, weights, index, excluded = index_compute(
            components=components, normalisation=composite.normalisation, matrix=matrix
        )
    except CompositeError as exc:
        CompositeResult.objects.create(
            run_id=run_id, composite=composite, excluded=len(matrix), error=str(exc)
        )
        return 0
    names = {
        pk: (code, name)
        for pk, code, name in Territory.objects.filter(pk__in=list(territory_ids)).values_list(
            "pk", "code", "name"
        )
    }
    per_component, movers = sensitivity_compute(
        territory_ids=list(territory_ids),
        normalised=normalised,
        weights=weights,
        index=index,
        names=names,
    )
    sensitivity = {
        "components": [
            {
                "indicator": c["indicator"].slug,
                "name": c["indicator"].name,
                "period": c["period"],
                "weight": c["weight"],
                "reverse": c["reverse"],
                **entry,
            }
            for c, entry in zip(components, per_component, strict=True)
        ],
        "movers": [
            {**m, "component": components[m["component"]]["indicator"].slug} for m in movers
        ],
    }
    AggregateValue.objects.bulk_create(
        [
            AggregateValue(
                run_id=run_id,
                indicator_id=composite.indicator_id,
                territory_id=int(territory_id),
                period=composite.period,
                value=float(value),
                coverage=1.0,
                members=1,
                members_known=1,
                status=ValueStatus.OK,
            )
            for territory_id, value in zip(territory_ids, index, strict=True)
        ],
        batch_size=2000,
    )
    CompositeResult.objects.create(
        run_id=run_id,
        composite=composite,
        territories=len(territory_ids),
        excluded=excluded,
        sensitivity=sensitivity,
    )
    return len(territory_ids)


def compute(*, run_id):
    """Compute every CompositeIndex for this run; return stats.

    Replaces what an earlier attempt wrote for the run. Composites are computed in the
    order they were created, so an index may use an older index as a component.
    """
    composites = list(
        CompositeIndex.objects.select_related("indicator")
        .prefetch_related("components__indicator")
        .order_by("pk")
    )
    values = 0
    with transaction.atomic():
        CompositeResult.objects.filter(run_id=run_id).delete()
        AggregateValue.objects.filter(
            run_id=run_id, indicator_id__in=[c.indicator_id for c in composites]
        ).delete()
        for composite in composites:
            values += composite_compute(composite=composite, run_id=run_id)
    return {"composites": len(composites), "values": values}

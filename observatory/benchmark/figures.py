"""What the benchmark reads of the validated returns, and each row's measures.

`validated_contributions()` is the frame `benchmark_compute` takes when the recompute does
not hand it one: one row per establishment × profession × campaign year, from the latest
validated version of each return (ReturnVersion), with the establishment's organisation
(`employer`), sector and territories. `measure_values(rows, measures=)` computes, for every
row, the measures of observatory.indicators.definitions from that row's own figures, with
the indicators' formulas (sums divided by sums, never a mean of rates).
"""

import numpy as np
import pandas as pd
from django.db.models import Max

from observatory.indicators.definitions import BY_SLUG, DEPARTURES
from observatory.returns.fields import NAMES
from observatory.returns.models import ReturnVersion

IDENTITY = ("year", "establishment", "employer", "sector", "departement", "epci", "region")
DAYS_PER_YEAR = 365


def validated_contributions():
    """The validated figures, one row per establishment × profession × year. Two queries."""
    latest = (
        ReturnVersion.objects.values("return_obj_id")
        .annotate(number=Max("number"))
        .values_list("return_obj_id", "number")
    )
    wanted = dict(latest)
    rows = []
    versions = ReturnVersion.objects.filter(return_obj_id__in=list(wanted)).values_list(
        "return_obj_id",
        "number",
        "lines",
        "return_obj__campaign__year",
        "return_obj__establishment_id",
        "return_obj__establishment__organisation_id",
        "return_obj__establishment__sector_id",
        "return_obj__establishment__commune__departement_id",
        "return_obj__establishment__commune__epci_id",
        "return_obj__establishment__commune__region_id",
    )
    for return_id, number, lines, *identity in versions:
        if wanted.get(return_id) != number:
            continue
        for profession, figures in (lines or {}).items():
            rows.append((*identity, profession, *(_float(figures.get(name)) for name in NAMES)))
    return pd.DataFrame.from_records(rows, columns=[*IDENTITY, "profession", *NAMES])


def _float(value):
    if value is None or value == "":
        return np.nan
    return float(value)


def _ratio(numerator, denominator, scale):
    denominator = denominator.astype(float)
    return scale * numerator.astype(float) / denominator.where(denominator > 0)


def measure_values(rows, *, measures):
    """`rows` with a column per measure slug of `measures`, from each row's figures."""
    rows = rows.copy()
    average = (rows["headcount"] + rows["headcount_start"]) / 2
    for slug in measures:
        measure = BY_SLUG[slug]
        if slug == "effectif":
            values = rows["headcount"].astype(float)
        elif measure.numerator:
            values = _ratio(
                rows[list(measure.numerator)].sum(axis=1, min_count=1),
                rows[list(measure.denominator)].sum(axis=1, min_count=1),
                measure.scale,
            )
        elif slug == "rotation":
            moves = rows["hires"] + rows[list(DEPARTURES)].sum(axis=1, min_count=len(DEPARTURES))
            values = _ratio(moves / 2, average, 100.0)
        elif slug == "taux-demission":
            values = _ratio(rows["departures_resignation"], average, 100.0)
        elif slug == "absenteisme":
            days = rows["absence_days_sickness"] + rows["absence_days_work_accident"]
            values = _ratio(days, rows["fte"] * DAYS_PER_YEAR, 100.0)
        else:
            raise ValueError(f"The benchmark has no formula for the measure {slug!r}.")
        rows[slug] = values
    return rows

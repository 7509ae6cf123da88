"""What the workforce indicators and the employers' benchmark read of the returns, and the
measures' formulas.

`validated_contributions()`: one row per establishment × profession × campaign year, from
the latest validated version of each return (ReturnVersion: a return reopened for a
correction counts with its last validated figures), with the establishment's organisation
(`employer`), sector, kind of employer and territories. `measure_values(rows, measures=)`
computes, for every row (an establishment's line, or a cell's sums), the measures of
observatory.indicators.definitions from its figures: sums divided by sums, never a mean of
rates.
"""

import json

import pandas as pd
from django.db import connection

from observatory.indicators.definitions import BY_SLUG, DEPARTURES
from observatory.returns.fields import NAMES
from observatory.returns.models import ReturnVersion

IDENTITY = (
    "year",
    "establishment",
    "employer",
    "sector",
    "employer_kind",
    "departement",
    "epci",
    "region",
)
DAYS_PER_YEAR = 365


def validated_contributions():
    """The validated figures, one row per establishment × profession × year. One query: the
    versions newest first, the first seen of each return kept."""
    versions = ReturnVersion.objects.order_by("return_obj_id", "-number").values_list(
        "return_obj_id",
        "lines",
        "return_obj__campaign__year",
        "return_obj__establishment_id",
        "return_obj__establishment__organisation_id",
        "return_obj__establishment__sector_id",
        "return_obj__establishment__employer_kind_id",
        "return_obj__establishment__commune__departement_id",
        "return_obj__establishment__commune__epci_id",
        "return_obj__establishment__commune__region_id",
    )
    # The ORM's query, read through a plain cursor: at the benchmark's scale (ten thousand
    # versions) building a Python object per row costs more than reading the figures.
    sql, params = versions.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    identities, figures, seen = [], [], set()
    for return_id, lines, *identity in rows:
        if return_id in seen:
            continue
        seen.add(return_id)
        if isinstance(lines, str):
            lines = json.loads(lines)
        for profession, values in (lines or {}).items():
            identities.append((*identity, profession))
            figures.append(values)
    frame = pd.DataFrame.from_records(identities, columns=[*IDENTITY, "profession"])
    numbers = pd.DataFrame.from_records(figures, columns=list(NAMES))
    numbers = numbers.apply(pd.to_numeric, errors="coerce").astype(float)
    return pd.concat([frame, numbers], axis=1)


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
            raise ValueError(f"No row-wise formula for the measure {slug!r}.")
        rows[slug] = values
    return rows

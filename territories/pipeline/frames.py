"""Bulk reads and writes between the database and pandas, for the recompute pipeline.

The ORM builds one Python object per row; at the scale of a country (ten million values)
that costs more than the aggregation itself. PostgreSQL streams rows with COPY; other
databases go through plain cursors in batches.
"""

import io

import numpy as np
import pandas as pd
from django.db import connection

from territories.catalogue.models import IndicatorValue
from territories.geography.models import Territory
from territories.pipeline.models import AggregateValue

VALUE_COLUMNS = ["indicator_id", "territory_id", "period", "value"]


def commune_values(indicator_ids):
    """Values of these indicators for communes, as a DataFrame (value NaN when unknown)."""
    values = IndicatorValue._meta.db_table
    territories = Territory._meta.db_table
    ids = ",".join(str(int(i)) for i in indicator_ids) or "NULL"
    sql = (
        f"SELECT v.indicator_id, v.territory_id, v.period, v.value FROM {values} v "  # noqa: S608
        f"JOIN {territories} t ON t.id = v.territory_id "
        f"WHERE t.level = 'commune' AND v.indicator_id IN ({ids})"
    )
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy,
        ):
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        return pd.read_csv(
            buffer,
            names=VALUE_COLUMNS,
            dtype={
                "indicator_id": np.int32,
                "territory_id": np.int64,
                "period": np.int16,
                "value": np.float64,
            },
        )
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(500_000):
            parts.append(pd.DataFrame.from_records(rows, columns=VALUE_COLUMNS))
    if not parts:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["value"] = frame["value"].astype(float)
    return frame


AGGREGATE_COLUMNS = [
    "run_id",
    "indicator_id",
    "territory_id",
    "period",
    "value",
    "coverage",
    "members",
    "members_known",
    "status",
]


def aggregates_write(run_id, rows):
    """Insert aggregate rows (dicts as the pipeline makes them) for one run."""
    table = AggregateValue._meta.db_table
    records = [
        (
            run_id,
            r["indicator_id"],
            r["territory_id"],
            r["period"],
            r["value"],
            r["coverage"],
            r["members"],
            r["members_known"],
            r["status"],
        )
        for r in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {table} ({', '.join(AGGREGATE_COLUMNS)}) FROM STDIN"
            ) as copy:
                for record in records:
                    copy.write_row(record)
        else:
            placeholders = ", ".join(["%s"] * len(AGGREGATE_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(AGGREGATE_COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
                records,
            )
    return len(records)

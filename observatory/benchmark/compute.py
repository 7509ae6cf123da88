"""The benchmark's groups and each establishment's place in them, computed at recompute time
from the validated figures (observatory.indicators.contributions) and stored for the run:
requests read them and compute nothing.

An establishment is compared with two groups each year:

- similar employers: the establishments of the same sector, in the same département, whose
  total headcount (every profession it declared) falls in the same size band;
- its territory: every establishment of the same EPCI.

Within a group, for each profession (and all professions together) and each measure, the
distribution is that of the establishments' own values, each computed from its own figures
with the indicators' formulas (observatory.benchmark.figures). A comparison is shown only
where at least MIN_OTHER_EMPLOYERS employers besides the establishment's own organisation
give a value and no employer holds more than MAX_SHARE of the headcount of those giving
one; otherwise the page says the group is too small (secret statistique). What leaves the
server is the establishment's place (a quartile band and a percentile rounded to 5) and,
for the larger groups, the group's quartiles — never a member's value:

- a quantile of a small group is a member's value (the median of an odd count), or a
  simple mix of two, which an employer knowing its own value and rank could solve. So
  each quartile shown is the mean of the 3 values around it (a window centred on the
  quantile's rank), and only where those 3 values come from 3 different employers: as in
  the tables' secrecy, a figure is never fewer than 3 employers', and an employer inside a
  window learns at most the mean of two others';
- the three windows must not overlap, or their differences would give single values
  away: the group needs MIN_QUARTILE_VALUES values (the quartiles' ranks then lie at
  least 3 apart);
- they are rounded to QUARTILE_DIGITS significant digits.
"""

import time

import numpy as np
import pandas as pd
from django.db import transaction

from observatory.benchmark.models import BenchmarkGroup, BenchmarkKind, BenchmarkPosition, SizeBand
from observatory.indicators.contributions import measure_values, validated_contributions
from observatory.indicators.definitions import ALL_PROFESSIONS, MEASURES
from observatory.returns.fields import NAMES
from territories.choices import RunState
from territories.pipeline.models import PipelineRun

MIN_OTHER_EMPLOYERS = 5
MIN_QUARTILE_VALUES = 13  # (13 − 1) / 4 = 3: the quartiles' windows of 3 never overlap
WINDOW = 3  # each quartile shown is the mean of this many values, of as many employers
QUARTILE_DIGITS = 2  # significant digits of the quartiles shown
# An employer's board compares this year with the last ones, not with the first survey:
# the benchmark keeps the latest campaigns only (its positions weigh per establishment).
YEARS_KEPT = 3
MAX_SHARE = 0.85
# An establishment's density of staff per inhabitant means nothing, and the tension index
# standardises published cells, not establishments: the benchmark leaves them out.
MEASURE_SLUGS = tuple(m.slug for m in MEASURES if m.slug not in ("densite-etp", "indice-tension"))
# Upper bounds of the size bands (total headcount), in order.
BANDS = ((10, SizeBand.UNDER_10), (50, SizeBand.FROM_10), (250, SizeBand.FROM_50))
STORED_DECIMALS = 4

# Where an establishment's value stands against its group's quartiles.
LOWEST, SECOND, MEDIAN, THIRD, HIGHEST = "lowest", "second", "median", "third", "highest"

KEYS = {BenchmarkKind.SIMILAR: "similar_key", BenchmarkKind.TERRITORY: "territory_key"}
IDENTITY = ["year", "establishment", "employer", "sector", "departement", "epci"]


def size_band(headcount):
    for upper, band in BANDS:
        if headcount < upper:
            return band
    return SizeBand.FROM_250


def establishment_rows(contributions):
    """One row per establishment × profession and per establishment (profession '*') and
    year, with its identity, its group keys and its value of each measure.

    `contributions` has a row per establishment × profession × year with the columns of
    IDENTITY, `profession` and the figures of observatory.returns.fields (others ignored),
    as observatory.indicators.contributions.validated_contributions gives it."""
    figures = [name for name in NAMES if name in contributions.columns]
    lines = contributions[[*IDENTITY, "profession", *figures]].copy()
    lines[figures] = lines[figures].apply(pd.to_numeric, errors="coerce").astype(float)
    by = lines.groupby(["year", "establishment"], sort=False)
    others = [column for column in IDENTITY if column not in ("year", "establishment")]
    totals = pd.concat([by[others].first(), by[figures].sum(min_count=1)], axis=1).reset_index()
    totals["profession"] = ALL_PROFESSIONS
    rows = pd.concat([lines, totals], ignore_index=True)
    rows = measure_values(rows, measures=MEASURE_SLUGS)
    rows["headcount"] = rows["headcount"].fillna(0)
    band = totals.set_index(["year", "establishment"])["headcount"].fillna(0).map(size_band)
    rows["size_band"] = band.reindex(
        pd.MultiIndex.from_frame(rows[["year", "establishment"]])
    ).values
    rows["similar_key"] = _key(rows, ["sector", "departement", "size_band"])
    rows["territory_key"] = _key(rows, ["epci"])
    return rows


def _key(rows, columns):
    parts = [rows[c].astype("string") for c in columns]
    key = parts[0]
    for part in parts[1:]:
        key = key + ":" + part
    return key.where(rows[columns].notna().all(axis=1))


def _long(rows):
    """One row per establishment × profession × measure with a value."""
    long = rows.melt(
        id_vars=[
            "year",
            "establishment",
            "employer",
            "profession",
            "headcount",
            "similar_key",
            "territory_key",
        ],
        value_vars=list(MEASURE_SLUGS),
        var_name="measure",
        value_name="value",
    )
    long["value"] = pd.to_numeric(long["value"], errors="coerce").astype(float)
    long.loc[~np.isfinite(long["value"]), "value"] = np.nan
    return long


def _placed(long, key):
    """The distributions of one kind of group and where each member stands in them.

    Returns (stats, places): stats per group × profession × measure — its sorted values,
    how many, how many employers, the largest employer's share of their headcount and the
    quartiles —; places per row of `long` inside a group — whether the comparison is
    shown, the rounded percentile and the quartile band of its value."""
    by = ["year", key, "profession", "measure"]
    inside = long[long[key].notna()]
    known = inside[inside["value"].notna()].sort_values([*by, "value"])
    grouped = known.groupby(by, sort=False)
    stats = grouped["value"].agg(values="size")
    # `known` is sorted by group then value, and the groups come in that order: each
    # group's sorted values are a slice of the column.
    ends = np.cumsum(stats["values"].to_numpy())[:-1]
    stats["sorted_values"] = [
        part.tolist() for part in np.split(known["value"].round(STORED_DECIMALS).to_numpy(), ends)
    ]
    stats["employers"] = grouped["employer"].nunique()
    per_employer = known.groupby([*by, "employer"], sort=False)["headcount"].sum()
    heads = per_employer.groupby(level=by, sort=False)
    total = heads.sum()
    stats["largest"] = (heads.max() / total.where(total > 0)).reindex(stats.index)
    # The exact quartiles place each member in its band; they are not stored.
    quartiles = grouped["value"].quantile([0.25, 0.5, 0.75]).unstack()
    stats[["q1", "median", "q3"]] = quartiles.reindex(stats.index).to_numpy()
    shown_quartiles = _windowed_quartiles(
        known["value"].to_numpy(), known["employer"].to_numpy(), stats["values"].to_numpy()
    )
    stats[["shown_q1", "shown_median", "shown_q3"]] = shown_quartiles

    frame = inside[[*by, "employer", "value"]].join(
        stats[["values", "employers", "largest", "q1", "median", "q3"]], on=by
    )
    own = pd.MultiIndex.from_frame(frame[[*by, "employer"]]).isin(per_employer.index)
    shown = ((frame["employers"] - own) >= MIN_OTHER_EMPLOYERS) & (frame["largest"] <= MAX_SHARE)
    rank = grouped["value"].rank(method="average").reindex(frame.index)
    value = frame["value"]
    placed = shown & value.notna()
    percentile = np.floor(100 * (rank - 0.5) / frame["values"] / 5 + 0.5) * 5
    band = np.select(
        [
            np.isclose(value, frame["median"], rtol=1e-9, atol=1e-9),
            value < frame["q1"],
            value < frame["median"],
            value <= frame["q3"],
        ],
        [MEDIAN, LOWEST, SECOND, THIRD],
        default=HIGHEST,
    )
    places = pd.DataFrame(
        {
            "shown": shown,
            "percentile": percentile.where(placed),
            "band": pd.Series(band, index=frame.index).where(placed),
        },
        index=frame.index,
    )
    return stats, places


def _windowed_quartiles(values, employers, counts):
    """The quartiles that may be shown, one row per group (NaN where they may not): the
    mean of the WINDOW values centred on each quartile's rank, where the group has
    MIN_QUARTILE_VALUES values and the window's come from WINDOW different employers,
    rounded to QUARTILE_DIGITS significant digits.

    `values` and `employers` hold the groups' members one group after another, each
    group's sorted by value; `counts` says how many each group has."""
    counts = np.asarray(counts, dtype=np.int64)
    found = np.full((len(counts), 3), np.nan)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    large = np.flatnonzero(counts >= MIN_QUARTILE_VALUES)
    offsets = np.arange(WINDOW) - WINDOW // 2
    for column, share in enumerate((0.25, 0.5, 0.75)):
        centre = np.floor(share * (counts[large] - 1) + 0.5).astype(np.int64)
        window = (starts[large] + centre)[:, None] + offsets
        ranked = np.sort(employers[window], axis=1)
        distinct = 1 + (np.diff(ranked, axis=1) != 0).sum(axis=1)
        means = values[window].mean(axis=1)
        found[large, column] = np.where(distinct == WINDOW, _significant(means), np.nan)
    return found


def _significant(values):
    """Rounded to QUARTILE_DIGITS significant digits (0 stays 0)."""
    magnitude = np.floor(np.log10(np.abs(np.where(values == 0, 1, values))))
    scale = 10.0 ** (QUARTILE_DIGITS - 1 - magnitude)
    return np.round(values * scale) / scale


def benchmark_compute(run_id, contributions=None):
    """Write the run's benchmark groups and positions from the validated figures (the
    recompute's frame, or validated_contributions() when none is given); running it again
    for the run replaces them. Drops those of finished runs no reader sees any more."""
    started = time.monotonic()
    if contributions is None:
        contributions = validated_contributions()
    if len(contributions):
        kept = sorted(contributions["year"].unique())[-YEARS_KEPT:]
        contributions = contributions[contributions["year"].isin(kept)]
    groups, positions = _computed(contributions)
    with transaction.atomic():
        BenchmarkPosition.objects.filter(run_id=run_id).delete()
        BenchmarkGroup.objects.filter(run_id=run_id).delete()
        made = BenchmarkGroup.objects.bulk_create(
            (BenchmarkGroup(run_id=run_id, **group) for group in groups.values()), batch_size=500
        )
        by_key = {(g.year, g.kind, g.key): g for g in made}
        BenchmarkPosition.objects.bulk_create(
            (
                BenchmarkPosition(
                    run_id=run_id,
                    year=position["year"],
                    establishment_id=position["establishment"],
                    similar=by_key.get(
                        (position["year"], BenchmarkKind.SIMILAR, position["similar"])
                    ),
                    territory=by_key.get(
                        (position["year"], BenchmarkKind.TERRITORY, position["territory"])
                    ),
                    headcount=position["headcount"],
                    comparisons=position["comparisons"],
                )
                for position in positions
            ),
            batch_size=500,
        )
        _forget_old_runs(run_id)
    return {
        "groups": len(made),
        "positions": len(positions),
        "seconds": round(time.monotonic() - started, 3),
    }


def _forget_old_runs(run_id):
    """Keep the run, the published one, and the latest published one whose benchmark is
    computed (readers see it until a newer run's benchmark is there)."""
    published = PipelineRun.objects.filter(state=RunState.SUCCEEDED).order_by("-pk")
    kept = [
        run_id,
        published.values_list("pk", flat=True).first() or 0,
        published.filter(benchmark_groups__isnull=False)
        .exclude(pk=run_id)
        .values_list("pk", flat=True)
        .first()
        or 0,
    ]
    finished = PipelineRun.objects.filter(state__in=[RunState.SUCCEEDED, RunState.FAILED]).exclude(
        pk__in=kept
    )
    BenchmarkPosition.objects.filter(run__in=finished).delete()
    BenchmarkGroup.objects.filter(run__in=finished).delete()


def _number(value):
    return None if value is None or value != value else round(float(value), STORED_DECIMALS)


def _computed(contributions):
    """({(year, kind, key): group fields}, [position fields]) from the figures."""
    if contributions is None or len(contributions) == 0:
        return {}, []
    rows = establishment_rows(contributions)
    long = _long(rows)
    groups = {}
    places = {}
    for kind, key in KEYS.items():
        stats, places[kind] = _placed(long, key)
        groups |= _groups_of(kind, key, rows, stats)
    comparisons = {}
    columns = [long[c].tolist() for c in ("year", "establishment", "profession", "measure")]
    values = long["value"].round(STORED_DECIMALS).tolist()
    for row in zip(
        *columns, values, *(_places(places[kind], len(long)) for kind in KEYS), strict=True
    ):
        year, establishment, profession, measure, value, similar, territory = row
        comparisons.setdefault((year, establishment), {}).setdefault(profession, {})[measure] = [
            None if value != value else value,
            similar,
            territory,
        ]
    positions = []
    firsts = rows[rows["profession"] == ALL_PROFESSIONS]
    for row in firsts.itertuples(index=False):
        positions.append(
            {
                "year": int(row.year),
                "establishment": int(row.establishment),
                "similar": _text(row.similar_key),
                "territory": _text(row.territory_key),
                "headcount": int(row.headcount),
                "comparisons": comparisons.get((row.year, row.establishment), {}),
            }
        )
    return groups, positions


def _places(places, count):
    """Where each row of `long` stands in its group of one kind, as stored in a position:
    None where it is in no group of this kind, 0 where the group is too small (secret),
    [percentile, band] where it is compared (both None when it has no value itself)."""
    found = np.full(count, None, dtype=object)
    index = places.index.to_numpy()
    shown = places["shown"].to_numpy(dtype=bool)
    placed = shown & places["percentile"].notna().to_numpy()
    found[index[~shown]] = 0
    unplaced = index[shown & ~placed]
    found[unplaced] = np.fromiter(
        ([None, None] for _ in unplaced), dtype=object, count=len(unplaced)
    )
    pairs = zip(
        places["percentile"].to_numpy()[placed].astype(int).tolist(),
        places["band"].to_numpy()[placed].tolist(),
        strict=True,
    )
    found[index[placed]] = np.fromiter(
        ([percentile, band] for percentile, band in pairs), dtype=object, count=int(placed.sum())
    )
    return found.tolist()


def _text(value):
    return value if isinstance(value, str) else None


def _groups_of(kind, key, rows, stats):
    """The groups of one kind, {(year, kind, key): fields}, with their distributions."""
    similar = kind == BenchmarkKind.SIMILAR
    members = rows[rows[key].notna() & (rows["profession"] == ALL_PROFESSIONS)]
    counted = members.groupby(["year", key], sort=False).agg(
        employers=("employer", "nunique"),
        establishments=("establishment", "nunique"),
        sector=("sector", "first"),
        departement=("departement", "first"),
        epci=("epci", "first"),
        size_band=("size_band", "first"),
    )
    groups = {}
    for (year, group_key), found in counted.iterrows():
        groups[(year, kind, group_key)] = {
            "year": int(year),
            "kind": kind,
            "key": group_key,
            "sector_id": int(found["sector"]) if similar else None,
            "territory_id": int(found["departement"] if similar else found["epci"]),
            "size_band": found["size_band"] if similar else "",
            "employers": int(found["employers"]),
            "establishments": int(found["establishments"]),
            "distributions": {},
            "summaries": {},
        }
    summaries = stats.drop(columns="sorted_values")
    for (year, group_key, profession, measure), values in stats["sorted_values"].items():
        groups[(year, kind, group_key)]["distributions"].setdefault(profession, {})[measure] = (
            values
        )
    for found in summaries.itertuples():
        year, group_key, profession, measure = found.Index
        summary = {
            "values": int(found.values),
            "employers": int(found.employers),
            "largest": _number(found.largest),
        }
        quartiles = [found.shown_q1, found.shown_median, found.shown_q3]
        if (
            found.employers > MIN_OTHER_EMPLOYERS
            and found.largest <= MAX_SHARE
            and all(q == q for q in quartiles)
        ):
            names = ("q1", "median", "q3")
            summary |= {q: _number(value) for q, value in zip(names, quartiles, strict=True)}
        groups[(year, kind, group_key)]["summaries"].setdefault(profession, {})[measure] = summary
    return groups

"""The workforce indicators' values per cell (year × profession or all professions × EPCI,
département or région), from the sums of the validated figures in the cell.

Every measure of a cell is computed from the cell's sums (observatory.indicators.
contributions.measure_values: sums divided by sums); two need more than the returns:
the density divides the full-time equivalents by the people the profession serves, counted
by the territories' catalogue (each commune's value of its own period nearest the year,
summed per territory where every commune has one), and the tension index standardises its
components over the published cells (definitions, « indice-tension »).
"""

import numpy as np
import pandas as pd

from observatory.indicators.contributions import measure_values
from observatory.indicators.definitions import ALL_PROFESSIONS, MEASURES, TENSION_COMPONENTS
from observatory.returns.fields import NAMES
from territories.catalogue.models import Indicator
from territories.choices import AGGREGATE_LEVELS
from territories.pipeline import frames
from territories.pipeline.aggregation import commune_frame

KEY = ["year", "profession", "level", "territory"]
ROW_WISE = [m.slug for m in MEASURES if m.slug not in ("densite-etp", "indice-tension")]
POPULATION = "population"  # the catalogue's count of inhabitants, for the density


def cell_sums(contributions):
    """The sums of every figure per cell, with '*' for all professions."""
    frames_ = []
    for level in AGGREGATE_LEVELS:
        lines = contributions[contributions[level].notna()]
        for by_profession in (True, False):
            keys = ["year", "profession", level] if by_profession else ["year", level]
            sums = lines.groupby(keys)[list(NAMES)].sum(min_count=1).reset_index()
            if not by_profession:
                sums["profession"] = ALL_PROFESSIONS
            sums = sums.rename(columns={level: "territory"}).assign(level=str(level))
            frames_.append(sums)
    cells = pd.concat(frames_, ignore_index=True)
    cells["territory"] = cells["territory"].astype(int)
    cells["year"] = cells["year"].astype(int)
    return cells


def cell_values(contributions, professions, published):
    """One row per cell (KEY) with a column per measure slug.

    `professions`: {code: Profession} (for the people each serves); `published`: a boolean
    Series on KEY telling which cells are published (the tension index standardises over
    those only)."""
    cells = measure_values(cell_sums(contributions), measures=ROW_WISE)
    cells["densite-etp"] = _density(cells, professions)
    cells["indice-tension"] = _tension(cells, published)
    return cells


def _density(cells, professions):
    """Full-time equivalents per `served_per` people served (inhabitants by default)."""
    served_by = {
        code: (p.served_indicator or POPULATION, p.served_per if p.served_indicator else 10_000)
        for code, p in professions.items()
    }
    slugs = {slug for slug, _per in served_by.values()} | {POPULATION}
    counts = _served_counts(slugs, sorted(cells["year"].unique()))
    slug = cells["profession"].map(lambda code: served_by.get(code, (POPULATION, 10_000))[0])
    per = cells["profession"].map(lambda code: served_by.get(code, (POPULATION, 10_000))[1])
    keys = pd.MultiIndex.from_arrays([slug, cells["territory"], cells["year"]])
    served = pd.Series(counts.reindex(keys).to_numpy(dtype=float), index=cells.index)
    return cells["fte"] * per / served.where(served > 0)


def _served_counts(slugs, years):
    """People served, as a Series on (slug, territory id, year): each commune's value of its
    own period nearest the year and not after it (else its earliest after), summed per
    territory. A territory is counted only when every one of its communes has a value: one
    missing would understate the people and overstate the density.

    Each commune has its own periods (a newer census for one commune must not leave the
    others out); a commune's unknown value (NaN) counts as no value at that period."""
    empty = pd.Series(
        dtype=float,
        index=pd.MultiIndex.from_arrays([[], [], []], names=["slug", "territory", "year"]),
    )
    ids = dict(Indicator.objects.filter(slug__in=slugs).values_list("pk", "slug"))
    if not ids or not len(years):
        return empty
    values = frames.commune_values(sorted(ids))
    values = values[values["value"].notna()]
    if values.empty:
        return empty
    # Every (indicator, commune, period) beside every year, the period chosen per commune:
    # the latest not after the year first, else the earliest after it.
    chosen = values.merge(pd.DataFrame({"year": [int(y) for y in years]}), how="cross")
    gap = chosen["year"] - chosen["period"].astype(int)
    chosen = chosen.assign(after=gap < 0, distance=gap.abs())
    chosen = chosen.sort_values(["after", "distance"], kind="stable").drop_duplicates(
        ["indicator_id", "territory_id", "year"]
    )
    communes = commune_frame()
    chosen = chosen.merge(communes, on="territory_id", how="inner")
    parts = []
    for level in AGGREGATE_LEVELS:
        members = communes.groupby(str(level)).size().rename("members")
        sums = (
            chosen.groupby(["indicator_id", str(level), "year"])["value"]
            .agg(people="sum", known="size")
            .reset_index(names=["indicator_id", "territory", "year"])
        )
        sums = sums.join(members, on="territory")
        parts.append(sums[sums["known"] == sums["members"]])
    counts = pd.concat(parts, ignore_index=True)
    counts["slug"] = counts["indicator_id"].map(ids)
    counts["territory"] = counts["territory"].astype(int)
    counts["year"] = counts["year"].astype(int)
    return counts.set_index(["slug", "territory", "year"])["people"].astype(float)


def _tension(cells, published):
    """Mean of the standardised components; each standardised over the published EPCI cells
    of every profession and year. A cell missing a component has no index."""
    shown = published.reindex(pd.MultiIndex.from_frame(cells[KEY]), fill_value=False)
    shown = shown.to_numpy(dtype=bool)
    reference = cells[shown & (cells["level"] == "epci")]
    scores = []
    for component in TENSION_COMPONENTS:
        mean, std = reference[component].mean(), reference[component].std(ddof=0)
        if not std or np.isnan(std):
            return pd.Series(np.nan, index=cells.index)
        scores.append((cells[component] - mean) / std)
    return pd.concat(scores, axis=1).mean(axis=1, skipna=False)

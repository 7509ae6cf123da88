"""Secrecy measure by measure: an indicator of a published cell is masked on its own where
fewer employers than the primary rule asks give the figures it is computed from.

The cells' rules count the employers with people (headcount or full-time equivalents). A
measure reads other figures too (observatory.indicators.definitions.FIGURES): the vacancy
rates the posts budgeted, which only some employers give, or which an employer with nobody
left in a profession gives alone. Where that leaves fewer than `min_employers` employers
behind a measure, its value would be theirs: it is masked. No secondary step is needed:
these measures are ratios whose numerators and denominators are not published, so no sum
of published values gives them back; the tension index, computed from four of them, is
masked with any of its components.
"""

import numpy as np
import pandas as pd

from observatory.indicators.definitions import ALL_PROFESSIONS, FIGURES, TENSION_COMPONENTS
from observatory.secrecy.tables import LEVELS

KEY = ["year", "profession", "level", "territory"]


def withheld_measures(contributions, *, min_employers):
    """One row per cell (KEY) with a boolean column per measure slug: True where fewer
    than `min_employers` employers give any of the figures the measure reads."""
    sets = sorted(set(FIGURES.values()))
    gives = pd.DataFrame(
        {
            f"set{i}": (contributions[list(figures)].fillna(0) != 0).any(axis=1)
            for i, figures in enumerate(sets)
        }
    )
    columns = list(gives.columns)
    frame = pd.concat([contributions[["year", "profession", "employer", *LEVELS]], gives], axis=1)
    pieces = []
    for level in LEVELS:
        rows = frame[frame[level].notna()]
        for keys in (["year", "profession", level], ["year", level]):
            per_employer = rows.groupby([*keys, "employer"], sort=False)[columns].any()
            counts = per_employer.groupby(level=keys, sort=False).sum().reset_index()
            if "profession" not in keys:
                counts["profession"] = ALL_PROFESSIONS
            counts = counts.rename(columns={level: "territory"}).assign(level=level)
            pieces.append(counts)
    counts = pd.concat(pieces, ignore_index=True)
    counts["territory"] = counts["territory"].astype(int)
    counts["year"] = counts["year"].astype(int)
    found = pd.DataFrame(
        {
            slug: counts[f"set{sets.index(figures)}"].to_numpy() < min_employers
            for slug, figures in FIGURES.items()
        },
        index=pd.MultiIndex.from_frame(counts[KEY]),
    )
    found["indice-tension"] |= np.logical_or.reduce(
        [found[slug].to_numpy() for slug in TENSION_COMPONENTS]
    )
    return found

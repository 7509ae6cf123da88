"""An attacker written apart from observatory.secrecy.audit: from the published cells alone
(every profession and all professions, every level, both tables), the smallest and largest
value each masked cell can take, by scipy's linear programming."""

import numpy as np
from scipy.optimize import linprog

from observatory.indicators.definitions import ALL_PROFESSIONS

LEVELS = ("epci", "departement", "region")


def attack(contributions, cells):
    """{(year, profession, level, territory, table): (low, high)} for every masked cell.

    What the attacker knows: the geography (which EPCI lies in which départements, from the
    contributions' territories), the professions, the published cells' values, and that a
    cell missing from the tables has no employer, hence is 0. Unknowns: one per profession,
    EPCI and département it reaches, never negative.
    """
    places = sorted(
        set(
            contributions[["epci", "departement", "region"]]
            .drop_duplicates()
            .itertuples(index=False, name=None)
        )
    )
    professions = sorted(set(cells["profession"]) - {ALL_PROFESSIONS})
    unknowns = [(p, *place) for p in professions for place in places]
    bounds = {}
    for year, year_cells in cells.groupby("year"):
        listed = {
            (row.profession, row.level, row.territory): row
            for row in year_cells.itertuples(index=False)
        }

        def members(profession, level, territory):
            position = 1 + LEVELS.index(level)
            return [
                i
                for i, unknown in enumerate(unknowns)
                if unknown[position] == territory
                and (profession == ALL_PROFESSIONS or unknown[0] == profession)
            ]

        every_cell = {
            (profession, level, place[LEVELS.index(level)])
            for profession in [*professions, ALL_PROFESSIONS]
            for level in LEVELS
            for place in places
        }
        for table in ("headcount", "fte"):
            rows, right = [], []
            for key in sorted(every_cell):
                row = listed.get(key)
                if row is not None and row.status != "published":
                    continue
                line = np.zeros(len(unknowns))
                line[members(*key)] = 1
                rows.append(line)
                right.append(0.0 if row is None else getattr(row, table))
            equations, right = np.array(rows), np.array(right)
            for key, row in sorted(listed.items()):
                if row.status == "published":
                    continue
                objective = np.zeros(len(unknowns))
                objective[members(*key)] = 1
                found = []
                for sign in (1, -1):
                    result = linprog(
                        sign * objective,
                        A_eq=equations,
                        b_eq=right,
                        bounds=(0, None),
                        method="highs",
                    )
                    if result.status == 3:  # unbounded
                        found.append(np.inf)
                    else:
                        assert result.status == 0, result.message
                        found.append(sign * result.fun)
                bounds[(year, *key, table)] = (found[0], found[1])
    return bounds


def too_narrow(cells, bounds, *, share=0.10, people=3):
    """The masked cells whose interval misses the margin, with their intervals."""
    values = {
        (row.year, row.profession, row.level, row.territory, table): getattr(row, table)
        for row in cells.itertuples(index=False)
        for table in ("headcount", "fte")
    }
    narrow = []
    for key, (low, high) in bounds.items():
        value = values[key]
        margin = max(share * value, people)
        if high < value + margin - 1e-6 or low > max(value - margin, 0) + 1e-6:
            narrow.append((key, value, low, high))
    return narrow

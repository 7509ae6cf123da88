"""An attacker written apart from observatory.secrecy.audit: from the published cells alone
(every profession and all professions, every level, both tables), the smallest and largest
value each masked cell can take, by scipy's linear programming; and the same for every
place (an EPCI's side of a département, a département's communes outside any EPCI) whose
group of employers a primary rule would protect, though no table publishes it."""

import numpy as np
from scipy.optimize import linprog

from observatory.indicators.definitions import ALL_PROFESSIONS

LEVELS = ("epci", "departement", "region")
NOWHERE = -1  # the epci of a commune outside any EPCI


def sensitive_places(contributions, *, employers=3, people=5, dominance=0.85):
    """The groups (year, profession or all professions, place) that break a primary rule,
    from the contributions: {(year, profession, "place", epci, departement):
    {"headcount": …, "fte": …}}, epci -1 outside any EPCI."""
    frame = contributions[(contributions["headcount"] != 0) | (contributions["fte"] != 0)]
    frame = frame.assign(epci=frame["epci"].fillna(NOWHERE).astype(int))
    found = {}
    for by_profession in (True, False):
        keys = ["year", "profession", "epci", "departement"] if by_profession else None
        keys = keys or ["year", "epci", "departement"]
        for key, group in frame.groupby(keys):
            if not by_profession:
                key = (key[0], ALL_PROFESSIONS, *key[1:])
            per_employer = group.groupby("employer")["headcount"].sum()
            total = per_employer.sum()
            if (
                len(per_employer) < employers
                or total < people
                or (total > 0 and per_employer.max() / total > dominance)
            ):
                found[(int(key[0]), key[1], "place", int(key[2]), int(key[3]))] = {
                    "headcount": group["headcount"].sum(),
                    "fte": group["fte"].sum(),
                }
    return found


def attack(contributions, cells, groups=None):
    """{(year, profession, level, territory, table): (low, high)} for every masked cell,
    and {(year, profession, "place", epci, departement, table): (low, high)} for each of
    `groups` (keys of `sensitive_places`; epci -1: outside any EPCI).

    What the attacker knows: the geography (which EPCI lies in which départements, from the
    contributions' territories), the professions, the published cells' values, and that a
    cell missing from the tables has no employer, hence is 0. Unknowns: one per profession,
    EPCI and département it reaches, never negative.
    """
    located = contributions[["epci", "departement", "region"]].fillna(NOWHERE).astype(int)
    places = sorted(set(located.drop_duplicates().itertuples(index=False, name=None)))
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
            if place[LEVELS.index(level)] != NOWHERE
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
            targets = [
                (key, members(*key))
                for key, row in sorted(listed.items())
                if row.status != "published"
            ]
            for _year, profession, _place, epci, departement in sorted(
                key for key in groups or () if key[0] == year
            ):
                target = [
                    i
                    for i, unknown in enumerate(unknowns)
                    if unknown[1] == epci
                    and unknown[2] == departement
                    and (profession == ALL_PROFESSIONS or unknown[0] == profession)
                ]
                targets.append(((profession, "place", epci, departement), target))
            for key, target in targets:
                objective = np.zeros(len(unknowns))
                objective[target] = 1
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


def too_narrow(cells, bounds, places=None, *, share=0.10, people=3):
    """The masked cells (and places) whose interval misses the margin, with their
    intervals."""
    values = {
        (row.year, row.profession, row.level, row.territory, table): getattr(row, table)
        for row in cells.itertuples(index=False)
        for table in ("headcount", "fte")
    }
    values.update(
        {(*key, table): sums[table] for key, sums in (places or {}).items() for table in sums}
    )
    narrow = []
    for key, (low, high) in bounds.items():
        value = values[key]
        margin = max(share * value, people)
        if high < value + margin - 1e-6 or low > max(value - margin, 0) + 1e-6:
            narrow.append((key, value, low, high))
    return narrow

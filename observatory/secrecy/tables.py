"""The workforce tables as secrecy sees them: cells that are sums of atoms.

The figures come as contributions, one row per (employer's establishment × profession ×
year). The finest units that every published cell adds up are the atoms
(profession, EPCI, département): an EPCI cell is the sum of its atoms (two when the EPCI
straddles two départements), a département cell the sum of its atoms, a région cell the sum
of everything in it, and the all-professions cells (`ALL_PROFESSIONS`) the sums over the
professions. Atoms are never published as such; one is when it happens to be an EPCI cell
on its own. Each year is its own set of tables (`YearTables`): nothing published for one
year adds up with another's cells, so the years are protected independently.

An atom that is not an EPCI cell on its own (a département's communes outside any EPCI, or
one side of an EPCI straddling two départements) is never published, yet subtraction gives
it away: the département less its whole EPCIs. Such a group is a cell of its own here, at
the level `PART` (per profession and all professions), never published: secrecy applies its
primary rules to it and protects it when it is sensitive, as any masked cell. Its territory
is the département, and `part_epci` says which EPCI's side it is (`NO_TERRITORY`: the
communes outside any EPCI). A union of parts needs no cell of its own: it is sensitive only
if one of its parts is (it has at least the employers and people of each, and an employer
holding over a share of it holds over that share of one part).
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse

from observatory.indicators.definitions import ALL_PROFESSIONS

LEVELS = ("epci", "departement", "region")
PART = "part"  # never published: see the module's docstring
TABLES = ("headcount", "fte")  # the tables protected together: a masked cell masks both
NO_TERRITORY = -1  # a commune outside any EPCI (L'Île-d'Yeu): its atoms have no EPCI cell
COLUMNS = ["year", "profession", "employer", *LEVELS, *TABLES]


@dataclass
class YearTables:
    """One year's cells as sums of atoms: `matrix[c, a]` is 1 where atom a is in cell c."""

    year: int
    # One row per cell with at least one employer, numbered from 0 in a fixed order:
    # profession, level, territory, part_epci, employers, headcount, fte, top_share.
    cells: pd.DataFrame
    # One row per atom with at least one employer: profession, epci, departement, region,
    # headcount, fte.
    atoms: pd.DataFrame
    matrix: sparse.csr_matrix

    def values(self, table):
        """A table's values, per cell and per atom (the cells' are the atoms' sums)."""
        return self.cells[table].to_numpy(), self.atoms[table].to_numpy()

    @cached_property
    def entries(self):
        """The matrix's ones as (cell, atom) pairs, by cell: the programs are cut from it
        with numpy (cheaper than scipy's slicing, for models rebuilt often)."""
        counts = np.diff(self.matrix.indptr)
        return np.repeat(np.arange(len(counts)), counts), self.matrix.indices


def year_tables(contributions):
    """Every year's tables, oldest first, from the contributions. Rows whose headcount and
    full-time equivalents are both 0 are dropped before the employers are counted; the
    establishments of one organisation are one employer."""
    frame = contributions.loc[
        (contributions["headcount"] != 0) | (contributions["fte"] != 0), COLUMNS
    ].copy()
    for level in LEVELS:
        frame[level] = frame[level].fillna(NO_TERRITORY).astype("int64")
    frame["profession"] = frame["profession"].astype(str)
    # One row per (employer, atom): what each employer contributes to each atom.
    by_employer = (
        frame.groupby(["year", "profession", *LEVELS, "employer"], sort=True)[list(TABLES)]
        .sum()
        .reset_index()
    )
    cells = _cells(by_employer)
    atoms = by_employer.groupby(["year", "profession", *LEVELS], sort=True)[list(TABLES)].sum()
    atoms = atoms.reset_index()
    tables = []
    for year, year_atoms in atoms.groupby("year", sort=True):
        year_cells = cells[cells["year"] == year].drop(columns="year").reset_index(drop=True)
        year_atoms = year_atoms.drop(columns="year").reset_index(drop=True)
        matrix = _matrix(year_cells, year_atoms)
        # The cells' values are their atoms' sums, to the last bit: the linear programs see
        # exactly the system the published figures satisfy.
        for table in TABLES:
            year_cells[table] = matrix @ year_atoms[table].to_numpy()
        tables.append(YearTables(int(year), year_cells, year_atoms, matrix))
    return tables


def _cells(by_employer):
    """Every cell with at least one employer, all years: employers, sums and the largest
    employer's share of the headcount or of the full-time equivalents, whichever is
    larger. Published levels first, then the parts."""
    pieces = []
    for level in LEVELS:
        rows = by_employer[by_employer[level] != NO_TERRITORY]
        for keys in (["year", "profession", level], ["year", level]):
            piece = _summed(rows, keys).rename(columns={level: "territory"})
            piece["part_epci"] = NO_TERRITORY
            piece["level"] = level
            pieces.append(piece)
    for keys in (["year", "profession"], ["year"]):
        # The parts: communes outside any EPCI, and the sides of an EPCI that spans
        # départements (in that profession, or in all professions).
        spread = by_employer.groupby([*keys, "epci"])["departement"].transform("nunique")
        rows = by_employer[(by_employer["epci"] == NO_TERRITORY) | (spread > 1)]
        piece = _summed(rows, [*keys, "departement", "epci"])
        piece = piece.rename(columns={"departement": "territory", "epci": "part_epci"})
        piece["level"] = PART
        pieces.append(piece)
    cells = pd.concat(pieces, ignore_index=True)
    # Dominance is judged on both tables: an employer may hold most of the full-time
    # equivalents with fewer people than others (full-time staff against part-time).
    shares = [
        (cells[f"top_{table}"] / cells[table].where(cells[table] > 0)).fillna(0.0)
        for table in TABLES
    ]
    cells["top_share"] = np.maximum(*shares)
    order = {level: i for i, level in enumerate((*LEVELS, PART))}
    cells["level_order"] = cells["level"].map(order)
    cells = cells.sort_values(
        ["year", "level_order", "profession", "territory", "part_epci"], kind="stable"
    )
    return cells[
        ["year", "profession", "level", "territory", "part_epci", "employers", *TABLES, "top_share"]
    ].reset_index(drop=True)


def _summed(rows, keys):
    """The cells grouped by `keys`: sums, employers and the largest one's part of each
    table."""
    per_employer = rows.groupby([*keys, "employer"], sort=False)[list(TABLES)].sum()
    grouped = per_employer.groupby(level=keys, sort=False)
    piece = grouped[list(TABLES)].sum()
    piece["employers"] = grouped.size()
    for table in TABLES:
        piece[f"top_{table}"] = grouped[table].max()
    piece = piece.reset_index()
    if "profession" not in keys:
        piece["profession"] = ALL_PROFESSIONS
    return piece


def _matrix(cells, atoms):
    """Which atoms each cell adds up (cells × atoms, CSR)."""
    index = pd.MultiIndex.from_frame(cells[["profession", "level", "territory", "part_epci"]])
    count = len(atoms)
    nowhere = np.full(count, NO_TERRITORY)
    places = [(level, atoms[level].to_numpy(), nowhere) for level in LEVELS]
    places.append((PART, atoms["departement"].to_numpy(), atoms["epci"].to_numpy()))
    rows, columns = [], []
    for level, territory, part_epci in places:
        for profession in (atoms["profession"].to_numpy(), np.full(count, ALL_PROFESSIONS)):
            keys = pd.MultiIndex.from_arrays(
                [profession, np.full(count, level), territory, part_epci]
            )
            found = index.get_indexer(keys)
            rows.append(found[found >= 0])
            columns.append(np.flatnonzero(found >= 0))
    rows, columns = np.concatenate(rows), np.concatenate(columns)
    return sparse.csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(cells), count), dtype=float
    )

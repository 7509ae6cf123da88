"""Primary and secondary secrecy of the workforce tables (headcount and full-time
equivalents, per profession and all professions × EPCI, département, région × year).

`protect(contributions)` is the entry point: it builds each year's cells
(`observatory.secrecy.tables`), masks those that reveal too much about few employers
(primary secrecy), then masks published cells until no masked value can be recomputed,
within its margin, from what is published (secondary secrecy), and audits the result
(`observatory.secrecy.audit`).

Secondary secrecy follows the classical linear-programming protection model (Kelly,
Golden & Assad 1992; Fischetti & Salazar 2000, the base of tau-ARGUS's optimal and modular
methods): for a masked cell that an attacker could pin down, find the cheapest way to move
it by its margin while every published cell stays as it is; every published cell that has
to move to make that possible is masked too. The deviations then are a proof that the cell
can be anywhere between its value and its value ± margin for all the attacker knows, and
since masking only ever grows, that proof holds to the end. Both directions and both tables
are protected, for the primary cells and, in later rounds, for the complements themselves,
until the audit finds none too narrow.

Before each protection program, the audit program of that cell alone tells whether the
masked cells already protect it (cheaper: a fifth of the variables); and a protection's
moved table proves, for free, every other masked cell it moves by its margin. At the
benchmark's size (2,000 employers × 14 professions × 5 years, 70 EPCI) a year has about
1,140 cells (and 60 never-published parts), 100 masked of which 40 secondary; the five years,
protected side by side on two cores, take about 1.2 s, about as long as reading the returns.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from observatory.secrecy.audit import (
    TOLERANCE,
    UNPUBLISHED,
    IntervalAudit,
    audit_year,
    margins,
    protected,
)
from observatory.secrecy.tables import PART, TABLES, year_tables

DEVIATION = 1e-7  # a published cell moved by more than this in a protection is masked
REASONS = ("employers", "people", "dominance", "secondary")
CELL_COLUMNS = [
    "year",
    "profession",
    "level",
    "territory",
    "employers",
    "headcount",
    "fte",
    "top_share",
    "status",
    "reason",
]


@dataclass(frozen=True)
class SecrecyRules:
    """The rules of statistical secrecy (those stated in the indicators' definitions)."""

    min_employers: int = 3  # primary: fewer employers answered
    min_people: float = 5  # primary: fewer people employed
    dominance: float = 0.85  # primary: one employer holds more of the headcount
    margin_share: float = 0.10  # secondary: a masked value stays uncertain by this share…
    margin_people: float = 3  # … and by at least this many people (or FTE)


@dataclass
class Protection:
    """The outcome of `protect`: every cell with its status, and each year's audit."""

    # year, profession, level, territory, employers, headcount, fte, top_share,
    # status (published, primary, secondary), reason ("", employers, people, dominance,
    # secondary). Cells without any employer are not there: they are known to be 0. Nor
    # are the parts (`tables.PART`): never published, the audit covers the sensitive ones.
    cells: pd.DataFrame
    audits: list  # one dict per year, as `SecrecyAudit` stores it
    failures: int  # masked cells, all years, that the audit finds too narrow: must be 0
    suppressed: frozenset = field(default_factory=frozenset)  # (year, profession, level, territory)

    def is_suppressed(self, year, profession, level, territory):
        """Whether that cell is masked (a cell without employers is not: it is 0)."""
        return (year, profession, level, territory) in self.suppressed


def protect(contributions, *, rules=SecrecyRules()):
    """The workforce tables under primary and secondary secrecy, with their audit.

    `contributions`: one row per (establishment × profession × year) with year,
    profession, employer (the organisation: its establishments are one employer), epci,
    departement, region (territory ids), headcount and fte.
    """
    every_year = year_tables(contributions)
    # The years are independent programs, and HiGHS lets go of Python's lock while it
    # solves: one thread per core protects them side by side (a third faster on two cores).
    workers = max(1, min(len(every_year), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as executor:
        protected_years = list(executor.map(lambda tables: _year(tables, rules), every_year))
    frames = [frame for frame, _audit in protected_years]
    audits = [audit for _frame, audit in protected_years]
    cells = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CELL_COLUMNS)
    masked = cells[cells["status"] != "published"]
    return Protection(
        cells=cells[CELL_COLUMNS],
        audits=audits,
        failures=sum(audit["failures"] for audit in audits),
        suppressed=frozenset(
            zip(
                masked["year"].astype(int),
                masked["profession"],
                masked["level"],
                masked["territory"].astype(int),
                strict=True,
            )
        ),
    )


def _year(tables, rules):
    """One year's cells with their status and reason (the parts left out), and its audit."""
    started = time.perf_counter()
    reasons = primary_reasons(tables.cells, rules)
    part = tables.cells["level"].to_numpy() == PART
    reasons[part & (reasons == "")] = UNPUBLISHED
    suppressed, current = _secondary(tables, reasons, rules)
    audit = audit_year(
        tables,
        suppressed=suppressed,
        reasons=reasons,
        rules=rules,
        started=started,
        audits=current,
    )
    frame = tables.cells.copy()
    frame.insert(0, "year", tables.year)
    frame["status"] = np.where(
        reasons == "", "published", np.where(reasons == "secondary", "secondary", "primary")
    )
    frame["reason"] = reasons
    return frame[~part], audit


def primary_reasons(cells, rules):
    """Why each cell is masked by primary secrecy ("" when it is not), first rule first."""
    return np.select(
        [
            cells["employers"].to_numpy() < rules.min_employers,
            cells["headcount"].to_numpy() < rules.min_people,
            cells["top_share"].to_numpy() > rules.dominance,
        ],
        list(REASONS[:3]),
        default="",
    ).astype(object)


def _secondary(tables, reasons, rules):
    """Mask complements until every masked cell (but the parts no rule protects) is
    protected in both tables and both directions; `reasons` gets "secondary" for them.
    Returns the masked cells (bool) and the interval audits still valid for them, per
    table."""
    suppressed = reasons != ""
    targets = suppressed & (reasons != UNPUBLISHED)
    headcount = tables.cells["headcount"].to_numpy()
    # What masking a cell costs: the information it carries, growing with its size but
    # slowly (a log), so that big totals are kept (each is worth much) without the
    # programs masking many small cells where a few middle ones would do; the 1 makes every
    # masked cell cost something. The headcount's cost serves both tables, so that they
    # tend to choose the same complements.
    costs = 1 + np.log1p(np.maximum(headcount, 0))
    deviations = {table: DeviationModel(tables, table, costs) for table in TABLES}
    for model in deviations.values():
        model.mask(np.flatnonzero(suppressed))
    values = {table: tables.cells[table].to_numpy() for table in TABLES}
    cell_margins = {table: margins(values[table], rules) for table in TABLES}
    audits = {}  # the interval audit of each table for the current masked cells
    certified = set()  # (cell, table, upper): proven protected, for good
    # Largest first (ties in the cells' order): the complements of a large cell often
    # protect the smaller ones too.
    pending = _largest_first(np.flatnonzero(targets), headcount)
    while pending:
        for cell in pending:
            for table in TABLES:
                value, margin = values[table][cell], cell_margins[table][cell]
                for upper in (True, False):
                    if (cell, table, upper) in certified:
                        continue
                    certified.add((cell, table, upper))
                    if not upper and value <= 0:
                        continue  # nothing below 0
                    if table not in audits:
                        audits[table] = IntervalAudit(tables, table, suppressed)
                    bound = audits[table].bound(cell, upper=upper)
                    if protected(value, margin, **({"high": bound} if upper else {"low": bound})):
                        continue
                    shift = margin if upper else -min(margin, value)
                    deviation = deviations[table].protect(cell, shift)
                    moved = np.flatnonzero(np.abs(deviation) > DEVIATION)
                    added = moved[~suppressed[moved]]
                    if len(added):
                        suppressed[added] = targets[added] = True
                        reasons[added] = "secondary"
                        for model in deviations.values():
                            model.mask(added)
                        audits.clear()
                    # The moved table is one the attacker cannot tell from the true one,
                    # now and after any further masking: each masked cell it moves by its
                    # margin is protected in that direction without an audit program.
                    far = deviation[moved]
                    reach = cell_margins[table][moved], values[table][moved]
                    certified.update(
                        (int(other), table, True) for other in moved[far >= reach[0] - TOLERANCE]
                    )
                    certified.update(
                        (int(other), table, False)
                        for other in moved[-far >= np.minimum(*reach) - TOLERANCE]
                    )
        pending = _largest_first(
            [
                cell
                for cell in np.flatnonzero(targets)
                if any(
                    (cell, table, upper) not in certified
                    for table in TABLES
                    for upper in (True, False)
                )
            ],
            headcount,
        )
    return suppressed, audits


def _largest_first(cells, headcount):
    return sorted((int(cell) for cell in cells), key=lambda cell: (-headcount[cell], cell))


class DeviationModel:
    """The protection program of one year's table, built once (HiGHS through highspy).

    Variables: each atom's deviation up and down (y⁺, y⁻ ≥ 0, y⁻ no more than the atom, so
    nothing becomes negative), and each cell's paid deviation up and down (z⁺, z⁻ ≥ 0).
    One equation per cell: its atoms' deviations add up to its paid deviation,
    Σ (y⁺ − y⁻) − z⁺ + z⁻ = 0. The objective charges z⁺ + z⁻ at the cell's cost when
    published, nothing when masked: a published cell moves only when nothing cheaper does,
    and every published cell that moves must be masked. The cell to protect has its paid
    deviation fixed at 0 and its equation at the shift wanted instead.

    A cell of a single atom (most EPCI cells: an EPCI within one département; also a
    département or an all-professions cell that happens to hold one atom) deviates as its
    atom does: it has no equation nor z, its cost is charged on its atom's y⁺ + y⁻ (the sum
    of the costs of the published cells that are that atom), and protecting it fixes its
    atom's y. The same program, with about a sixth of the equations: twice as fast here.
    """

    def __init__(self, tables, table, costs):
        matrix = tables.matrix
        cell_count, atom_count = matrix.shape
        _values, atom_values = tables.values(table)
        self.matrix, self.costs, self.atom_count = matrix, costs, atom_count
        self.single = np.diff(matrix.indptr) == 1
        self.atom_of = np.where(self.single, matrix.indices[matrix.indptr[:-1]], -1)
        self.rows = np.flatnonzero(~self.single)
        self.row_of = np.full(cell_count, -1)
        self.row_of[self.rows] = np.arange(len(self.rows))
        self.published = np.ones(cell_count, dtype=bool)
        row_count = len(self.rows)
        equations = matrix[self.rows]
        identity = sparse.identity(row_count, format="csr")
        constraints = sparse.hstack([equations, -equations, -identity, identity], format="csc")
        self.first_paid = 2 * atom_count
        atom_costs = self._atom_costs()
        row_costs = costs[self.rows]
        infinity = highspy.kHighsInf
        self.upper = np.concatenate(
            [
                np.full(atom_count, infinity),
                np.maximum(atom_values, 0),
                np.full(2 * row_count, infinity),
            ]
        )
        lp = highspy.HighsLp()
        lp.num_col_ = constraints.shape[1]
        lp.num_row_ = row_count
        lp.col_cost_ = np.concatenate([atom_costs, atom_costs, row_costs, row_costs])
        lp.col_lower_ = np.zeros(constraints.shape[1])
        lp.col_upper_ = self.upper
        lp.row_lower_ = np.zeros(row_count)
        lp.row_upper_ = np.zeros(row_count)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = constraints.indptr.astype(np.int32)
        lp.a_matrix_.index_ = constraints.indices.astype(np.int32)
        lp.a_matrix_.value_ = constraints.data
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")  # warm starts from the last basis
        self.highs.passModel(lp)

    def _atom_costs(self):
        charged = self.single & self.published
        return np.bincount(
            self.atom_of[charged], weights=self.costs[charged], minlength=self.atom_count
        )

    def mask(self, cells):
        """Masked cells move for free."""
        cells = np.asarray(cells, dtype=np.int64)
        self.published[cells] = False
        rows = self.row_of[cells[~self.single[cells]]]
        columns = self.first_paid + np.concatenate([rows, rows + len(self.rows)])
        atoms = np.unique(self.atom_of[cells[self.single[cells]]])
        atom_costs = self._atom_costs()[atoms]
        columns = np.concatenate([columns, atoms, atoms + self.atom_count]).astype(np.int32)
        costs = np.concatenate([np.zeros(2 * len(rows)), atom_costs, atom_costs])
        self.highs.changeColsCost(len(columns), columns, costs)

    def protect(self, cell, shift):
        """Every cell's deviation when `cell` is moved by `shift` at least cost."""
        highs = self.highs
        if self.single[cell]:
            # Its atom moves by the shift: up, or down (no further than the atom's value).
            atom = int(self.atom_of[cell])
            fixed = [(atom, max(shift, 0.0)), (atom + self.atom_count, max(-shift, 0.0))]
            for column, bound in fixed:
                highs.changeColBounds(column, bound, bound)
        else:
            row = int(self.row_of[cell])
            paid = self.first_paid + row
            fixed = [(paid, 0.0), (paid + len(self.rows), 0.0)]
            highs.changeRowBounds(row, shift, shift)
            for column, bound in fixed:
                highs.changeColBounds(column, bound, bound)
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"secondary secrecy: HiGHS ended with {highs.modelStatusToString(status)}"
            )
        solution = np.asarray(highs.getSolution().col_value)
        if not self.single[cell]:
            highs.changeRowBounds(row, 0, 0)
        for column, _bound in fixed:
            highs.changeColBounds(column, 0, self.upper[column])
        atoms = solution[: self.atom_count] - solution[self.atom_count : self.first_paid]
        deviation = self.matrix @ atoms
        deviation[cell] = shift
        return deviation

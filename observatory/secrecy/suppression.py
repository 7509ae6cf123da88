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
"""

import math
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from observatory.secrecy.audit import IntervalAudit, audit_year, margins, protected
from observatory.secrecy.tables import TABLES, year_tables

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
    # secondary). Cells without any employer are not there: they are known to be 0.
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
    frames, audits = [], []
    for tables in year_tables(contributions):
        started = time.perf_counter()
        reasons = primary_reasons(tables.cells, rules)
        suppressed, current = _secondary(tables, reasons, rules)
        audits.append(
            audit_year(
                tables,
                suppressed=suppressed,
                reasons=reasons,
                rules=rules,
                started=started,
                audits=current,
            )
        )
        frame = tables.cells.copy()
        frame.insert(0, "year", tables.year)
        frame["status"] = np.where(
            reasons == "", "published", np.where(reasons == "secondary", "secondary", "primary")
        )
        frame["reason"] = reasons
        frames.append(frame)
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
    """Mask complements until every masked cell is protected in both tables and both
    directions; `reasons` gets "secondary" for them. Returns the masked cells (bool) and
    the interval audits still valid for them, per table."""
    suppressed = reasons != ""
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
    pending = _largest_first(np.flatnonzero(suppressed), headcount)
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
                    moved = deviations[table].protect(cell, shift)
                    added = moved[~suppressed[moved]]
                    if len(added):
                        suppressed[added] = True
                        reasons[added] = "secondary"
                        for model in deviations.values():
                            model.mask(added)
                        audits.clear()
        pending = _largest_first(
            [
                cell
                for cell in np.flatnonzero(suppressed)
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
    """

    def __init__(self, tables, table, costs):
        matrix = tables.matrix
        cell_count, atom_count = matrix.shape
        _values, atom_values = tables.values(table)
        identity = sparse.identity(cell_count, format="csr")
        constraints = sparse.hstack([matrix, -matrix, -identity, identity], format="csc")
        self.cell_count, self.first_paid = cell_count, 2 * atom_count
        self.costs = costs
        infinity = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = constraints.shape[1]
        lp.num_row_ = cell_count
        lp.col_cost_ = np.concatenate([np.zeros(2 * atom_count), costs, costs])
        lp.col_lower_ = np.zeros(constraints.shape[1])
        lp.col_upper_ = np.concatenate(
            [
                np.full(atom_count, infinity),
                np.maximum(atom_values, 0),
                np.full(2 * cell_count, infinity),
            ]
        )
        lp.row_lower_ = np.zeros(cell_count)
        lp.row_upper_ = np.zeros(cell_count)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = constraints.indptr.astype(np.int32)
        lp.a_matrix_.index_ = constraints.indices.astype(np.int32)
        lp.a_matrix_.value_ = constraints.data
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")  # warm starts from the last basis
        self.highs.passModel(lp)

    def mask(self, cells):
        """Masked cells move for free."""
        cells = np.asarray(cells, dtype=np.int32)
        columns = np.concatenate([cells, cells + self.cell_count]) + self.first_paid
        self.highs.changeColsCost(len(columns), columns.astype(np.int32), np.zeros(len(columns)))

    def protect(self, cell, shift):
        """The cells that move when `cell` is moved by `shift` at least cost."""
        highs, paid = self.highs, self.first_paid + cell
        highs.changeRowBounds(cell, shift, shift)
        highs.changeColBounds(paid, 0, 0)
        highs.changeColBounds(paid + self.cell_count, 0, 0)
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"secondary secrecy: HiGHS ended with {highs.modelStatusToString(status)}"
            )
        solution = np.asarray(highs.getSolution().col_value)[self.first_paid :]
        highs.changeRowBounds(cell, 0, 0)
        highs.changeColBounds(paid, 0, highspy.kHighsInf)
        highs.changeColBounds(paid + self.cell_count, 0, highspy.kHighsInf)
        moved = np.abs(solution[: self.cell_count] - solution[self.cell_count :])
        moved[cell] = math.inf
        return np.flatnonzero(moved > DEVIATION)

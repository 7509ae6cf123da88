"""The interval audit: how closely an attacker can pin down each masked cell.

The attacker knows every published cell of the year (equalities over the atoms), that no
atom is negative and that a cell without any employer is 0 (those cells and their atoms are
simply absent from the tables). For a masked cell, the smallest and largest values it can
take under those constraints are two linear programs; the cell is protected when the
interval reaches the margin on both sides: up to value + margin, and down to value − margin
(or 0 for a cell smaller than its margin).

The programs are reduced before solving: an atom that is a published cell on its own is a
constant, moved to the right-hand side; the variables are the other atoms, and a published
cell keeps its equation only if it has some of them (here about 130 variables and 125
equations out of 1,000 atoms and 1,100 cells). HiGHS solves them through highspy, one model
per table and set of masked cells, cut from the year's matrix with numpy (0.4 ms);
successive cells change only the objective, and the simplex starts from the previous
optimal basis (about 0.2 ms a program). Keeping one model for good, with the constants as
fixed columns that masking frees, would spare the rebuilds but costs twice as much per
program: measured, it loses.
"""

import math
import time

import highspy
import numpy as np

from observatory.secrecy.tables import NO_TERRITORY, PART, TABLES

TOLERANCE = 1e-6  # a bound counts as reaching the margin within this (solver tolerance)
UNBOUNDED = 1e12  # the largest value of a cell nothing published bounds above (JSON-safe)
UNPUBLISHED = "unpublished"  # the reason of a part (never published) no primary rule protects


class IntervalAudit:
    """The attacker's bounds on masked cells, for one year's table and one set of masked
    cells."""

    def __init__(self, tables, table, suppressed):
        self.cell_values, atom_values = tables.values(table)
        matrix = tables.matrix
        cells, atoms = tables.entries
        published = ~suppressed
        # Atoms that are, alone, a published cell: constants.
        alone = published & (np.diff(matrix.indptr) == 1)
        known = np.zeros(matrix.shape[1], dtype=bool)
        known[matrix.indices[matrix.indptr[:-1][alone]]] = True
        self.constants = matrix @ np.where(known, atom_values, 0.0)
        # The other atoms are the variables, numbered in their order; each cell's are kept
        # (CSR, as the matrix) for the objectives, the published cells' as the equations.
        column = np.cumsum(~known) - 1
        free = ~known[atoms]
        variable_cells, variable_atoms = cells[free], column[atoms[free]]
        self.starts = np.searchsorted(variable_cells, np.arange(matrix.shape[0] + 1))
        self.columns = variable_atoms.astype(np.int32)
        rows = published & (np.diff(self.starts) > 0)
        row = np.cumsum(rows) - 1
        kept = rows[variable_cells]
        starts = np.searchsorted(row[variable_cells[kept]], np.arange(rows.sum() + 1))
        right = self.cell_values[rows] - self.constants[rows]
        count = int((~known).sum())
        self.highs = _highs()
        lp = highspy.HighsLp()
        lp.num_col_ = count
        lp.num_row_ = len(right)
        lp.col_cost_ = np.zeros(count)
        lp.col_lower_ = np.zeros(count)
        lp.col_upper_ = np.full(count, highspy.kHighsInf)
        lp.row_lower_ = right
        lp.row_upper_ = right
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = starts.astype(np.int32)
        lp.a_matrix_.index_ = self.columns[kept]
        lp.a_matrix_.value_ = np.ones(int(kept.sum()))
        self.highs.passModel(lp)
        self._objective = np.zeros(0, dtype=np.int32)
        self._bounds = {}

    def bound(self, cell, *, upper):
        """The largest (upper) or smallest value the cell can take; inf if unbounded."""
        if (cell, upper) not in self._bounds:
            self._bounds[cell, upper] = self._solve(cell, upper)
        return self._bounds[cell, upper]

    def _solve(self, cell, upper):
        columns = self.columns[self.starts[cell] : self.starts[cell + 1]]
        if not len(columns):
            return float(self.constants[cell])
        highs = self.highs
        if len(self._objective):
            highs.changeColsCost(
                len(self._objective), self._objective, np.zeros(len(self._objective))
            )
        highs.changeColsCost(len(columns), columns, np.ones(len(columns)))
        self._objective = columns
        highs.changeObjectiveSense(
            highspy.ObjSense.kMaximize if upper else highspy.ObjSense.kMinimize
        )
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return float(self.constants[cell] + highs.getInfo().objective_function_value)
        if upper and status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            # The true values are a solution: the program is feasible, so it is unbounded.
            return math.inf
        raise RuntimeError(f"secrecy audit: HiGHS ended with {highs.modelStatusToString(status)}")


def margins(values, rules):
    """The distance a masked value must stay uncertain: a share of it, at least some
    people (or full-time equivalents)."""
    return np.maximum(rules.margin_share * values, rules.margin_people)


def protected(value, margin, *, low=None, high=None):
    """Whether the bound(s) given reach the margin."""
    ok = True
    if high is not None:
        ok &= high >= value + margin - TOLERANCE
    if low is not None:
        ok &= low <= max(value - margin, 0.0) + TOLERANCE
    return bool(ok)


def audit_year(tables, *, suppressed, reasons, rules, started, audits=None):
    """The audit of one year's tables for the caller to store (`SecrecyAudit`): counts, and
    every masked cell's interval in each table against its margin. `audits` may hold an
    `IntervalAudit` per table already built for these masked cells (its bounds are kept).

    The parts (`tables.PART`, never published) are audited when a primary rule protects
    them: their rows say which EPCI's side of the département (`territory`) they are, in
    `epci` (None: the communes outside any EPCI). `cells` counts the published levels'.

    `narrowest` is the smallest, over masked cells and tables, of how far the interval
    reaches on its narrower side, in margins: (high − value) / margin above and, for a
    value above 0, (value − low) / min(margin, value) below (a cell smaller than its margin
    needs to reach 0 only). 1 or more: every masked cell is protected; None: none masked.
    """
    cells = tables.cells
    intervals, failing, narrowest = [], set(), math.inf
    masked = np.flatnonzero(suppressed & (reasons != UNPUBLISHED))
    parts = cells["level"].to_numpy() == PART
    for table in TABLES:
        audit = (audits or {}).get(table) or IntervalAudit(tables, table, suppressed)
        values = cells[table].to_numpy()
        cell_margins = margins(values, rules)
        for cell in masked:
            value, margin = float(values[cell]), float(cell_margins[cell])
            low = audit.bound(cell, upper=False)
            high = audit.bound(cell, upper=True)
            ok = protected(value, margin, low=low, high=high)
            if not ok:
                failing.add(int(cell))
            ratio = (high - value) / margin
            if value > 0:
                ratio = min(ratio, (value - low) / min(margin, value))
            narrowest = min(narrowest, ratio)
            where = {}
            if parts[cell]:
                part_epci = int(cells.at[cell, "part_epci"])
                where = {"epci": None if part_epci == NO_TERRITORY else part_epci}
            intervals.append(
                {
                    **where,
                    "profession": cells.at[cell, "profession"],
                    "territory": int(cells.at[cell, "territory"]),
                    "level": cells.at[cell, "level"],
                    "table": table,
                    "value": round(value, 6),
                    "low": round(low, 6),
                    "high": round(min(high, UNBOUNDED), 6),
                    "margin": round(margin, 6),
                    "reason": reasons[cell],
                    "ok": ok,
                }
            )
    return {
        "year": tables.year,
        "cells": int((~parts).sum()),
        "primary": int(sum(1 for cell in masked if reasons[cell] != "secondary")),
        "secondary": int(sum(1 for cell in masked if reasons[cell] == "secondary")),
        "failures": len(failing),
        "narrowest": None if not len(masked) else round(float(min(narrowest, UNBOUNDED)), 6),
        "intervals": intervals,
        "seconds": round(time.perf_counter() - started, 3),
    }


def _highs():
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    # Successive programs differ by their objective only: the last optimal basis stays
    # feasible, so the primal simplex restarts from it (about 4 times faster here than the
    # default dual simplex); presolve would throw it away.
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("simplex_strategy", 4)
    return highs

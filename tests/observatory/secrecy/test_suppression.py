"""Primary and secondary secrecy on hand-made tables, checked by hand, and against an
attacker written apart from the audit."""

import json

import numpy as np
import pandas as pd
import pytest

from observatory.indicators.definitions import ALL_PROFESSIONS
from observatory.secrecy.suppression import SecrecyRules, protect
from tests.observatory.secrecy.attacker import attack, sensitive_places, too_narrow

REGION = 1
# Département 10 holds EPCIs 101 and 102, département 20 holds 201 and 202; EPCI 300
# straddles both.
DEPARTEMENT = {101: 10, 102: 10, 201: 20, 202: 20}
EPCIS = (101, 102, 201, 202)
PROFESSIONS = ("A", "B", "C")


def contributions(rows):
    """(year, profession, employer, epci, departement, headcount[, fte]) → the frame
    `protect` takes (fte 0.8 × headcount unless given)."""
    records = []
    for row in rows:
        year, profession, employer, epci, departement, headcount, *fte = row
        records.append(
            {
                "year": year,
                "profession": profession,
                "employer": employer,
                "epci": epci,
                "departement": departement,
                "region": REGION,
                "headcount": float(headcount),
                "fte": float(fte[0]) if fte else 0.8 * headcount,
            }
        )
    return pd.DataFrame.from_records(records)


def grid(skip=(), year=2024):
    """Every profession in every EPCI: 5 employers of 10 people each, the EPCI's own
    employers shared by the professions. Cells (profession, epci) in `skip` are left out."""
    rows = []
    for epci in EPCIS:
        for profession in PROFESSIONS:
            if (profession, epci) in skip:
                continue
            for k in range(5):
                rows.append((year, profession, epci * 10 + k, epci, DEPARTEMENT[epci], 10))
    return rows


def cell(protection, profession, level, territory, year=2024):
    found = protection.cells[
        (protection.cells["year"] == year)
        & (protection.cells["profession"] == profession)
        & (protection.cells["level"] == level)
        & (protection.cells["territory"] == territory)
    ]
    assert len(found) == 1, (profession, level, territory)
    return found.iloc[0]


def masked(protection):
    cells = protection.cells
    return cells[cells["status"] != "published"]


def assert_safe(frame, protection):
    """The audit and the independent attacker both find every masked cell protected, and
    every group of one place that a primary rule protects, published or not."""
    assert protection.failures == 0
    assert all(audit["failures"] == 0 for audit in protection.audits)
    places = sensitive_places(frame)
    bounds = attack(frame, protection.cells, places)
    assert too_narrow(protection.cells, bounds, places) == []
    # The attacker does not know more than the audit assumes: its intervals hold the
    # audit's.
    for audit in protection.audits:
        for row in audit["intervals"]:
            key = (audit["year"], row["profession"], row["level"], row["territory"])
            if row["level"] == "part":
                epci = -1 if row["epci"] is None else row["epci"]
                key = (audit["year"], row["profession"], "place", epci, row["territory"])
                assert key in places
            low, high = bounds[(*key, row["table"])]
            assert low <= row["low"] + 1e-6
            assert high >= min(row["high"], 1e12) - 1e-6
    return bounds


@pytest.mark.parametrize(
    ("cell_rows", "reason"),
    [
        # Two employers.
        ([(1, 10), (2, 10)], "employers"),
        # Three employers, four people.
        ([(1, 1), (2, 1), (3, 2)], "people"),
        # One of three employers holds 90 %.
        ([(1, 90), (2, 5), (3, 5)], "dominance"),
        # Three establishments but two organisations.
        ([(1, 10), (1, 10), (2, 10)], "employers"),
        # A line of zeros is no answer: two employers.
        ([(1, 10), (2, 10), (3, 0, 0)], "employers"),
        # One organisation's two establishments hold 90 % together (45 % each).
        ([(1, 45), (1, 45), (2, 5), (3, 5)], "dominance"),
        # A third of the people, but 90 % of the full-time equivalents (the others part
        # time).
        ([(1, 10, 9), (2, 10, 0.5), (3, 10, 0.5)], "dominance"),
    ],
)
def test_primary_rules(cell_rows, reason):
    rows = grid(skip={("A", 101)})
    rows += [(2024, "A", 9000 + employer, 101, 10, *figures) for employer, *figures in cell_rows]
    frame = contributions(rows)
    protection = protect(frame)
    target = cell(protection, "A", "epci", 101)
    assert (target["status"], target["reason"]) == ("primary", reason)
    assert protection.is_suppressed(2024, "A", "epci", 101)
    # The big cells around it are not primary.
    assert cell(protection, "B", "epci", 102)["reason"] in ("", "secondary")
    assert_safe(frame, protection)


def test_a_lone_primary_gets_complements_in_its_row_and_its_column():
    rows = grid(skip={("A", 101)})
    rows += [(2024, "A", 1010 + k, 101, 10, 10) for k in range(2)]
    frame = contributions(rows)
    protection = protect(frame)
    hidden = masked(protection)
    assert list(hidden[hidden["status"] == "primary"]["profession"]) == ["A"]
    epci = hidden[hidden["level"] == "epci"]
    row = epci[(epci["profession"] == "A") & (epci["territory"] != 101)]
    column = epci[(epci["profession"] != "A") & (epci["territory"] == 101)]
    assert len(row) and len(column)
    assert set(hidden[hidden["status"] == "secondary"]["reason"]) == {"secondary"}
    bounds = assert_safe(frame, protection)
    # Without them, the lone cell is exactly known from its row's total.
    cells = protection.cells.copy()
    cells.loc[cells["status"] == "secondary", "status"] = "published"
    assert too_narrow(cells, attack(frame, cells))
    assert bounds


def test_departements_with_nested_epcis_and_one_straddling():
    rows = grid()
    # EPCI 300 straddles the départements: profession A with 3 employers in 10 and 2 in
    # 20; profession B with 2 employers only, one on each side (primary).
    rows += [(2024, "A", 3000 + k, 300, 10, 10) for k in range(3)]
    rows += [(2024, "A", 3010 + k, 300, 20, 7) for k in range(2)]
    rows += [(2024, "B", 3000, 300, 10, 4), (2024, "B", 3010, 300, 20, 6)]
    frame = contributions(rows)
    protection = protect(frame)
    # By hand: the EPCI adds both sides; each département its EPCIs and its side of 300.
    assert cell(protection, "A", "epci", 300)["headcount"] == 30 + 14
    assert cell(protection, "A", "epci", 300)["employers"] == 5
    assert cell(protection, "A", "departement", 10)["headcount"] == 100 + 30
    assert cell(protection, "A", "departement", 20)["headcount"] == 100 + 14
    assert cell(protection, "A", "region", REGION)["headcount"] == 244
    assert cell(protection, ALL_PROFESSIONS, "epci", 300)["headcount"] == 54
    assert cell(protection, ALL_PROFESSIONS, "departement", 10)["headcount"] == 3 * 100 + 34
    # The atoms (one side of 300) are never cells of their own.
    levels = protection.cells.groupby("level")["territory"].agg(set)
    assert levels["epci"] == {101, 102, 201, 202, 300}
    assert levels["departement"] == {10, 20}
    assert levels["region"] == {REGION}
    target = cell(protection, "B", "epci", 300)
    assert (target["status"], target["reason"]) == ("primary", "employers")
    assert (masked(protection)["reason"] == "secondary").any()
    assert_safe(frame, protection)


def test_a_profession_in_one_epci_of_a_departement():
    # Profession D is in EPCI 101 only in département 10 (two employers: primary) and in
    # EPCI 201 only in département 20: each EPCI's cell is its département's, one atom.
    # The région's D less département 20 would give département 10 away: the région's D
    # or département 20's (with its EPCI, the same figure) must be masked.
    rows = grid()
    rows += [(2024, "D", 1010 + k, 101, 10, 10) for k in range(2)]
    rows += [(2024, "D", 2010 + k, 201, 20, 10) for k in range(5)]
    frame = contributions(rows)
    protection = protect(frame)
    for epci, departement in ((101, 10), (201, 20)):
        same = (
            cell(protection, "D", "epci", epci),
            cell(protection, "D", "departement", departement),
        )
        assert same[0]["headcount"] == same[1]["headcount"]
        assert same[0]["status"] == same[1]["status"]
    assert cell(protection, "D", "departement", 10)["status"] == "primary"
    assert cell(protection, "D", "region", REGION)["status"] == "secondary" or (
        cell(protection, "D", "departement", 20)["status"] == "secondary"
    )
    assert_safe(frame, protection)


def test_cells_without_employers_are_never_complements():
    # Profession C is absent from EPCI 102: the cheapest complement of (A, 101), were it
    # a cell, as it is 0 and known to be.
    rows = grid(skip={("A", 101), ("C", 102)})
    rows += [(2024, "A", 1010 + k, 101, 10, 10) for k in range(2)]
    frame = contributions(rows)
    protection = protect(frame)
    assert (protection.cells["employers"] >= 1).all()
    assert not (
        (protection.cells["profession"] == "C")
        & (protection.cells["level"] == "epci")
        & (protection.cells["territory"] == 102)
    ).any()
    assert not protection.is_suppressed(2024, "C", "epci", 102)
    assert (masked(protection)["reason"] == "secondary").any()
    assert_safe(frame, protection)


def test_the_all_professions_row_is_protected():
    # EPCI 101 has only two employers in all: every cell of it is primary, including the
    # all-professions one, which the département's total would give away.
    rows = grid(skip={(profession, 101) for profession in PROFESSIONS})
    rows += [(2024, profession, 1010 + k, 101, 10, 6 + k) for profession in "AB" for k in (0, 1)]
    frame = contributions(rows)
    protection = protect(frame)
    total = cell(protection, ALL_PROFESSIONS, "epci", 101)
    assert (total["status"], total["reason"], total["headcount"]) == ("primary", "employers", 26)
    assert total["employers"] == 2
    assert cell(protection, ALL_PROFESSIONS, "departement", 10)["headcount"] == 26 + 150
    hidden = masked(protection)
    stars = hidden[(hidden["profession"] == ALL_PROFESSIONS) & (hidden["status"] == "secondary")]
    assert len(stars)
    assert_safe(frame, protection)


def random_contributions(seed, *, years=3, employers=30, professions=5, rare=False):
    """A small région with many primary cells: few employers per EPCI, one straddling
    EPCI, communes outside any EPCI, organisations with two establishments, professions an employer lacks (one in
    four; with `rare`, from a quarter for the first profession to nine in ten for the
    last, which then is in one EPCI of a département, its cell the département's)."""
    rng = np.random.default_rng(seed)
    places = [(epci, DEPARTEMENT[epci]) for epci in EPCIS] + [
        (103, 10),
        (203, 20),
        (300, 10),
        (300, 20),
        (None, 20),
    ]
    weights = np.linspace(2, 1, len(places))
    where = rng.choice(len(places), size=employers, p=weights / weights.sum())
    organisation = np.arange(employers) % (employers - 8)  # 8 organisations have two
    lacking = np.linspace(0.25, 0.9, professions) if rare else np.full(professions, 0.25)
    rows = []
    for year in range(2020, 2020 + years):
        sizes = rng.lognormal(1.0, 1.1, (employers, professions)).astype(int)
        for e in range(employers):
            epci, departement = places[where[e]]
            for p in range(professions):
                if rng.random() < lacking[p]:
                    continue
                fte = round(sizes[e, p] * rng.uniform(0.5, 1.0), 1)
                rows.append(
                    (year, f"P{p}", int(organisation[e]), epci, departement, sizes[e, p], fte)
                )
    return contributions(rows)


@pytest.mark.parametrize(
    "instance",
    [
        {"seed": 7},
        # Rare professions: some are in one EPCI of a département, and such a cell, one
        # atom with its département's, is among the complements: both must be masked.
        {"seed": 6, "rare": True, "professions": 6, "employers": 40},
    ],
)
def test_an_attacker_cannot_narrow_any_masked_cell(instance):
    frame = random_contributions(**instance)
    protection = protect(frame)
    statuses = protection.cells["status"].value_counts()
    assert statuses["primary"] >= 30 and statuses["secondary"] >= 5
    assert len(protection.audits) == 3
    assert_safe(frame, protection)


def test_without_secondary_secrecy_the_attacker_succeeds():
    frame = random_contributions(7)
    cells = protect(frame).cells.copy()
    cells.loc[cells["status"] == "secondary", "status"] = "published"
    narrow = too_narrow(cells, attack(frame, cells))
    assert len(narrow) >= 5


def test_protection_is_deterministic():
    frame = random_contributions(11)
    first = protect(frame)
    again = protect(frame.sample(frac=1, random_state=3).reset_index(drop=True))
    pd.testing.assert_frame_equal(first.cells, again.cells)
    assert first.suppressed == again.suppressed

    def without_time(audits):
        return [{k: v for k, v in audit.items() if k != "seconds"} for audit in audits]

    assert without_time(first.audits) == without_time(again.audits)


def test_the_audit_fits_the_model_that_stores_it():
    frame = random_contributions(5, years=2)
    protection = protect(frame, rules=SecrecyRules(margin_share=0.2))
    audit = protection.audits[0]
    assert set(audit) == {
        "year",
        "cells",
        "primary",
        "secondary",
        "failures",
        "narrowest",
        "intervals",
        "seconds",
    }
    json.dumps(protection.audits, allow_nan=False)
    year = protection.cells[protection.cells["year"] == audit["year"]]
    assert audit["cells"] == len(year)
    # The parts (never published) a primary rule protects count among the primary.
    parts = sum(row["level"] == "part" for row in audit["intervals"]) // 2
    assert parts >= 1
    assert audit["primary"] == (year["status"] == "primary").sum() + parts
    assert audit["secondary"] == (year["status"] == "secondary").sum()
    assert len(audit["intervals"]) == 2 * (audit["primary"] + audit["secondary"])
    assert audit["narrowest"] >= 1
    row = audit["intervals"][0]
    assert set(row) == {
        "profession",
        "territory",
        "level",
        "table",
        "value",
        "low",
        "high",
        "margin",
        "reason",
        "ok",
    }
    assert row["margin"] == max(0.2 * row["value"], 3)
    assert protection.failures == 0


def test_no_contributions():
    frame = contributions([(2024, "A", 1, 101, 10, 0, 0)])
    protection = protect(frame)
    assert protection.cells.empty and protection.audits == [] and protection.failures == 0


def test_ids_are_unique_per_cell():
    protection = protect(contributions(grid()))
    keys = protection.cells[["year", "profession", "level", "territory"]]
    assert not keys.duplicated().any()
    assert len(protection.cells) == (len(PROFESSIONS) + 1) * (len(EPCIS) + 2 + 1)
    assert masked(protection).empty


def test_a_commune_outside_any_epci_counts_in_its_departement_only():
    rows = grid()
    rows += [(2024, "A", 5000 + k, None, 10, 10) for k in range(3)]  # L'Île-d'Yeu's way
    protection = protect(contributions(rows))
    assert set(protection.cells["territory"][protection.cells["level"] == "epci"]) == set(EPCIS)
    assert cell(protection, "A", "departement", 10)["headcount"] == 130
    assert cell(protection, "A", "region", REGION)["headcount"] == 230
    assert protection.failures == 0


@pytest.mark.parametrize(
    ("epci", "departement"),
    [(None, 10), (300, 20)],
    ids=["outside-any-epci", "one-side-of-a-straddling-epci"],
)
def test_a_lone_employer_no_table_publishes_is_not_given_away_by_subtraction(epci, departement):
    # Every EPCI cell is safe, but one employer sits where no cell is its own: the
    # département less its whole EPCIs would give its figures away, exactly.
    rows = grid()
    if epci == 300:
        rows += [(2024, "A", 3000 + k, 300, 10, 10) for k in range(5)]
    rows += [(2024, "A", 9000, epci, departement, 12)]
    frame = contributions(rows)
    protection = protect(frame)
    parts = [
        row
        for row in protection.audits[0]["intervals"]
        if row["level"] == "part" and row["profession"] == "A"
    ]
    assert {(row["territory"], row["epci"], row["reason"]) for row in parts} == {
        (departement, epci, "employers")
    }
    assert all(row["ok"] for row in parts)
    assert not masked(protection).empty
    assert_safe(frame, protection)
    # Were every cell published, the attacker would pin it down.
    everything = protection.cells.assign(status="published")
    places = sensitive_places(frame)
    narrow = too_narrow(everything, attack(frame, everything, places), places)
    assert {key[:5] for key, *_ in narrow} >= {
        (2024, "A", "place", -1 if epci is None else epci, departement)
    }

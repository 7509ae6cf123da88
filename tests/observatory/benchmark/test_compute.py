"""The benchmark computed at recompute time: groups, quartiles and positions checked by hand
(tests/observatory/benchmark/conftest.py), the secrecy rule, and a second run of the
computation replacing the first."""

import numpy as np
import pandas as pd
import pytest

from observatory.benchmark.compute import (
    YEARS_KEPT,
    _computed,
    _windowed_quartiles,
    benchmark_compute,
    size_band,
)
from observatory.benchmark.models import BenchmarkGroup, BenchmarkKind, BenchmarkPosition
from observatory.indicators.contributions import validated_contributions
from observatory.returns.fields import NAMES
from tests.observatory.benchmark.conftest import AIDE, EDUC, YEAR, educators, succeeded_run

pytestmark = pytest.mark.django_db


def test_size_bands_of_the_total_headcount():
    assert [size_band(n) for n in (0, 1, 9, 10, 49, 50, 249, 250, 4000)] == [
        "0-9",
        "0-9",
        "0-9",
        "10-49",
        "10-49",
        "50-249",
        "50-249",
        "250+",
        "250+",
    ]


def test_contributions_read_the_latest_validated_version(peers, establishments):
    frame = validated_contributions()
    assert len(frame) == 9  # six homes, the Foyer, the home-care service, the CCAS
    foyer = frame[frame["establishment"] == establishments.home.pk].iloc[0]
    assert foyer["profession"] == EDUC
    assert foyer["vacant_posts"] == 7 and foyer["posts_budgeted"] == 20
    assert foyer["employer"] == establishments.home.organisation_id
    assert foyer["year"] == YEAR


def test_similar_employers_checked_by_hand(computed, establishments, small_geography, reference):
    position = BenchmarkPosition.objects.select_related("similar", "territory").get(
        establishment=establishments.home
    )
    assert position.year == YEAR and position.headcount == 12
    similar = position.similar
    assert similar.kind == BenchmarkKind.SIMILAR
    assert similar.sector == reference.child
    assert similar.territory == small_geography["departement"]
    assert similar.size_band == "10-49"
    assert (similar.employers, similar.establishments) == (7, 7)
    # Vacancy rates 5, 10, 15, 20, 25, 30 and the Foyer's 35.
    assert similar.distributions[EDUC]["taux-vacance"] == [5, 10, 15, 20, 25, 30, 35]
    # Seven values: too few for quartiles to be told (the median would be a member's).
    summary = similar.summaries[EDUC]["taux-vacance"]
    assert summary == {"values": 7, "employers": 7, "largest": pytest.approx(1 / 7, abs=1e-4)}
    # (6 below + half of itself) / 7 = 92.9 %, rounded to 95; above Q3.
    value, similar_place, _territory_place = position.comparisons[EDUC]["taux-vacance"]
    assert value == 35.0
    assert similar_place == [95, "highest"]


def test_territory_checked_by_hand(computed, establishments, small_geography):
    position = BenchmarkPosition.objects.select_related("territory").get(
        establishment=establishments.home
    )
    territory = position.territory
    assert territory.kind == BenchmarkKind.TERRITORY
    assert territory.territory == small_geography["epci_a"]
    # Five homes, the Foyer and the home-care service: six employers, seven establishments.
    assert (territory.employers, territory.establishments) == (6, 7)
    summary = territory.summaries[EDUC]["taux-vacance"]
    assert (summary["values"], "median" in summary) == (6, False)
    # (5 below + ½) / 6 = 91.7 %, rounded to 90.
    assert position.comparisons[EDUC]["taux-vacance"][2] == [90, "highest"]
    # All professions: the home-care service's 1 vacant post of 6 (16.7 %) joins them.
    everyone = territory.summaries["*"]["taux-vacance"]
    assert everyone["values"] == 7 and "median" not in everyone


def test_a_group_with_too_few_employers_is_secret(computed, establishments):
    position = BenchmarkPosition.objects.select_related("similar").get(
        establishment=establishments.care
    )
    # The home-care service and the CCAS: two employers.
    assert position.similar.employers == 2
    assert position.comparisons[AIDE]["taux-vacance"][1] == 0  # secret
    summary = position.similar.summaries[AIDE]["taux-vacance"]
    assert "median" not in summary and "q1" not in summary
    # The CCAS's own position is secret too, in both its groups.
    other = BenchmarkPosition.objects.get(establishment=establishments.other)
    assert other.comparisons[AIDE]["taux-vacance"] == [42.5, 0, 0]


def test_the_last_home_of_beta_is_secret_in_its_territory(computed):
    beta = computed.peers[-1]
    entry = BenchmarkPosition.objects.get(establishment=beta).comparisons[EDUC]["taux-vacance"]
    assert entry == [30.0, [80, "highest"], 0]


def test_running_again_replaces_the_run(computed):
    counts = (BenchmarkGroup.objects.count(), BenchmarkPosition.objects.count())
    assert counts == (4, 9)
    result = benchmark_compute(computed.run.pk)
    assert (result["groups"], result["positions"]) == counts
    assert (BenchmarkGroup.objects.count(), BenchmarkPosition.objects.count()) == counts
    # Another run keeps its own; the first stays while it is the one readers see.
    second = succeeded_run()
    second.state = "running"
    second.save(update_fields=["state"])
    benchmark_compute(second.pk)
    assert BenchmarkGroup.objects.filter(run=computed.run).count() == 4
    assert BenchmarkGroup.objects.filter(run=second).count() == 4


def test_no_validated_figures_write_nothing(db):
    run = succeeded_run()
    assert benchmark_compute(run.pk)["groups"] == 0
    assert not BenchmarkGroup.objects.exists()


# --- The rule on frames built here (no database needed for the arithmetic) ---


def frame(members):
    """A contributions frame: (employer, establishment, epci, headcount, vacant) per line,
    all of one sector and département, specialised educators, 20 posts budgeted."""
    rows = []
    for employer, establishment, epci, headcount, vacant in members:
        figures = educators(vacant, headcount=headcount, headcount_start=headcount)
        rows.append(
            {
                "year": YEAR,
                "establishment": establishment,
                "employer": employer,
                "sector": 1,
                "departement": 10,
                "epci": epci,
                "region": 100,
                "profession": EDUC,
                **{name: float(figures[name]) for name in NAMES},
            }
        )
    return pd.DataFrame(rows)


def entries(members):
    _groups, positions = _computed(frame(members))
    # {establishment: its place in its territory (the EPCI)}
    return {p["establishment"]: p["comparisons"][EDUC]["taux-vacance"][2] for p in positions}


def test_five_employers_besides_ones_own_are_needed():
    six = [(e, e, 1000, 12, e) for e in range(1, 7)]
    assert entries(six)[1] == [10, "lowest"]
    five = six[:5]
    assert entries(five)[1] == 0


def test_ones_own_other_establishments_do_not_count_as_other_employers():
    # Employer 1 has three establishments; with four other employers, still too few.
    members = [(1, 1, 1000, 12, 1), (1, 2, 1000, 12, 2), (1, 3, 1000, 12, 3)]
    members += [(e, e + 10, 1000, 12, e) for e in range(2, 6)]
    found = entries(members)
    assert [found[e] for e in (1, 2, 3)] == [0, 0, 0]
    # One more employer, and every member is compared.
    found = entries([*members, (6, 16, 1000, 12, 6)])
    assert all(place for place in found.values())


def test_an_employer_over_85_percent_of_the_headcount_makes_the_group_secret():
    # Six small employers and a large one in the same EPCI: its headcount (500 of 560)
    # is 89 % of the group's.
    members = [(e, e, 1000, 10, e) for e in range(1, 7)] + [(7, 7, 1000, 500, 3)]
    found = entries(members)
    assert all(place == 0 for place in found.values())
    # At 80 %, the same group is compared.
    members[-1] = (7, 7, 1000, 240, 3)
    found = entries(members)
    assert all(place for place in found.values())


def test_a_value_without_denominator_has_no_position():
    members = [(e, e, 1000, 12, e) for e in range(1, 8)]
    rows = frame(members)
    rows.loc[0, "posts_budgeted"] = 0
    _groups, positions = _computed(rows)
    first = next(p for p in positions if p["establishment"] == 1)
    # No value of its own, no position; the others are still compared.
    assert first["comparisons"][EDUC]["taux-vacance"] == [None, [None, None], [None, None]]


def test_an_establishments_measures_use_the_indicators_formulas():
    rows = frame([(1, 1, 1000, 12, 2)])
    rows.loc[0, "headcount_start"] = 11
    _groups, positions = _computed(rows)
    measures = positions[0]["comparisons"][EDUC]
    average = (12 + 11) / 2
    assert measures["effectif"][0] == 12
    assert measures["part-55-plus"][0] == pytest.approx(100 * 2 / 12, abs=1e-4)
    assert measures["taux-demission"][0] == pytest.approx(100 * 1 / average, abs=1e-4)
    assert measures["rotation"][0] == pytest.approx(100 * (3 + 2) / 2 / average, abs=1e-4)
    assert measures["absenteisme"][0] == pytest.approx(100 * 130 / (10.5 * 365), abs=1e-4)


def test_only_the_latest_campaigns_are_kept(computed):
    contributions = validated_contributions()
    every = pd.concat(
        [contributions.assign(year=YEAR - back) for back in range(YEARS_KEPT + 1)],
        ignore_index=True,
    )
    benchmark_compute(computed.run.pk, every)
    years = set(BenchmarkPosition.objects.filter(run=computed.run).values_list("year", flat=True))
    assert years == {YEAR - back for back in range(YEARS_KEPT)}


def test_a_later_runs_benchmark_keeps_the_one_readers_see(computed):
    from observatory.benchmark.selectors import benchmarked_run
    from observatory.benchmark.tasks import benchmark_run
    from territories.pipeline.models import PipelineRun

    assert benchmarked_run() == computed.run
    # Published, its own benchmark job still waiting; then a run that failed.
    PipelineRun.objects.create(state="succeeded")
    failed = PipelineRun.objects.create(state="failed")
    assert benchmark_run.run_job(job=None, run_id=failed.pk) == {"skipped": True}
    benchmark_compute(failed.pk)  # even computed, it drops nothing readers see
    assert benchmarked_run() == computed.run


def test_a_large_groups_quartiles_are_means_of_three_employers(crowded, establishments):
    position = BenchmarkPosition.objects.select_related("similar").get(
        establishment=establishments.home
    )
    summary = position.similar.summaries[EDUC]["taux-vacance"]
    assert summary["values"] == summary["employers"] == 13
    assert (summary["q1"], summary["median"], summary["q3"]) == (6.7, 13.0, 22.0)
    assert position.comparisons[EDUC]["taux-vacance"][1] == [95, "highest"]
    # No quartile is any member's value.
    values = position.similar.distributions[EDUC]["taux-vacance"]
    assert not {summary["q1"], summary["median"], summary["q3"]} & set(values)


def test_quartiles_are_told_only_from_windows_of_different_employers():
    values = np.arange(13, dtype=float) * 10
    assert _windowed_quartiles(values, np.arange(13), [13]).tolist() == [[30.0, 60.0, 90.0]]
    # Twelve values: the windows would overlap; none told.
    assert np.isnan(_windowed_quartiles(values[:12], np.arange(12), [12])).all()
    # Two of the median's window from one employer: an employer inside it would learn
    # the third's value; the median is not told, the others are.
    employers = np.arange(13)
    employers[5] = employers[6]
    found = _windowed_quartiles(values, employers, [13])[0]
    assert found[0] == 30 and np.isnan(found[1]) and found[2] == 90
    # Two groups one after the other; two significant digits.
    both = np.concatenate([values + 1.234, values[:5]])
    found = _windowed_quartiles(both, np.arange(18), [13, 5])
    assert found[0].tolist() == [31.0, 61.0, 91.0] and np.isnan(found[1]).all()

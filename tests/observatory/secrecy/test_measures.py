"""Secrecy measure by measure: a measure of a published cell is masked where fewer than 3
employers give the figures it reads."""

import datetime

import pandas as pd
import pytest

from observatory.campaigns.models import Campaign
from observatory.indicators.definitions import ALL_PROFESSIONS, indicator_slug
from observatory.returns.fields import NAMES
from observatory.secrecy.measures import withheld_measures
from territories.choices import RunState, ValueStatus
from territories.pipeline import services as pipeline
from territories.pipeline.models import AggregateValue, PipelineRun
from tests.observatory.conftest import good_figures
from tests.observatory.indicators.test_indicators import EDUC, employer, validated

WITHOUT_POSTS = {"posts_budgeted": 0, "vacant_posts": 0, "long_vacant_posts": 0}


def frame(lines):
    """(employer, profession, figures) → contributions in EPCI 101, département 10."""
    rows = []
    for number, profession, figures in lines:
        rows.append(
            {
                "year": 2024,
                "profession": profession,
                "employer": number,
                "epci": 101,
                "departement": 10,
                "region": 1,
                **{name: float(figures.get(name, 0)) for name in NAMES},
            }
        )
    return pd.DataFrame(rows)


def test_a_vacancy_rate_two_employers_give_is_masked():
    lines = [(1, "A", good_figures()), (2, "A", good_figures())]
    lines.append((3, "A", good_figures(**WITHOUT_POSTS)))
    found = withheld_measures(frame(lines), min_employers=3)
    for profession in ("A", ALL_PROFESSIONS):
        for level, territory in (("epci", 101), ("departement", 10), ("region", 1)):
            row = found.loc[(2024, profession, level, territory)]
            assert row["taux-vacance"] and row["taux-vacance-longue"]
            assert row["indice-tension"]  # one of its components is masked
            assert not row["effectif"] and not row["rotation"] and not row["absenteisme"]


def test_an_employer_with_nobody_left_counts_for_what_it_gives():
    # The third employer has no one in the profession any more but three posts, all
    # vacant, and its leavers: it takes part in the vacancy rates and the turnover, not in
    # the headcount.
    gone = {"headcount": 0, "fte": 0, "headcount_start": 2, "posts_budgeted": 3}
    gone |= {"vacant_posts": 3, "departures_resignation": 2}
    lines = [(1, "A", good_figures()), (2, "A", good_figures()), (3, "A", gone)]
    row = withheld_measures(frame(lines), min_employers=3).loc[(2024, "A", "epci", 101)]
    assert not row["taux-vacance"] and not row["rotation"] and not row["taux-demission"]
    assert row["effectif"] and row["absenteisme"] and row["part-cdd"]


@pytest.mark.django_db
def test_the_recompute_masks_the_measure_and_publishes_the_cell(reference, small_geography):
    geo = small_geography
    campaign = Campaign.objects.create(
        year=2024,
        reference_date=datetime.date(2024, 12, 31),
        opens_on=datetime.date(2025, 1, 15),
        closes_on=datetime.date(2025, 3, 31),
    )
    places = ["98001", "98002", "98003", "98001", "98004", "98005", "98004", "98005"]
    for number, code in enumerate(places, start=1):
        # The tension index's components vary from one EPCI to the other.
        figures = good_figures(
            vacant_posts=number,
            long_vacant_posts=int(number == 5),
            hires=number,
            absence_days_sickness=100 + 10 * number,
        )
        if number in (1, 2):
            figures |= WITHOUT_POSTS
        validated(
            campaign,
            employer(number, geo[code], reference.child, reference.association),
            {EDUC: figures},
        )
    pipeline.recompute_now(reason="test")
    run = PipelineRun.objects.filter(state=RunState.SUCCEEDED).latest("pk")

    def row(measure, place):
        return AggregateValue.objects.get(
            run=run,
            indicator__slug=indicator_slug(measure, EDUC),
            territory=geo[place],
            period=2024,
        )

    # Alpha: four employers, two of them give posts: its vacancy rates are masked, its
    # headcount is not; Bêta's four all give them.
    assert (row("taux-vacance", "epci_a").status, row("taux-vacance", "epci_a").value) == (
        ValueStatus.SECRET,
        None,
    )
    assert row("indice-tension", "epci_a").status == ValueStatus.SECRET
    assert row("effectif", "epci_a").value == 48
    assert row("taux-vacance", "epci_b").value == pytest.approx(100 * 26 / 52)
    assert row("indice-tension", "epci_b").status == ValueStatus.OK

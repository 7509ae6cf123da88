"""Weak signals detection: each rule on small hand-made data, scores, and the real region."""

import io

import pytest
from django.core.management import call_command

from territories.analyses.models import Typology, TypologyLabel, TypologyMembership, TypologyResult
from territories.catalogue.models import Indicator, IndicatorValue
from territories.choices import Level, RunState, SignalRule
from territories.pipeline.models import PipelineRun
from territories.pipeline.selectors import published_run_id
from territories.signals import detection
from territories.signals import selectors as signal_selectors
from territories.signals.models import WeakSignal
from tests.territories.pipeline.test_pipeline import put
from tests.territories.signals.conftest import RULES, plain, published_run, signals

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------- rules


def test_threshold_names_the_value_and_the_threshold(small_geography):
    geo = small_geography
    put(
        geo,
        "taux-chomage-15-64",
        {"98001": 20.0, "98002": 14.0, "98003": 9.0, "98004": 8.0, "98005": 13.9},
        period=2022,
    )
    run = published_run()
    found = {s.territory.code: s for s in signals(run, rule=SignalRule.THRESHOLD)}
    assert set(found) == {"98001", "98002"}  # at the threshold counts; just below does not
    signal = found["98001"]
    assert signal.period == 2022 and signal.indicator.slug == "taux-chomage-15-64"
    assert signal.score == pytest.approx(1 + 6 / 14, abs=1e-3)
    assert "Taux de chômage des 15-64 ans" in signal.explanation
    assert "20,0 %" in signal.explanation and "14,0 %" in signal.explanation
    assert signal.details["threshold"] == 14 and signal.details["values"] == {"2022": 20.0}
    assert signal.details["why"] == "Chômage élevé."


def test_trend_needs_consecutive_adverse_changes_over_three_periods(small_geography):
    geo = small_geography
    series = {
        2019: {"98001": 8.0, "98002": 8.0, "98003": 10.0, "98004": 12.0},
        2020: {"98001": 9.0, "98002": 10.0, "98003": 10.2, "98004": 11.0},
        2021: {"98001": 10.0, "98002": 9.0, "98003": 10.4, "98004": 10.0},
    }
    for period, values in series.items():
        put(geo, "taux-chomage-15-64", values, period=period)
    # Only two periods: too short to speak of a trend.
    put(geo, "taux-chomage-15-64", {"98005": 5.0}, period=2020)
    put(geo, "taux-chomage-15-64", {"98005": 9.0}, period=2021)
    # A neutral indicator never raises a trend, however it moves.
    for period, value in ((2011, 100), (2016, 150), (2021, 200)):
        put(geo, "population", {"98001": value}, period=period)
    run = published_run()
    found = signals(run, rule=SignalRule.TREND)
    # 98002 went down last; 98003 rose by 4 % only; 98004 improved.
    assert [s.territory.code for s in found] == ["98001"]
    signal = found[0]
    assert signal.details["adverse_changes"] == 2 and signal.details["change_pct"] == 25.0
    assert signal.score == pytest.approx(25 / 10)
    assert "8,0 %" in signal.explanation and "10,0 %" in signal.explanation
    assert "2019" in signal.explanation and "2021" in signal.explanation


def test_outlier_against_the_departement_without_typology(small_geography):
    geo = small_geography
    put(
        geo,
        "part-minima-sociaux",
        {"98001": 1.0, "98002": 1.2, "98003": 1.4, "98004": 1.1, "98005": 5.0},
    )
    run = published_run()
    found = signals(run, rule=SignalRule.OUTLIER)
    assert [s.territory.code for s in found] == ["98005"]
    signal = found[0]
    # median 1.2, MAD 0.2: 0.6745 × 3.8 / 0.2
    assert signal.details["z"] == pytest.approx(0.6745 * 3.8 / 0.2, abs=1e-3)
    assert signal.details["class"]["size"] == 5
    assert "Département test" in signal.explanation and "5,0 %" in signal.explanation


def test_outlier_compares_with_the_typology_class_of_the_run(small_geography):
    geo = small_geography
    put(
        geo,
        "part-minima-sociaux",
        {"98001": 1.0, "98002": 1.1, "98003": 3.0, "98004": 3.0, "98005": 3.2},
    )
    run = PipelineRun.objects.create(state=RunState.RUNNING)
    typology = Typology.objects.create(name="Typologie communale", slug="tc", level=Level.COMMUNE)
    TypologyLabel.objects.create(typology=typology, number=1, label="Bourgs ruraux")
    result = TypologyResult.objects.create(run=run, typology=typology, k=2)
    for code, number in (("98001", 1), ("98002", 1), ("98003", 1), ("98004", 2), ("98005", 2)):
        TypologyMembership.objects.create(result=result, territory=geo[code], number=number)
    rules = {**RULES, "outlier": {**RULES["outlier"], "min_group": 3}}
    detection.detect(run_id=run.pk, rules=rules)
    found = signals(run, rule=SignalRule.OUTLIER)
    # Among the whole département 98003 is ordinary; among its class it stands out.
    assert [s.territory.code for s in found] == ["98003"]
    assert found[0].details["class"]["label"] == "Bourgs ruraux"
    assert "Bourgs ruraux" in found[0].explanation


def test_halo_just_above_the_poverty_line(small_geography):
    geo = small_geography
    put(geo, "decile-1", {"98001": 13896, "98002": 15000, "98003": 15300, "98004": 13000})
    run = published_run()
    found = sorted(signals(run, rule=SignalRule.HALO), key=lambda s: -s.score)
    # At the line and 8 % above: in; 10.1 % above, or below the line: out.
    assert [s.territory.code for s in found] == ["98001", "98002"]
    explanation = plain(found[0].explanation)
    assert "13 896 € par UC et par an" in explanation
    assert "1er décile du niveau de vie" in explanation
    assert found[0].details["source"] == "INSEE"


def test_scores_rank_the_list_and_detecting_again_does_not_duplicate(small_geography):
    geo = small_geography
    put(
        geo,
        "taux-chomage-15-64",
        {"98001": 28.0, "98002": 15.0, "98003": 7.0, "98004": 7.0, "98005": 7.0},
        period=2022,
    )
    put(geo, "decile-1", {"98002": 14000})
    run = published_run()
    WeakSignal.objects.create(
        run=run, territory=geo["98004"], rule=SignalRule.FIELD, score=1, explanation="Terrain."
    )
    before = WeakSignal.objects.count()
    stats = detection.detect(run_id=run.pk, rules=RULES)
    assert WeakSignal.objects.count() == before  # replaced, not added; field signal kept
    assert stats["threshold"] == 2 and stats["halo"] == 1
    flagged = signal_selectors.flagged_territories()
    # 28 % is twice the threshold (score 2.0); 15 % (1.07) plus a halo (1.06) scores 2.13.
    assert [item.territory.code for item in flagged][:3] == ["98002", "98001", "98004"]
    assert [item.territory.code for item in signal_selectors.flagged_territories(rule="halo")] == [
        "98002"
    ]
    assert signal_selectors.flagged_territories(level=Level.EPCI) == []


# ----------------------------------------------------------------------------- pages


# ----------------------------------------------------------------------------- e-mails


# ----------------------------------------------------------------------------- API


# ----------------------------------------------------------------------------- the region


def test_the_real_region_flags_a_few_dozen_territories(db):
    call_command("load_territories", stdout=io.StringIO())
    run_id = published_run_id()
    queryset = WeakSignal.objects.filter(run_id=run_id)
    territories = queryset.values("territory").distinct().count()
    assert 30 <= territories <= 300
    # Thresholds fire on a few dozen territories, not hundreds.
    by_threshold = queryset.filter(rule="threshold").values("territory").distinct().count()
    assert 10 <= by_threshold <= 100
    assert queryset.filter(rule="halo").exists()
    assert queryset.filter(rule="outlier").exists()
    assert queryset.filter(rule="threshold", territory__level="epci").exists()
    # Every explanation names a figure.
    assert all(any(ch.isdigit() for ch in s.explanation) for s in queryset[:50])
    assert Indicator.objects.filter(slug="decile-1").exists()
    assert IndicatorValue.objects.filter(indicator__slug="decile-1").exists()

"""What the weak signals tests share: the shipped rules on small communes, a published run
built from them, and a run with a few signals flagged."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from territories.choices import RunState
from territories.pipeline.models import PipelineRun
from territories.signals import detection
from territories.signals.models import WeakSignal
from tests.territories.pipeline.test_pipeline import put

# The shipped rules, on communes of a few hundred inhabitants.
RULES = {
    "min_population": 0,
    "trend": {
        "min_periods": 3,
        "consecutive": 2,
        "levels": ["commune", "epci"],
        "indicators": [
            {"indicator": "taux-chomage-15-64", "min_change_pct": 10, "why": "Chômage."},
            {"indicator": "population", "min_change_pct": 1},
        ],
    },
    "threshold": {
        "levels": ["commune", "epci", "departement"],
        "indicators": [
            {"indicator": "taux-chomage-15-64", "threshold": 14, "why": "Chômage élevé."},
            {"indicator": "taux-pauvrete", "threshold": 18},
        ],
    },
    "outlier": {
        "z": 3.5,
        "min_group": 5,
        "levels": ["commune", "epci"],
        "indicators": [{"indicator": "part-minima-sociaux"}],
    },
    "halo": {
        "indicator": "decile-1",
        "period": 2021,
        "poverty_line": 13896,
        "margin": 0.10,
        "levels": ["commune", "epci"],
        "source": "INSEE",
    },
}


def plain(text):
    """French digit grouping uses (narrow) no-break spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


_minutes = iter(range(1, 10_000))
REVIEW_FIELD = re.compile(r'name="s\d+-status"')


def published_run(rules=RULES):
    """A published run whose signals are detected from the values put so far."""
    run = PipelineRun.objects.create(
        state=RunState.SUCCEEDED, finished_at=timezone.now() + timedelta(minutes=next(_minutes))
    )
    detection.detect(run_id=run.pk, rules=rules)
    return run


def signals(run, **filters):
    return list(WeakSignal.objects.filter(run=run, **filters).select_related("territory"))


@pytest.fixture
def flagged(small_geography):
    put(
        small_geography,
        "taux-chomage-15-64",
        {"98001": 20.0, "98002": 16.0, "98003": 7.0},
        period=2022,
    )
    put(small_geography, "decile-1", {"98001": 14000, "98003": 14500})
    published_run()
    return small_geography

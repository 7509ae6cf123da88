"""Every classification method on awkward data: skewed, one huge outlier, constant, two
distinct values, fewer values than classes, values not known (NaN, secret), negative.

Whatever the data, the classes the explorer draws must increase, start at the smallest value
and end at the largest, hold every value once and none be empty. The one exception is manual
breaks: the reader chooses them (within the data's range, as the explorer checks), and a class
between two of them may hold no value.
"""

import itertools
from types import SimpleNamespace

import numpy as np
import pytest

from territories.choices import ClassificationMethod, ValueStatus
from territories.maps import explorer
from territories.maps.classification import CLASS_COUNTS, class_bounds
from territories.maps.layers import layer_document

RNG = np.random.default_rng(17)

DATA = {
    "lognormal": RNG.lognormal(0, 2, 800),
    "one huge outlier": np.r_[np.arange(1.0, 60.0), 1e6],
    "mostly equal": np.r_[np.full(200, 4.0), [4.5, 90.0]],
    "constant": np.full(25, 5.0),
    "two distinct values": np.array([1.0, 2.0, 2.0, 1.0, 2.0]),
    "fewer values than classes": np.array([3.2, -1.0, 7.5, 0.4]),
    "one value": np.array([12.0]),
    "with NaN": np.r_[RNG.normal(10, 3, 100), [np.nan] * 10],
    "negative": RNG.normal(-50, 20, 300),
    "around zero, skewed": np.r_[-RNG.lognormal(0, 1.5, 100), RNG.lognormal(2, 1, 30)],
}

COMPUTED = [m for m in ClassificationMethod if m != ClassificationMethod.MANUAL]


def _classes_of(values, bounds):
    """Class index (0-based) of every value, as the explorer assigns it (`classified_rows`)."""
    state = {"method": ClassificationMethod.QUANTILES, "classes": len(bounds), "breaks": []}
    document = {
        "classes": {ClassificationMethod.QUANTILES: {str(len(bounds)): bounds}},
        "max": float(values.max()),
        "values": {f"{i:05}": [float(v), ValueStatus.OK, 1.0, None] for i, v in enumerate(values)},
    }
    rows = explorer.classified_rows(document, state)
    assert [row["code"] for row in rows] == sorted(document["values"])
    return [row["class"] - 1 for row in rows]


def _check(values, bounds, *, allow_empty=False):
    assert bounds, "no classes"
    assert all(b > a for a, b in itertools.pairwise(bounds)), bounds
    assert bounds[0] >= values.min(), "the first class would be inverted"
    assert bounds[-1] == pytest.approx(values.max())
    lowers = [values.min(), *bounds[:-1]]
    counts = [0] * len(bounds)
    for value, index in zip(values, _classes_of(values, bounds), strict=True):
        # Exactly one class: above the previous bound (or the minimum), up to its own.
        assert lowers[index] <= value <= bounds[index]
        assert index == 0 or value > lowers[index]
        counts[index] += 1
    assert sum(counts) == len(values)
    if not allow_empty:
        assert all(counts), f"empty class in {bounds}: {counts}"


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("method", COMPUTED)
def test_every_method_gives_ordered_bounded_non_empty_classes(name, method):
    raw = DATA[name]
    values = raw[np.isfinite(raw)]
    bounds = class_bounds(raw)[method]
    assert set(bounds) == {str(k) for k in CLASS_COUNTS}
    distinct = len(np.unique(values))
    for k in CLASS_COUNTS:
        _check(values, bounds[str(k)])
        assert len(bounds[str(k)]) <= min(k, distinct)


@pytest.mark.parametrize("method", COMPUTED)
def test_constant_data_is_one_class(method):
    bounds = class_bounds(DATA["constant"])[method]
    assert all(bounds[str(k)] == [5.0] for k in CLASS_COUNTS)


@pytest.mark.parametrize("method", COMPUTED)
def test_few_distinct_values_are_a_class_each(method):
    assert class_bounds(DATA["two distinct values"])[method]["5"] == [1.0, 2.0]
    assert class_bounds(DATA["fewer values than classes"])[method]["7"] == [-1.0, 0.4, 3.2, 7.5]


def test_the_standard_deviation_drops_classes_outside_the_data():
    # Mean − 1 standard deviation is below the smallest value: the map showed an inverted,
    # empty first class (« 5,0 – 1,8 (0) »).
    values = np.r_[np.full(50, 5.0), np.arange(6.0, 30.0), [400.0]]
    mean, spread = values.mean(), values.std(ddof=1)  # as mapclassify computes it
    assert mean - spread < values.min()
    bounds = class_bounds(values)[ClassificationMethod.STD_MEAN]["3"]
    assert bounds == pytest.approx([mean + spread, values.max()])
    _check(values, bounds)


def test_no_values_no_classes():
    assert class_bounds([]) == {}
    assert class_bounds([np.nan, np.nan]) == {}


def test_manual_breaks_close_at_the_maximum():
    values = DATA["negative"]
    document = {"max": float(values.max()), "min": float(values.min()), "classes": {}}
    middle = float(np.median(values))
    state = {"method": ClassificationMethod.MANUAL, "classes": 5, "breaks": [middle]}
    assert explorer.check_breaks_range(document, state["breaks"]) is None
    _check(values, explorer.bounds_for(document, state))
    # No breaks: one class, from the minimum to the maximum.
    _check(values, explorer.bounds_for(document, state | {"breaks": []}))
    # Breaks the reader chose may leave a class empty: the one allowed exception.
    gap = [float(values.max()) - 1e-9 - 2e-9, float(values.max()) - 1e-9]
    _check(values, explorer.bounds_for(document, state | {"breaks": gap}), allow_empty=True)


def test_layers_class_only_known_values():
    """Secret, withheld and NaN values never shape the classes, however few are known."""
    indicator = SimpleNamespace(
        slug="x",
        name="X",
        unit="%",
        polarity="lower_better",
        decimals=1,
        source="INSEE",
        source_vintage=2021,
    )
    rows = {
        1: (12.0, ValueStatus.OK, 1.0),
        2: (15.0, ValueStatus.PARTIAL, 0.8),
        3: (999.0, ValueStatus.SECRET, 0.0),
        4: (-50.0, ValueStatus.WITHHELD, 0.2),
        5: (float("nan"), ValueStatus.OK, 1.0),
        6: (None, ValueStatus.MISSING, 0.0),
    }
    document = layer_document(
        indicator=indicator,
        level="epci",
        period=2021,
        periods=[2021],
        rows=rows,
        codes={tid: f"C{tid}" for tid in rows},
        run=SimpleNamespace(pk=1),
    )
    assert (document["min"], document["max"], document["known"]) == (12.0, 15.0, 2)
    for method in COMPUTED:
        assert document["classes"][method]["5"] == [12.0, 15.0]
    assert document["values"]["C3"][0] is None and document["values"]["C5"][0] is None

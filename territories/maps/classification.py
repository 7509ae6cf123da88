"""Choropleth classes: the class bounds of every method for 3 to 7 classes, by mapclassify.

A class is given by its upper bound: the first holds the values from the minimum to its bound,
each next one the values above the previous bound up to its own, the last ends at the
maximum. Whatever the method, the bounds given to the explorer increase strictly, lie within
the data's range and leave no class empty: a method may therefore give fewer classes than
asked for (the standard deviation on skewed data, repeated values), and constant data gives
one class.
"""

import warnings

import numpy as np

from territories.choices import ClassificationMethod

CLASS_COUNTS = range(3, 8)


# Classes of the standard-deviation method: bounds at the mean plus these multiples of the
# standard deviation (mapclassify's sample standard deviation); on skewed data the lower
# ones fall below the smallest value, and tidy() drops them rather than open empty classes.
STD_MULTIPLES = {
    3: [-1, 1],
    4: [-1, 0, 1],
    5: [-2, -1, 1, 2],
    6: [-2, -1, 0, 1, 2],
    7: [-3, -2, -1, 1, 2, 3],
}


EXACT_JENKS_LIMIT = 5000


class Breaks:
    """Upper bounds of classes, as mapclassify's classifiers give them (`bins`)."""

    def __init__(self, bins):
        self.bins = np.asarray(bins, dtype=float)


def natural_breaks(values, k):
    """Fisher-Jenks breaks (jenkspy); exact up to a few thousand values (a region's
    communes), from a fixed sample beyond (a country's), where the exact algorithm grows with
    the square. The last bound is always the largest value."""
    import jenkspy

    values = np.asarray(values, dtype=float)
    sample = values
    if len(values) > EXACT_JENKS_LIMIT:
        sample = np.random.default_rng(0).choice(values, EXACT_JENKS_LIMIT, replace=False)
        sample = np.concatenate([sample, [values.min(), values.max()]])
    bins = jenkspy.jenks_breaks(sample, n_classes=k)[1:]
    bins[-1] = values.max()
    return Breaks(bins)


def tidy(bins, values):
    """The bounds kept of a method's `bins` for sorted finite `values`: strictly increasing,
    from within the data's range to its maximum, and none closing an empty class (an empty
    class is merged into the one below it)."""
    top = float(values[-1])
    kept = [*sorted({float(b) for b in bins if values[0] <= b < top}), top]
    # Number of values up to each bound: a class is empty when it counts as many as the
    # class below; dropping the lower bound merges the two.
    counts = np.searchsorted(values, kept, side="right")
    result, below = [], 0
    for bound, count in zip(kept, counts, strict=True):
        if count == below:
            result[-1] = bound
        else:
            result.append(bound)
        below = count
    return result


def _methods(values):
    import mapclassify

    return (
        (ClassificationMethod.QUANTILES, lambda k: mapclassify.Quantiles(values, k=k)),
        (ClassificationMethod.EQUAL_INTERVAL, lambda k: mapclassify.EqualInterval(values, k=k)),
        (ClassificationMethod.NATURAL_BREAKS, lambda k: natural_breaks(values, k)),
        (
            ClassificationMethod.STD_MEAN,
            lambda k: mapclassify.StdMean(values, multiples=STD_MULTIPLES[k]),
        ),
    )


def class_bounds(values):
    """Upper bounds of each class for every method and class count (mapclassify), as tidy()
    keeps them; values that are not numbers (NaN) are left out. With no more distinct values
    than classes asked for, each distinct value is a class of its own."""
    values = np.asarray(values, dtype=float)
    values = np.sort(values[np.isfinite(values)])
    if not len(values):
        return {}
    distinct = np.unique(values)
    result = {}
    for method, build in _methods(values):
        result[method] = {}
        for k in CLASS_COUNTS:
            if len(distinct) <= k:
                bins = distinct
            else:
                try:
                    with warnings.catch_warnings():
                        # mapclassify warns, then quietly lowers k, when values repeat.
                        warnings.simplefilter("ignore", UserWarning)
                        bins = build(k).bins
                except (ValueError, ZeroDivisionError):
                    continue
            result[method][str(k)] = tidy(bins, values)
    return result

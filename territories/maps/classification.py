"""Choropleth classes: the class bounds of every method for 3 to 7 classes, by mapclassify."""

import warnings

import numpy as np

from territories.choices import ClassificationMethod

CLASS_COUNTS = range(3, 8)


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


def class_bounds(values):
    """Upper bounds of each class for every method and class count (mapclassify)."""
    import mapclassify

    values = np.asarray(values, dtype=float)
    result = {}
    distinct = np.unique(values)
    for method, build in (
        (ClassificationMethod.QUANTILES, lambda k: mapclassify.Quantiles(values, k=k)),
        (ClassificationMethod.EQUAL_INTERVAL, lambda k: mapclassify.EqualInterval(values, k=k)),
        (ClassificationMethod.NATURAL_BREAKS, lambda k: natural_breaks(values, k)),
        (
            ClassificationMethod.STD_MEAN,
            lambda k: mapclassify.StdMean(values, multiples=STD_MULTIPLES[k]),
        ),
    ):
        result[method] = {}
        for k in CLASS_COUNTS:
            if len(distinct) < k:
                continue
            try:
                with warnings.catch_warnings():
                    # mapclassify warns, then quietly lowers k, when values repeat.
                    warnings.simplefilter("ignore", UserWarning)
                    classifier = build(k)
            except (ValueError, ZeroDivisionError):
                continue
            if len(classifier.bins) == k and np.all(np.diff(classifier.bins) > 0):
                result[method][str(k)] = [round(float(b), 6) for b in classifier.bins]
    return result

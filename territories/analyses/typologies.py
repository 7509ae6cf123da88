"""Typologies, computed by the pipeline (a step of recompute_finish).

Territories of one level are clustered on standardised indicators. Class numbers must mean
the same thing from one run to the next (analysts label them), so new classes are matched
to the classes of the published run by their centroids before they are numbered.
"""

import numpy as np
from django.db import transaction
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import silhouette_score

from territories.analyses.composites import column, values_matrix
from territories.analyses.models import Typology, TypologyMembership, TypologyResult
from territories.catalogue import selectors
from territories.choices import ClusteringMethod


class TypologyError(Exception):
    """A typology that cannot be computed with the data of this run."""


def standardise(raw):
    """z-scores per column (population standard deviation); a constant column gives 0."""
    mean = raw.mean(axis=0)
    spread = raw.std(axis=0)
    spread[spread == 0] = 1.0
    return (raw - mean) / spread, mean, spread


def cluster(*, data, k, method, seed):
    """Labels 0..k-1 for each row."""
    if method == ClusteringMethod.WARD:
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(data)
    return KMeans(n_clusters=k, random_state=seed, n_init=10).fit_predict(data)


def choose_k(*, data, k, k_max, method, seed):
    """The number of classes and the silhouette score of each k tried.

    Every k from 2 to k_max is scored, so that the analyst sees how well each separates;
    with k given that k is kept, otherwise the best score wins (the smaller k on a tie).
    """
    n = len(data)
    if k is not None:
        if k < 2:
            raise TypologyError("A typology needs at least 2 classes.")
        if k > n:
            raise TypologyError(
                f"{k} classes asked for, but only {n} territories have every variable."
            )
        scores = {}
        for candidate in range(2, min(max(k_max, k), n - 1) + 1):
            tried = cluster(data=data, k=candidate, method=method, seed=seed)
            if len(set(tried)) > 1:
                scores[candidate] = float(silhouette_score(data, tried))
        labels = cluster(data=data, k=k, method=method, seed=seed)
        return k, labels, scores
    candidates = range(2, min(k_max, n - 1) + 1)
    if not candidates:
        raise TypologyError(f"Too few territories ({n}) to choose a number of classes.")
    scores, labelings = {}, {}
    for candidate in candidates:
        labels = cluster(data=data, k=candidate, method=method, seed=seed)
        labelings[candidate] = labels
        scores[candidate] = (
            float(silhouette_score(data, labels)) if len(set(labels)) > 1 else float("-inf")
        )
    best = max(candidates, key=lambda c: (scores[c], -c))
    return best, labelings[best], {c: s for c, s in scores.items() if np.isfinite(s)}


def previous_centroids(*, typology, variables, mean, spread):
    """Centroids of the published run's classes, standardised as today's data.

    Profiles keep class means in raw units, so a centroid survives a change of the data's
    mean and spread. Returns ({number: centroid}, columns used) or ({}, None).
    """
    run_id = selectors.published_run_id()
    result = (
        TypologyResult.objects.filter(typology=typology, run_id=run_id, error="")
        .only("profiles")
        .first()
    )
    if result is None or not result.profiles:
        return {}, None
    keys = [(v.indicator.slug, v.period) for v in variables]
    centroids = {}
    for profile in result.profiles:
        means = {(m["indicator"], m["period"]): m["mean"] for m in profile.get("means", [])}
        if not all(key in means for key in keys):
            return {}, None
        centroids[int(profile["number"])] = np.array([means[key] for key in keys])
    return {n: (c - mean) / spread for n, c in centroids.items()}, keys


def number_classes(*, labels, data, previous):
    """Map cluster labels to stable class numbers.

    Matched to the previous classes by the nearest centroids (Hungarian assignment);
    classes left unmatched, or all of them without a previous run, are numbered by
    decreasing size (then by their first member, for determinism).
    """
    found = sorted(set(labels.tolist()))
    sizes = {label: int((labels == label).sum()) for label in found}
    first = {label: int(np.argmax(labels == label)) for label in found}
    numbering = {}
    if previous:
        numbers = sorted(previous)
        centroids = np.array([data[labels == label].mean(axis=0) for label in found])
        old = np.array([previous[n] for n in numbers])
        cost = ((centroids[:, None, :] - old[None, :, :]) ** 2).sum(axis=2)
        rows, cols = linear_sum_assignment(cost)
        for row, col in zip(rows, cols, strict=True):
            numbering[found[row]] = numbers[col]
    used = set(numbering.values())
    next_number = 1
    for label in sorted(found, key=lambda label: (-sizes[label], first[label])):
        if label in numbering:
            continue
        while next_number in used:
            next_number += 1
        numbering[label] = next_number
        used.add(next_number)
    return np.array([numbering[label] for label in labels.tolist()])


def profiles_build(*, typology, variables, raw, numbers):
    """Per class: number, size, label, and each variable's mean against the overall mean."""
    labels = {label.number: label.label for label in typology.labels.all()}
    overall = raw.mean(axis=0)
    profiles = []
    for number in sorted(set(numbers.tolist())):
        rows = raw[numbers == number]
        class_means = rows.mean(axis=0)
        profiles.append(
            {
                "number": int(number),
                "size": len(rows),
                "label": labels.get(int(number), ""),
                "means": [
                    {
                        "indicator": variable.indicator.slug,
                        "name": variable.indicator.name,
                        "unit": variable.indicator.unit,
                        "period": variable.period,
                        "mean": float(class_means[i]),
                        "overall": float(overall[i]),
                    }
                    for i, variable in enumerate(variables)
                ],
            }
        )
    return profiles


def typology_compute(*, typology, run_id):
    """Compute one typology for a run: its TypologyResult and memberships."""
    variables = sorted(typology.variables.all(), key=lambda v: v.pk)
    pairs = [(v.indicator_id, v.period) for v in variables]
    matrix = values_matrix(run_id=run_id, level=typology.level, pairs=pairs)
    complete = matrix[[column(pair) for pair in pairs]].dropna()
    excluded = len(matrix) - len(complete)
    try:
        if len(variables) < 2:
            raise TypologyError("A typology needs at least 2 variables.")
        raw = complete.to_numpy(dtype=float)
        data, mean, spread = standardise(raw)
        k, labels, scores = choose_k(
            data=data,
            k=typology.k,
            k_max=typology.k_max,
            method=typology.method,
            seed=typology.seed,
        )
    except TypologyError as exc:
        TypologyResult.objects.create(
            run_id=run_id, typology=typology, k=typology.k or 0, excluded=excluded, error=str(exc)
        )
        return 0
    previous, _keys = previous_centroids(
        typology=typology, variables=variables, mean=mean, spread=spread
    )
    numbers = number_classes(labels=labels, data=data, previous=previous)
    result = TypologyResult.objects.create(
        run_id=run_id,
        typology=typology,
        k=k,
        silhouette=scores.get(k),
        silhouettes={str(key): value for key, value in sorted(scores.items())},
        profiles=profiles_build(typology=typology, variables=variables, raw=raw, numbers=numbers),
        excluded=excluded,
    )
    TypologyMembership.objects.bulk_create(
        [
            TypologyMembership(result=result, territory_id=int(territory_id), number=int(number))
            for territory_id, number in zip(complete.index, numbers, strict=True)
        ],
        batch_size=2000,
    )
    return len(numbers)


def compute(*, run_id):
    """Compute every Typology for this run; return stats.

    Replaces what an earlier attempt wrote for the run (memberships go with their result).
    """
    typologies = list(
        Typology.objects.prefetch_related("variables__indicator", "labels").order_by("pk")
    )
    members = 0
    with transaction.atomic():
        TypologyResult.objects.filter(run_id=run_id).delete()
        for typology in typologies:
            members += typology_compute(typology=typology, run_id=run_id)
    return {"typologies": len(typologies), "memberships": members}

"""Reads for analyses: composite indexes and typologies as the published run holds them."""

from django.db.models import Prefetch

from territories.analyses.models import (
    CompositeComponent,
    CompositeIndex,
    CompositeResult,
    Typology,
    TypologyMembership,
    TypologyResult,
)
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id

RANKED = 20


def composites_published():
    """Composite indexes with their components and the published run's result."""
    return (
        CompositeIndex.objects.select_related("indicator")
        .prefetch_related(
            Prefetch(
                "components",
                queryset=CompositeComponent.objects.select_related("indicator").order_by("pk"),
            ),
            Prefetch(
                "results",
                queryset=CompositeResult.objects.filter(run_id=published_run_id()),
                to_attr="published_results",
            ),
        )
        .order_by("indicator__name")
    )


def composite_result(*, composite):
    results = getattr(composite, "published_results", None)
    if results is None:
        results = list(composite.results.filter(run_id=published_run_id()))
    return results[0] if results else None


def composite_ranked(*, composite, limit=RANKED):
    """The territories with the highest index (the most fragile by default), published."""
    order = "value" if composite.indicator.polarity == "higher_better" else "-value"
    return (
        AggregateValue.objects.filter(
            run_id=published_run_id(),
            indicator_id=composite.indicator_id,
            period=composite.period,
            value__isnull=False,
        )
        .select_related("territory")
        .defer("territory__geometry")
        .order_by(order, "territory__code")[:limit]
    )


def typologies_published():
    """Typologies with their variables, labels and the published run's result."""
    return Typology.objects.prefetch_related(
        "variables__indicator",
        "labels",
        Prefetch(
            "results",
            queryset=TypologyResult.objects.filter(run_id=published_run_id()),
            to_attr="published_results",
        ),
    ).order_by("name")


def typology_result(*, typology):
    results = getattr(typology, "published_results", None)
    if results is None:
        results = list(typology.results.filter(run_id=published_run_id()))
    return results[0] if results else None


def typology_classes(*, typology, result):
    """The published profiles with today's labels (labels are edited between runs)."""
    if result is None:
        return []
    labels = {label.number: label.label for label in typology.labels.all()}
    return [{**profile, "label": labels.get(profile["number"], "")} for profile in result.profiles]


def typology_members(*, result):
    """{class number: [territories]} of a result, in name order."""
    if result is None:
        return {}
    groups = {}
    memberships = (
        TypologyMembership.objects.filter(result=result)
        .select_related("territory")
        .only("number", "territory__level", "territory__code", "territory__name")
        .order_by("number", "territory__name")
    )
    for membership in memberships:
        groups.setdefault(membership.number, []).append(membership.territory)
    return groups


def typology_codes(*, result):
    """{territory code: class number} of a result."""
    if result is None:
        return {}
    return dict(
        TypologyMembership.objects.filter(result=result)
        .order_by("territory__code")
        .values_list("territory__code", "number")
    )

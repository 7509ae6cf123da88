"""Runs that overlap or lose their worker: the newest complete run stays the one readers see,
and no publication takes away another run's figures."""

import pytest

from territories.catalogue.selectors import territory_values
from territories.choices import RunState
from territories.pipeline import services as pipeline
from territories.pipeline.models import AggregateValue, PipelineRun, RunChunk
from territories.pipeline.selectors import published_run_id
from tests.territories.pipeline.test_pipeline import put

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(small_geography):
    put(
        small_geography,
        "personnes-menages-fiscaux",
        {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250},
    )
    return small_geography


def started_but_stuck(capture):
    """A run claimed by a worker that then went silent: its chunks recorded, none run."""
    run = PipelineRun.objects.create(reasons=["stuck"])
    with capture(execute=False):  # its jobs are never delivered
        pipeline.recompute_start(run_id=run.pk)
    return run


def readable(territory):
    return [row for row in territory_values(territory=territory) if row["value"] is not None]


def test_an_older_run_finishing_late_never_replaces_the_newer_one(
    data, django_capture_on_commit_callbacks
):
    first = pipeline.recompute_now(reason="first")
    stuck = started_but_stuck(django_capture_on_commit_callbacks)
    numbers = list(stuck.chunks.order_by("number").values_list("number", flat=True))
    for number in numbers[:-1]:
        pipeline.recompute_chunk(run_id=stuck.pk, number=number)
    written = AggregateValue.objects.filter(run_id=stuck.pk).count()
    assert written

    newer = pipeline.recompute_now(reason="an import meanwhile")
    assert published_run_id() == newer.pk
    # The newer run's publication left the unfinished run's values alone.
    assert AggregateValue.objects.filter(run_id=stuck.pk).count() == written
    assert AggregateValue.objects.filter(run_id=first.pk).exists()  # the previous one is kept

    # The stuck run's worker is replaced and the run completes, late.
    pipeline.recompute_chunk(run_id=stuck.pk, number=numbers[-1], inline=True)
    stuck.refresh_from_db()
    assert stuck.state == RunState.FAILED
    assert "Superseded" in stuck.error
    assert published_run_id() == newer.pk
    assert readable(data["epci_a"])
    assert readable(data["region"])


def test_a_run_missing_values_is_not_published(data, django_capture_on_commit_callbacks):
    published = pipeline.recompute_now(reason="published")
    run = started_but_stuck(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        for number in run.chunks.values_list("number", flat=True):
            pipeline.recompute_chunk(run_id=run.pk, number=number)
    expected = sum(RunChunk.objects.filter(run=run).values_list("values", flat=True))
    assert AggregateValue.objects.filter(run_id=run.pk).count() == expected
    # Something took some of its values away before its last step.
    doomed = AggregateValue.objects.filter(run_id=run.pk).values("pk")[:3]
    AggregateValue.objects.filter(pk__in=doomed).delete()

    pipeline.recompute_finish(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert "Incomplete" in run.error
    assert published_run_id() == published.pk
    assert readable(data["epci_b"])

"""The hook through which an app above territories publishes indicator values into the
recompute: its chunk, its values read like aggregates, its failures failing the run."""

import pytest

from territories.catalogue.models import Indicator
from territories.catalogue.selectors import territory_values
from territories.choices import Aggregation, RunState, ValueStatus
from territories.pipeline import publishers, tasks
from territories.pipeline import services as pipeline
from territories.pipeline.models import AggregateValue, PipelineRun, RunChunk
from territories.pipeline.selectors import published_run_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(small_geography):
    """A publisher named « test » with one indicator of its own and one detail of it."""
    headline = Indicator.objects.create(
        slug="test-effectif",
        name="Effectif",
        definition="Des personnes.",
        unit="personnes",
        theme="Test",
        source="Enquête de test",
        source_vintage="2024",
        aggregation=Aggregation.SUM,
        published_by="test",
        dimension="Métier",
    )
    detail = Indicator.objects.create(
        slug="test-effectif-aides",
        name="Effectif — aides",
        definition="Des aides.",
        unit="personnes",
        theme="Test",
        source="Enquête de test",
        source_vintage="2024",
        aggregation=Aggregation.SUM,
        published_by="test",
        variant_of=headline,
        variant_label="Aides",
    )
    calls = []

    def publish(*, run_id):
        calls.append(run_id)
        return [
            {
                "indicator_id": indicator.pk,
                "territory_id": small_geography[code].pk,
                "period": 2024,
                "value": value,
                "coverage": 1.0,
                "members": 3,
                "members_known": 3,
                "status": status,
            }
            for indicator, code, value, status in [
                (headline, "epci_a", 12.0, ValueStatus.OK),
                (headline, "epci_b", 4.0, ValueStatus.SECRET),
                (detail, "epci_a", 7.0, ValueStatus.OK),
            ]
        ]

    publishers.register_publisher("test", publish)
    yield {"headline": headline, "detail": detail, "calls": calls, "geo": small_geography}
    publishers.PUBLISHERS.pop("test", None)


def test_a_publisher_has_a_chunk_and_its_values_read_like_aggregates(publisher):
    run = pipeline.recompute_now(reason="test")
    assert run.state == RunState.SUCCEEDED
    assert publisher["calls"] == [run.pk]
    chunk = RunChunk.objects.get(run=run, publisher="test")
    assert sorted(chunk.indicator_ids) == sorted([publisher["headline"].pk, publisher["detail"].pk])
    assert chunk.values == 3
    rows = {
        (row["indicator"].slug, row["status"]): row["value"]
        for row in territory_values(territory=publisher["geo"]["epci_a"])
    }
    assert rows[("test-effectif", ValueStatus.OK)] == 12.0
    assert rows[("test-effectif-aides", ValueStatus.OK)] == 7.0
    secret = AggregateValue.objects.get(
        run=run, indicator=publisher["headline"], territory=publisher["geo"]["epci_b"]
    )
    assert secret.status == ValueStatus.SECRET and secret.value is None


def test_published_indicators_are_not_aggregated_from_communes(publisher):
    run = pipeline.recompute_now(reason="test")
    aggregated = [
        pk
        for ids in RunChunk.objects.filter(run=run, publisher="").values_list(
            "indicator_ids", flat=True
        )
        for pk in ids
    ]
    assert aggregated, "the catalogue's own indicators are aggregated as before"
    assert publisher["headline"].pk not in aggregated
    assert publisher["detail"].pk not in aggregated


def test_running_the_publishers_chunk_again_replaces_what_it_wrote(publisher):
    run = pipeline.recompute_now(reason="test")
    chunk = RunChunk.objects.get(run=run, publisher="test")
    RunChunk.objects.filter(pk=chunk.pk).update(done_at=None)
    PipelineRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    pipeline.recompute_chunk(run_id=run.pk, number=chunk.number)
    assert AggregateValue.objects.filter(run=run, indicator__published_by="test").count() == 3


def test_a_publisher_writing_another_indicator_fails_the_run(publisher, small_geography):
    stranger = Indicator.objects.get(slug="population")

    def greedy(*, run_id):
        return [
            {
                "indicator_id": stranger.pk,
                "territory_id": small_geography["epci_a"].pk,
                "period": 2024,
                "value": 1.0,
                "coverage": 1.0,
                "members": 1,
                "members_known": 1,
                "status": ValueStatus.OK,
            }
        ]

    good = pipeline.recompute_now(reason="good")
    publishers.register_publisher("test", greedy)
    run = PipelineRun.objects.create(reasons=["greedy"])
    PipelineRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    RunChunk.objects.create(run=run, number=1, indicator_ids=[], publisher="test")
    with pytest.raises(publishers.PublisherError):
        tasks.recompute_chunk.run_job(job=None, run_id=run.pk, number=1)
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "does not publish" in run.error
    assert published_run_id() == good.pk
    assert not AggregateValue.objects.filter(run=run, indicator=stranger).exists()

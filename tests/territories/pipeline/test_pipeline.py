"""The recompute pipeline on small hand-checked data: coverage, ratios from counts,
withheld values, coalescing, and failed runs that stay invisible."""

import pytest

from territories.catalogue.models import Indicator, IndicatorValue
from territories.catalogue.selectors import territory_values
from territories.choices import RunState
from territories.pipeline import services as pipeline
from territories.pipeline.models import AggregateValue, PipelineRun
from territories.pipeline.selectors import published_run_id

pytestmark = pytest.mark.django_db


def put(geo, slug, values, period=2021):
    indicator = Indicator.objects.get(slug=slug)
    for code, value in values.items():
        IndicatorValue.objects.create(
            indicator=indicator,
            territory=geo[code],
            period=period,
            value=value,
            status="ok" if value is not None else "secret",
        )


def aggregate_of(territory, slug, period=2021):
    return AggregateValue.objects.get(
        run_id=published_run_id(), territory=territory, indicator__slug=slug, period=period
    )


@pytest.fixture
def poverty(small_geography):
    geo = small_geography
    # The shipped rule withholds bases under 1,000 persons; this toy data is smaller.
    Indicator.objects.filter(slug="taux-pauvrete").update(min_count=0)
    # Persons in fiscal households, and the poverty rate published for three communes only.
    put(
        geo,
        "personnes-menages-fiscaux",
        {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250},
    )
    put(
        geo,
        "taux-pauvrete",
        {"98001": 10.0, "98002": 20.0, "98003": None, "98004": 30.0, "98005": None},
    )
    return geo


def test_aggregates_go_with_their_territory_indicator_and_run(poverty):
    # Without foreign keys in the database (territories.pipeline.models): the ORM deletes them.
    run = pipeline.recompute_now(reason="test")
    values = AggregateValue.objects.filter(run=run)
    assert values.filter(territory=poverty["epci_b"]).exists()
    poverty["epci_b"].delete()
    assert not values.filter(territory_id=poverty["epci_b"].pk).exists()
    rate = Indicator.objects.get(slug="taux-pauvrete")
    assert values.filter(indicator=rate).exists()
    rate.delete()
    assert not values.filter(indicator_id=rate.pk).exists()
    assert values.exists()
    run.delete()
    assert not AggregateValue.objects.filter(run_id=run.pk).exists()


def test_a_rate_comes_from_counts_and_carries_its_coverage(poverty):
    run = pipeline.recompute_now(reason="test")
    assert run.state == RunState.SUCCEEDED
    alpha = aggregate_of(poverty["epci_a"], "taux-pauvrete")
    # (10 % × 100 + 20 % × 200) / (100 + 200) persons: 16.67 %, not the mean of the rates (15 %).
    assert alpha.value == pytest.approx(100 * (10 + 40) / 300)
    # 98001 and 98002 hold 300 of the EPCI's 600 inhabitants.
    assert alpha.coverage == pytest.approx(0.5)
    assert alpha.status == "partial"
    assert (alpha.members, alpha.members_known) == (3, 2)
    beta = aggregate_of(poverty["epci_b"], "taux-pauvrete")
    # 150 of 400 inhabitants: below the 50 % rule, withheld.
    assert beta.coverage == pytest.approx(0.375)
    assert beta.value is None and beta.status == "withheld"
    region = aggregate_of(poverty["region"], "taux-pauvrete")
    # 450 of 1,000 inhabitants covered: withheld too, and its value is not kept.
    assert region.coverage == pytest.approx(0.45)
    assert region.status == "withheld" and region.value is None


def test_sums_and_ratios_with_both_counts(small_geography):
    geo = small_geography
    put(geo, "actifs-15-64", {"98001": 50, "98002": 100, "98003": 150, "98004": 80, "98005": 120})
    put(geo, "chomeurs-15-64", {"98001": 5, "98002": 10, "98003": 30, "98004": 8, "98005": 12})
    put(
        geo, "taux-chomage-15-64", {"98001": 10, "98002": 10, "98003": 20, "98004": 10, "98005": 10}
    )
    pipeline.recompute_now(reason="test")
    assert aggregate_of(geo["departement"], "actifs-15-64").value == 500
    rate = aggregate_of(geo["departement"], "taux-chomage-15-64")
    assert rate.value == pytest.approx(100 * 65 / 500)
    assert rate.status == "ok" and rate.coverage == pytest.approx(1.0)


def test_small_counts_are_withheld(poverty):
    Indicator.objects.filter(slug="taux-pauvrete").update(min_count=1000, min_coverage=0)
    pipeline.recompute_now(reason="test")
    assert aggregate_of(poverty["epci_a"], "taux-pauvrete").status == "withheld"


def test_recompute_is_harmless_to_run_again(poverty):
    pipeline.recompute_now(reason="first")
    first = aggregate_of(poverty["epci_a"], "taux-pauvrete").value
    pipeline.recompute_now(reason="second")
    assert aggregate_of(poverty["epci_a"], "taux-pauvrete").value == first
    runs = set(AggregateValue.objects.values_list("run_id", flat=True))
    assert len(runs) <= 2  # the published run and the one before it


def test_requests_while_a_run_waits_join_it(small_geography, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = pipeline.recompute_request(reason="import 1")
        second = pipeline.recompute_request(reason="import 2")
        third = pipeline.recompute_request(reason="import 3")
    assert first.pk == second.pk == third.pk
    assert PipelineRun.objects.get().reasons == ["import 1", "import 2", "import 3"]


def start_without_sending(capture, run):
    """Claim a run and record its chunks; keep the chunk jobs from being sent."""
    with capture(execute=False):
        pipeline.recompute_start(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_a_run_that_fails_halfway_shows_nothing(
    poverty, settings, django_capture_on_commit_callbacks
):
    pipeline.recompute_now(reason="good")
    published = published_run_id()
    before = aggregate_of(poverty["epci_a"], "taux-pauvrete").value
    settings.RECOMPUTE_CHUNK_INDICATORS = 1
    IndicatorValue.objects.filter(indicator__slug="taux-pauvrete", territory__code="98001").update(
        value=90.0
    )
    run = start_without_sending(
        django_capture_on_commit_callbacks, PipelineRun.objects.create(reasons=["broken"])
    )
    assert run.chunks_total > 1
    # The chunk of the poverty rate writes, then a worker dies or another chunk fails.
    poverty_id = Indicator.objects.get(slug="taux-pauvrete").pk
    chunk = next(c for c in run.chunks.all() if poverty_id in c.indicator_ids)
    pipeline.recompute_chunk(run_id=run.pk, number=chunk.number)
    assert AggregateValue.objects.filter(run=run).exists()
    pipeline.recompute_fail(run_id=run.pk, error="worker lost")
    assert published_run_id() == published
    assert aggregate_of(poverty["epci_a"], "taux-pauvrete").value == before
    rows = territory_values(territory=poverty["epci_a"])
    assert all(row["value"] != pytest.approx(100 * (90 + 40) / 300) for row in rows)


def test_a_chunk_run_twice_replaces_what_it_wrote_and_counts_once(
    poverty, django_capture_on_commit_callbacks
):
    run = start_without_sending(
        django_capture_on_commit_callbacks, PipelineRun.objects.create(reasons=["again"])
    )
    pipeline.recompute_chunk(run_id=run.pk, number=1)
    count = AggregateValue.objects.filter(run=run).count()
    pipeline.recompute_chunk(run_id=run.pk, number=1)
    run.refresh_from_db()
    assert AggregateValue.objects.filter(run=run).count() == count
    assert run.chunks_done == 1


def test_a_start_sent_again_after_a_lost_worker_sends_only_what_is_left(
    poverty, settings, django_capture_on_commit_callbacks
):
    settings.RECOMPUTE_CHUNK_INDICATORS = 2
    run = start_without_sending(
        django_capture_on_commit_callbacks, PipelineRun.objects.create(reasons=["lost"])
    )
    total = run.chunks_total
    pipeline.recompute_chunk(run_id=run.pk, number=1)
    # The sweep sends the start job again: the run keeps its chunks and finishes.
    with django_capture_on_commit_callbacks(execute=True):
        result = pipeline.recompute_start(run_id=run.pk)
    assert result == {"chunks": total - 1}
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED
    assert run.chunks.count() == total and run.chunks_done == total
    assert published_run_id() == run.pk


def test_a_failing_analysis_step_fails_the_run_and_keeps_the_published_one(
    poverty, monkeypatch, django_capture_on_commit_callbacks
):
    from territories.maps import layers as maps
    from territories.pipeline import tasks

    pipeline.recompute_now(reason="good")
    published = published_run_id()
    run = start_without_sending(
        django_capture_on_commit_callbacks, PipelineRun.objects.create(reasons=["bad"])
    )
    for chunk in run.chunks.all():
        with django_capture_on_commit_callbacks(execute=False):
            pipeline.recompute_chunk(run_id=run.pk, number=chunk.number)

    def broken(**kwargs):
        raise ValueError("layers broke")

    monkeypatch.setattr(maps, "build_layers", broken)
    with pytest.raises(ValueError):
        tasks.recompute_finish.run_job(job=None, run_id=run.pk)
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "layers broke" in run.error
    assert published_run_id() == published


def test_coverage_is_measured_on_the_rates_own_denominator(small_geography):
    """A secret commune with many inhabitants but few fiscal households (a barracks, a
    hospital) does not withhold its EPCI's poverty rate: what counts is the share of the
    persons of fiscal households covered, not of the census population."""
    geo = small_geography
    Indicator.objects.filter(slug="taux-pauvrete").update(min_count=0)
    put(geo, "personnes-menages-fiscaux", {"98004": 140, "98005": 100})
    put(geo, "taux-pauvrete", {"98004": 12.0, "98005": None})
    pipeline.recompute_now(reason="test")
    beta = aggregate_of(geo["epci_b"], "taux-pauvrete")
    # 98004 holds 150 of 400 inhabitants (37.5 %) but 140 of 240 fiscal persons (58 %).
    assert beta.coverage == pytest.approx(140 / 240)
    assert beta.status == "partial" and beta.value == pytest.approx(12.0)


def test_coverage_falls_back_on_population_when_the_denominator_is_incomplete(small_geography):
    geo = small_geography
    Indicator.objects.filter(slug="taux-pauvrete").update(min_count=0)
    # 98005's fiscal persons are unknown: its share of the denominator cannot be told.
    put(geo, "personnes-menages-fiscaux", {"98004": 140, "98005": None})
    put(geo, "taux-pauvrete", {"98004": 12.0, "98005": None})
    pipeline.recompute_now(reason="test")
    beta = aggregate_of(geo["epci_b"], "taux-pauvrete")
    assert beta.coverage == pytest.approx(150 / 400)
    assert beta.status == "withheld" and beta.value is None

"""A worker killed (SIGKILL) in the middle of a territories recompute: readers keep the
previous run's figures, the run under way is never current, and the run completes once a
worker is back and beat's sweep hands it the dead worker's jobs."""

import os
import signal
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client

from jobs.services import jobs_sweep
from territories.catalogue.models import IndicatorValue
from territories.choices import RunState
from territories.pipeline import services as pipeline
from territories.pipeline.models import PipelineRun, RunChunk
from territories.pipeline.selectors import current_run, published_run_id
from tests.conftest import running_worker, wait_for, worker_process
from tests.territories.pipeline.test_pipeline import aggregate_of, put

pytestmark = [pytest.mark.soak, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_run_whose_worker_is_killed_shows_nothing_partial_then_completes(
    redis_broker, small_geography, settings
):
    settings.WORKER_LOST_AFTER = timedelta(seconds=2)
    settings.JOBS_RESEND_AFTER = timedelta(seconds=3)
    geo = small_geography
    put(geo, "population", {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250})
    previous = pipeline.recompute_now(reason="previous")
    assert aggregate_of(geo["region"], "population").value == 1000

    # New figures, and a run to compute them on a worker killed half-way.
    IndicatorValue.objects.filter(territory=geo["98001"]).update(value=1100)
    doomed = worker_process(redis_broker, hostname="condamne", RECOMPUTE_CHUNK_INDICATORS="1")
    try:
        with transaction.atomic():
            run = pipeline.recompute_request(reason="killed in the middle")
        assert wait_for(
            lambda: RunChunk.objects.filter(run=run, done_at__isnull=False).count() >= 2, 60
        )
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()

    run.refresh_from_db()
    assert run.state == RunState.RUNNING
    assert RunChunk.objects.filter(run=run, done_at__isnull=True).exists()  # half-way indeed
    # Nothing of the run under way is in sight: the previous run is still the current one.
    assert published_run_id() == previous.pk == current_run().pk
    assert aggregate_of(geo["region"], "population").value == 1000
    assert aggregate_of(geo["epci_a"], "population").value == 600
    page = Client().get(f"/territoires/{geo['region'].level}/{geo['region'].code}/")
    assert page.status_code == 200

    # A worker again; beat's sweep (played here) hands it the dead worker's jobs.
    with running_worker():

        def finished():
            jobs_sweep()
            return PipelineRun.objects.get(pk=run.pk).state != RunState.RUNNING

        assert wait_for(finished, 120)
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED, run.error
    assert published_run_id() == run.pk
    assert aggregate_of(geo["region"], "population").value == 2000
    assert aggregate_of(geo["epci_a"], "population").value == 1600

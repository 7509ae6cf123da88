"""The recompute through real workers on Redis: an analyst's import, then chunk jobs, then
the published figures; and a worker killed in the middle of a run."""

import os
import signal
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from jobs.models import Job
from jobs.services import jobs_sweep
from territories.catalogue.selectors import territory_values
from territories.choices import RunState
from territories.imports import services
from territories.imports.models import DataImport
from territories.pipeline import services as pipeline
from territories.pipeline.models import AggregateValue, PipelineRun, RunChunk
from territories.pipeline.selectors import published_run_id
from tests.conftest import running_worker, wait_for, worker_process
from tests.territories.pipeline.test_pipeline import put

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_import_then_recompute_on_real_workers(redis_broker, small_geography, settings):
    settings.RECOMPUTE_CHUNK_INDICATORS = 2
    upload = SimpleUploadedFile(
        "v.csv", b"CODGEO;POP\n98001;100\n98002;200\n98003;300\n98004;150\n98005;250\n"
    )
    with running_worker():
        data_import = services.data_import_create(
            kind="values",
            uploaded=upload,
            options={
                "level": "commune",
                "code_column": "CODGEO",
                "period": 2021,
                "columns": [{"column": "POP", "indicator": "population", "period": 2021}],
            },
        )
        assert wait_for(lambda: DataImport.objects.get(pk=data_import.pk).state == "succeeded")
        assert wait_for(lambda: published_run_id() is not None)
    run = PipelineRun.objects.get(pk=published_run_id())
    assert run.chunks_total > 1 and run.chunks_done == run.chunks_total
    assert Job.objects.filter(kind="territories.recompute_chunk").count() == run.chunks_total
    assert (
        AggregateValue.objects.get(
            run=run, indicator__slug="population", territory__code="99", period=2021
        ).value
        == 1000
    )


def test_a_worker_killed_mid_run_while_a_newer_run_publishes(
    redis_broker, small_geography, settings
):
    """The production fault: a worker killed during a recompute, a newer run published
    meanwhile, the stuck run taken up again later. The newest complete run stays current and
    the figures stay readable throughout."""
    # Beat's sweep takes up a dead worker's running job and re-sends the queued ones it had
    # reserved; shortened here from 30 s and 120 s.
    settings.WORKER_LOST_AFTER = timedelta(seconds=2)
    settings.JOBS_RESEND_AFTER = timedelta(seconds=3)
    put(
        small_geography,
        "population",
        {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250},
    )
    first = pipeline.recompute_now(reason="first")
    region = small_geography["region"]

    def readable():
        return published_run_id() is not None and any(
            row["value"] is not None for row in territory_values(territory=region)
        )

    # One indicator a chunk: the run is long enough to be killed in the middle.
    doomed = worker_process(redis_broker, hostname="condamne", RECOMPUTE_CHUNK_INDICATORS="1")
    try:
        with transaction.atomic():
            stuck = pipeline.recompute_request(reason="killed in the middle")
        assert wait_for(
            lambda: RunChunk.objects.filter(run=stuck, done_at__isnull=False).count() >= 2, 60
        )
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    stuck.refresh_from_db()
    assert stuck.state == RunState.RUNNING
    assert readable()

    # An import meanwhile: a newer run, computed and published.
    newer = pipeline.recompute_now(reason="newer")
    assert published_run_id() == newer.pk
    assert readable()

    # Another worker; beat's sweep hands it the dead worker's jobs.
    with running_worker():

        def settled():
            jobs_sweep()
            assert readable() and published_run_id() == newer.pk
            return PipelineRun.objects.get(pk=stuck.pk).state != RunState.RUNNING

        assert wait_for(settled, 90)
    stuck.refresh_from_db()
    assert stuck.state == RunState.FAILED and "Superseded" in stuck.error
    assert published_run_id() == newer.pk
    assert AggregateValue.objects.filter(run_id=first.pk).exists()  # the previous one, kept
    assert readable()

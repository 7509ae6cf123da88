"""An analyst's import through real workers on Redis: import job, then the recompute split
into chunk jobs, then the published figures."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from territories.imports import services
from territories.imports.models import DataImport
from territories.pipeline.models import AggregateValue, PipelineRun
from territories.pipeline.selectors import published_run_id
from tests.conftest import running_worker, wait_for

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

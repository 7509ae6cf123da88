"""The background path with real parts: a Celery worker consuming from Redis (production)
and from kombu's filesystem transport (the embedded default), and a broker that is down."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from redis import Redis

from jobs.choices import JobState
from jobs.models import Job, WorkerHeartbeat
from jobs.services import job_enqueue, jobs_sweep
from tests.conftest import broker, running_worker, wait_for, worker_process
from tests.jobs import tasks_for_tests

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def enqueue(task, **arguments):
    with transaction.atomic():
        return job_enqueue(task=task, arguments=arguments, label="test")


def state_of(job):
    return Job.objects.values_list("state", flat=True).get(pk=job.pk)


def test_a_worker_on_redis_runs_a_job_and_reports_progress(redis_broker):
    with running_worker():
        job = enqueue(tasks_for_tests.count_to, n=5, pause=0.1)
        assert wait_for(lambda: state_of(job) == JobState.SUCCEEDED)
    job.refresh_from_db()
    assert job.progress == 100
    assert job.result == {"counted": 5}
    assert job.attempts == 1


def test_a_worker_on_the_filesystem_transport_runs_a_job(filesystem_broker):
    with running_worker():
        job = enqueue(tasks_for_tests.count_to, n=2)
        assert wait_for(lambda: state_of(job) == JobState.SUCCEEDED)


def test_a_job_queued_while_the_broker_is_down_is_not_lost(redis_available):
    with broker("redis://127.0.0.1:1/0"):
        started = time.monotonic()
        job = enqueue(tasks_for_tests.count_to, n=1)
        # Publishing gave up quickly; the job is recorded and waits.
        assert time.monotonic() - started < 10
        assert state_of(job) == JobState.PENDING
    # Past the grace period, the periodic sweep finds it once the broker is back.
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(minutes=5))
    Redis.from_url(redis_available).flushdb()
    with broker(redis_available), running_worker():
        assert jobs_sweep() == 1
        assert wait_for(lambda: state_of(job) == JobState.SUCCEEDED)


def test_health_check_sees_the_worker(redis_broker):
    client = Client()
    assert client.get("/healthz").status_code == 503
    with running_worker():
        assert wait_for(lambda: WorkerHeartbeat.objects.exists())
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {
            "database": "ok",
            "broker": "ok",
            "workers": "ok",
            "status": "ok",
        }
    # A worker that stops says so at once.
    assert not WorkerHeartbeat.objects.exists()
    assert client.get("/healthz").status_code == 503


def test_health_check_reports_a_broker_down_without_leaking_configuration(down_broker):
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "down"
    assert "redis" not in response.content.decode().lower()


def test_a_job_whose_worker_is_killed_is_taken_up_by_another(redis_broker, settings):
    settings.WORKER_LOST_AFTER = timedelta(seconds=3)
    doomed = worker_process(redis_broker, hostname="condamne", include="tests.jobs.tasks_for_tests")
    try:
        job = enqueue(tasks_for_tests.count_to, n=60, pause=0.1)
        assert wait_for(lambda: state_of(job) == JobState.RUNNING, timeout=60)
        assert Job.objects.get(pk=job.pk).worker.startswith("condamne@")
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    killed_at = time.monotonic()
    with running_worker():
        # Beat sends the sweep every 30 s; here the test plays beat.
        assert wait_for(lambda: jobs_sweep() == 1 or state_of(job) != JobState.RUNNING, 30)
        taken_up_after = time.monotonic() - killed_at
        assert wait_for(lambda: state_of(job) == JobState.SUCCEEDED, timeout=60)
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.result == {"counted": 60}
    assert taken_up_after < 20

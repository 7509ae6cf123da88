"""The job lifecycle, with Celery run eagerly: recording, claiming, outcomes, the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.choices import JobState
from jobs.models import Job, WorkerHeartbeat
from jobs.services import job_claim, job_enqueue, job_send, jobs_sweep
from tests.jobs import tasks_for_tests

pytestmark = pytest.mark.django_db


def enqueue(capture, task, **arguments):
    with capture(execute=True):
        job = job_enqueue(task=task, arguments=arguments, label="test")
    job.refresh_from_db()
    return job


def test_a_job_is_recorded_before_it_is_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue(task=tasks_for_tests.count_to, arguments={"n": 3})
    assert Job.objects.get(pk=job.pk).state == JobState.PENDING
    assert len(callbacks) == 1


def test_success_records_progress_and_result(django_capture_on_commit_callbacks):
    job = enqueue(django_capture_on_commit_callbacks, tasks_for_tests.count_to, n=4)
    assert job.state == JobState.SUCCEEDED
    assert job.progress == 100
    assert job.message == "4/4"
    assert job.result == {"counted": 4}
    assert job.attempts == 1
    assert job.started_at <= job.finished_at


def test_an_expected_failure_keeps_its_message_for_the_user(django_capture_on_commit_callbacks):
    job = enqueue(django_capture_on_commit_callbacks, tasks_for_tests.refuse)
    assert job.state == JobState.FAILED
    assert job.error == "Le fichier est vide."


def test_an_unexpected_failure_is_recorded(django_capture_on_commit_callbacks):
    with pytest.raises(ValueError):
        enqueue(django_capture_on_commit_callbacks, tasks_for_tests.explode)
    job = Job.objects.get(kind="tests.explode")
    assert job.state == JobState.FAILED
    assert "boom" in job.error


def test_an_unknown_kind_fails_clearly():
    # e.g. a job recorded before a deployment that renamed its task
    job = Job.objects.create(kind="nobody.knows")
    assert not job_send(job=job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "Unknown job kind" in job.error


def test_running_a_finished_job_again_is_harmless(django_capture_on_commit_callbacks):
    job = enqueue(django_capture_on_commit_callbacks, tasks_for_tests.count_to, n=2)
    assert job_claim(job_id=job.pk) is None
    job_send(job=job)
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.state == JobState.SUCCEEDED


def test_sweep_sends_jobs_that_were_never_sent():
    old = timezone.now() - timedelta(minutes=1)
    job = Job.objects.create(kind="tests.count_to", arguments={"n": 1}, created_at=old)
    fresh = Job.objects.create(kind="tests.count_to", arguments={"n": 1})
    assert jobs_sweep() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert fresh.state == JobState.PENDING  # its own on_commit send is still to come


def test_sweep_requeues_a_run_whose_worker_died(settings):
    lost = timezone.now() - settings.JOBS_RESEND_AFTER - timedelta(hours=2)
    job = Job.objects.create(
        kind="tests.count_to", arguments={"n": 1}, state=JobState.RUNNING, attempts=1
    )
    Job.objects.filter(pk=job.pk).update(updated_at=lost, started_at=lost)
    jobs_sweep()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 2


def test_sweep_gives_up_after_too_many_lost_runs(settings):
    lost = timezone.now() - settings.JOBS_RESEND_AFTER - timedelta(hours=2)
    job = Job.objects.create(
        kind="tests.count_to",
        arguments={"n": 1},
        state=JobState.RUNNING,
        attempts=settings.JOBS_MAX_ATTEMPTS,
    )
    Job.objects.filter(pk=job.pk).update(updated_at=lost)
    jobs_sweep()
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_a_transient_error_is_tried_again_with_one_counter(django_capture_on_commit_callbacks):
    job = enqueue(django_capture_on_commit_callbacks, tasks_for_tests.flaky, failures=2)
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 3
    assert job.result == {"succeeded_at_attempt": 3}


def test_a_job_that_keeps_failing_transiently_stops(settings, django_capture_on_commit_callbacks):
    job = enqueue(django_capture_on_commit_callbacks, tasks_for_tests.flaky, failures=99)
    assert job.state == JobState.FAILED
    assert job.attempts == settings.JOBS_MAX_ATTEMPTS
    assert "ConnectionError" in job.error


def test_a_run_whose_worker_stopped_beating_is_taken_up_within_a_minute(settings):
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="mort@machine", last_seen=now - timedelta(seconds=45))
    WorkerHeartbeat.objects.create(hostname="vivant@machine", last_seen=now)
    quiet = now - timedelta(seconds=45)
    lost = Job.objects.create(
        kind="tests.count_to",
        arguments={"n": 1},
        state=JobState.RUNNING,
        attempts=1,
        worker="mort@machine",
    )
    busy = Job.objects.create(
        kind="tests.count_to",
        arguments={"n": 1},
        state=JobState.RUNNING,
        attempts=1,
        worker="vivant@machine",
    )
    Job.objects.filter(pk__in=[lost.pk, busy.pk]).update(updated_at=quiet)
    assert jobs_sweep(now=now) == 1
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.state == JobState.SUCCEEDED
    assert lost.attempts == 2
    # A live worker's long step is left alone.
    assert busy.state == JobState.RUNNING

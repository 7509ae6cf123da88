"""Writes for background jobs: record, send, claim and run, sweep."""

import logging

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from jobs.choices import WAITING_STATES, JobState
from jobs.models import Job, WorkerHeartbeat

logger = logging.getLogger(__name__)

# Errors after which the same job may well succeed if tried again.
TRANSIENT_ERRORS = (BrokerError, ConnectionError, TimeoutError)


class JobFailed(Exception):
    """Raised by a task for an error its user should read (no traceback is kept)."""


def job_enqueue(*, kind, arguments=None, user=None, label=""):
    """Record a job, then send it to Celery once the surrounding transaction commits.

    `kind` is the name of a task declared with `jobs.tasks.job_task`.

    If the broker cannot be reached the job stays recorded as pending and the periodic
    sweep sends it later: nothing queued is lost.
    """
    job = Job.objects.create(
        kind=kind,
        label=str(label)[:200],
        arguments=arguments or {},
        created_by=user if user is not None and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: job_send(job=job))
    return job


def job_send(*, job):
    """Hand a recorded job to the broker; return whether the broker took it."""
    task = current_app.tasks.get(job.kind)
    if task is None:
        Job.objects.filter(pk=job.pk, state__in=WAITING_STATES).update(
            state=JobState.FAILED,
            error=f"Unknown job kind {job.kind!r}.",
            finished_at=timezone.now(),
        )
        return False
    try:
        # apply_async rather than send_task: it honours CELERY_TASK_ALWAYS_EAGER in tests.
        task.apply_async(args=[str(job.pk)])
    except TRANSIENT_ERRORS as exc:
        logger.warning("Job %s not sent, the sweep will retry: %s", job.pk, exc)
        return False
    now = timezone.now()
    Job.objects.filter(pk=job.pk, state__in=WAITING_STATES).update(
        state=JobState.QUEUED, sent_at=now, updated_at=now
    )
    return True


def job_claim(*, job_id):
    """Take a waiting job for this worker; None when another run already took it."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state__in=WAITING_STATES).update(
        state=JobState.RUNNING,
        started_at=now,
        updated_at=now,
        attempts=F("attempts") + 1,
        progress=0,
        message="",
        error="",
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_run(*, job_id, func):
    """Claim the job and run `func(job=job, **job.arguments)`, recording the outcome.

    Re-running is harmless: a job already running or finished is left alone. A transient
    error puts the job back in the queue and is raised again so that Celery retries.
    """
    job = job_claim(job_id=job_id)
    if job is None:
        logger.info("Job %s already taken or finished; nothing to do.", job_id)
        return None
    try:
        result = func(job=job, **job.arguments)
    except (*TRANSIENT_ERRORS, DatabaseError) as exc:
        if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
            _job_finish(job, JobState.FAILED, error=str(exc))
        else:
            Job.objects.filter(pk=job.pk).update(
                state=JobState.QUEUED, message=str(exc)[:300], updated_at=timezone.now()
            )
        raise
    except JobFailed as exc:
        _job_finish(job, JobState.FAILED, error=str(exc))
        return None
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _job_finish(job, JobState.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    _job_finish(job, JobState.SUCCEEDED, result=result)
    return result


def _job_finish(job, state, *, result=None, error=""):
    now = timezone.now()
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        state=state,
        result=result,
        error=error[:5000],
        progress=100 if state == JobState.SUCCEEDED else F("progress"),
        finished_at=now,
        updated_at=now,
    )


def jobs_sweep(*, now=None):
    """Send again the jobs nobody picked up, and requeue runs whose worker died.

    A job pending for a few seconds was never handed to the broker (it was down); a job
    queued or running with no news for JOBS_RESEND_AFTER lost its message or its worker.
    Returns the number of jobs sent again.
    """
    now = now or timezone.now()
    stale = now - settings.JOBS_RESEND_AFTER
    lost_run = now - settings.JOBS_RESEND_AFTER - _time_limit()
    Job.objects.filter(
        state=JobState.RUNNING, updated_at__lt=lost_run, attempts__gte=settings.JOBS_MAX_ATTEMPTS
    ).update(state=JobState.FAILED, error="Worker lost too many times.", finished_at=now)
    lost_ids = list(
        Job.objects.filter(state=JobState.RUNNING, updated_at__lt=lost_run).values_list(
            "pk", flat=True
        )
    )
    Job.objects.filter(pk__in=lost_ids, state=JobState.RUNNING).update(
        state=JobState.QUEUED, updated_at=now
    )
    waiting = Job.objects.filter(
        Q(state=JobState.PENDING, created_at__lt=now - _pending_grace())
        | Q(state=JobState.QUEUED, updated_at__lt=stale)
        | Q(pk__in=lost_ids, state=JobState.QUEUED)
    )
    sent = 0
    for job in waiting.only("pk", "kind"):
        if job_send(job=job):
            sent += 1
    return sent


def _pending_grace():
    # Leaves time for the on_commit send of a job created just now.
    return timezone.timedelta(seconds=5)


def _time_limit():
    return timezone.timedelta(seconds=current_app.conf.task_time_limit or 0)


def worker_heartbeat_record(*, hostname):
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"last_seen": now})


def worker_heartbeat_forget(*, hostname):
    WorkerHeartbeat.objects.filter(hostname=hostname).delete()

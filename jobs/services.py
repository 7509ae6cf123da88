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


def job_enqueue(*, task, arguments=None, user=None, label=""):
    """Record a job, then send it to Celery once the surrounding transaction commits.

    `task` is a task declared with `jobs.tasks.job_task`; `arguments` are the keyword
    arguments it receives (JSON).

    If the broker cannot be reached the job stays recorded as pending and the periodic
    sweep sends it later: nothing queued is lost.
    """
    job = Job.objects.create(
        kind=task.name,
        label=str(label)[:200],
        arguments=arguments or {},
        created_by=user if user is not None and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: job_send(job=job))
    return job


def job_send(*, job, countdown=None):
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
        task.apply_async(args=[str(job.pk)], countdown=countdown)
    except TRANSIENT_ERRORS as exc:
        logger.warning("Job %s not sent, the sweep will retry: %s", job.pk, exc)
        return False
    now = timezone.now()
    Job.objects.filter(pk=job.pk, state__in=WAITING_STATES).update(
        state=JobState.QUEUED, sent_at=now, updated_at=now
    )
    return True


def job_claim(*, job_id, worker=""):
    """Take a waiting job for this worker; None when another run already took it."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state__in=WAITING_STATES).update(
        state=JobState.RUNNING,
        worker=worker or "",
        started_at=now,
        updated_at=now,
        attempts=F("attempts") + 1,
        progress=0,
        message="",
        error="",
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_run(*, job_id, func, worker=""):
    """Claim the job and run `func(job=job, **job.arguments)`, recording the outcome.

    Re-running is harmless: a job already running or finished is left alone. After a
    transient error the job is sent again later, up to JOBS_MAX_ATTEMPTS: `Job.attempts`
    is the one retry counter (Celery does not retry job tasks itself).
    """
    job = job_claim(job_id=job_id, worker=worker)
    if job is None:
        logger.info("Job %s already taken or finished; nothing to do.", job_id)
        return None
    try:
        result = func(job=job, **job.arguments)
    except (*TRANSIENT_ERRORS, DatabaseError) as exc:
        _job_retry_later(job, exc)
        return None
    except JobFailed as exc:
        _job_finish(job, JobState.FAILED, error=str(exc))
        return None
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _job_finish(job, JobState.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    _job_finish(job, JobState.SUCCEEDED, result=result)
    return result


def _job_retry_later(job, exc):
    if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
        _job_finish(job, JobState.FAILED, error=f"{type(exc).__name__}: {exc}")
        return
    logger.warning("Job %s (%s) will be tried again: %s", job.pk, job.kind, exc)
    requeued = Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        state=JobState.QUEUED, message=str(exc)[:300], updated_at=timezone.now()
    )
    if requeued:
        # Exponential backoff; if the broker is away too, the sweep sends it later.
        job_send(job=job, countdown=min(2**job.attempts, 300))


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
    """Send again the jobs nobody picked up, and take up the runs whose worker died.

    A job pending for a few seconds was never handed to the broker (it was down); a job
    queued with no news for JOBS_RESEND_AFTER lost its message. A running job is taken up
    again as soon as its worker's heartbeat has stopped (WORKER_LOST_AFTER), or, when no
    worker is known for it, once the task time limit has passed. Returns the number of jobs
    sent again.
    """
    now = now or timezone.now()
    lost_ids = _lost_runs(now)
    Job.objects.filter(
        pk__in=lost_ids, state=JobState.RUNNING, attempts__gte=settings.JOBS_MAX_ATTEMPTS
    ).update(state=JobState.FAILED, error="Worker lost too many times.", finished_at=now)
    Job.objects.filter(pk__in=lost_ids, state=JobState.RUNNING).update(
        state=JobState.QUEUED, updated_at=now
    )
    waiting = Job.objects.filter(
        Q(state=JobState.PENDING, created_at__lt=now - _pending_grace())
        | Q(state=JobState.QUEUED, updated_at__lt=now - settings.JOBS_RESEND_AFTER)
        | Q(pk__in=lost_ids, state=JobState.QUEUED)
    )
    sent = 0
    for job in waiting.only("pk", "kind"):
        if job_send(job=job):
            sent += 1
    return sent


def _lost_runs(now):
    """Running jobs whose worker is gone: its heartbeat stopped, or, for a job that names
    no worker, no news since longer than any task may run."""
    quiet = now - settings.WORKER_LOST_AFTER
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=quiet).values("hostname")
    orphaned = Q(worker="", updated_at__lt=now - settings.JOBS_RESEND_AFTER - _time_limit())
    abandoned = ~Q(worker="") & ~Q(worker__in=alive) & Q(updated_at__lt=quiet)
    return list(
        Job.objects.filter(Q(state=JobState.RUNNING) & (orphaned | abandoned)).values_list(
            "pk", flat=True
        )
    )


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

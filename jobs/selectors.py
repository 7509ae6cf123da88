"""Reads about background work: job progress and the health of the moving parts."""

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from jobs.models import WorkerHeartbeat


def database_is_up():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_is_up(*, timeout=2.0):
    try:
        with current_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False


def live_workers(*, now=None):
    """Hostnames of workers whose heartbeat is recent."""
    now = now or timezone.now()
    horizon = now - settings.WORKER_LOST_AFTER
    try:
        return list(
            WorkerHeartbeat.objects.filter(last_seen__gte=horizon).values_list(
                "hostname", flat=True
            )
        )
    except Exception:
        return []


def health_report():
    """{component: bool} for the database, the broker and the workers."""
    database = database_is_up()
    return {
        "database": database,
        "broker": broker_is_up(),
        "workers": bool(database and live_workers()),
    }

"""A worker bootstep that records a heartbeat in the database.

The health check reads it: it works on every broker (kombu's filesystem transport has no
broadcast, so `celery inspect ping` cannot be used on the embedded default).
"""

from celery import bootsteps


def record_heartbeat(hostname):
    from django.db import connection

    from jobs.services import worker_heartbeat_record

    # Runs in the worker's timer thread: never keep a connection open there.
    try:
        worker_heartbeat_record(hostname=hostname)
    finally:
        connection.close()


class HeartbeatStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        record_heartbeat(worker.hostname)
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, record_heartbeat, (worker.hostname,), priority=10
        )

    def stop(self, worker):
        from django.db import connection

        from jobs.services import worker_heartbeat_forget

        if self.tref is not None:
            self.tref.cancel()
        try:
            worker_heartbeat_forget(hostname=worker.hostname)
        finally:
            connection.close()

    def terminate(self, worker):
        # A cold shutdown calls terminate, not stop: the worker is gone either way.
        self.stop(worker)

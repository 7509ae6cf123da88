"""The one Celery wiring of the portal: configuration comes from Django settings."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _prepare_filesystem_broker():
    """kombu's filesystem transport needs its folders to exist before anyone publishes."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


if str(app.conf.broker_url).startswith("filesystem"):
    _prepare_filesystem_broker()


def _add_heartbeat_step(sender=None, **kwargs):
    from jobs.heartbeat import HeartbeatStep

    app.steps["worker"].add(HeartbeatStep)


_add_heartbeat_step()

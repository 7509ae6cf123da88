import contextlib

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app as celery_app
from tests.jobs import tasks_for_tests  # noqa: F401  (registers the test tasks)


@contextlib.contextmanager
def broker(url, transport_options=None):
    """Point the app at another broker for the duration of a test."""
    saved = (
        celery_app.conf.broker_url,
        celery_app.conf.broker_transport_options,
        celery_app.conf.task_always_eager,
    )
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = transport_options or {}
    celery_app.conf.task_always_eager = False
    celery_app._after_fork()  # drop pooled connections to the previous broker
    try:
        yield
    finally:
        (
            celery_app.conf.broker_url,
            celery_app.conf.broker_transport_options,
            celery_app.conf.task_always_eager,
        ) = saved
        celery_app._after_fork()


@contextlib.contextmanager
def running_worker():
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=20,
        loglevel="WARNING",
    ) as worker:
        yield worker


@pytest.fixture
def redis_broker(redis_available):
    from redis import Redis

    Redis.from_url(redis_available).flushdb()
    with broker(redis_available):
        yield redis_available


@pytest.fixture
def filesystem_broker(tmp_path):
    options = {
        "data_folder_in": str(tmp_path / "queue"),
        "data_folder_out": str(tmp_path / "queue"),
        "processed_folder": str(tmp_path / "processed"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    for folder in ("queue", "processed"):
        (tmp_path / folder).mkdir()
    with broker("filesystem://", options):
        yield options


@pytest.fixture
def down_broker():
    # Nothing listens on port 1: connections are refused at once.
    with broker("redis://127.0.0.1:1/0"):
        yield

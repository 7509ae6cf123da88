"""Shared fixtures: the cast of personas, and access to the real services.

Services (Redis, PostgreSQL, Chromium) are real. When one is missing the tests that need
it are skipped, except under CI (CI=true) where a missing service fails the run.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.contrib.testing.worker import start_worker

from portal.accounts.choices import MembershipRole, PortalGroup
from portal.celery import app as celery_app
from territories.catalogue.services import indicator_catalogue_load
from territories.choices import Level
from territories.geography.models import CodeChange, Territory
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

_CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "reference" / "indicators.json"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def require(available, what):
    """Skip when a service is missing; fail instead under CI."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required under CI but is not available.")
    pytest.skip(f"{what} is not available here.")


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """For urllib openers: a redirect is an answer to check, not to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, *, open_=True, timeout=20.0):
    deadline = time.monotonic() + timeout
    while port_open("127.0.0.1", port) != open_:
        assert time.monotonic() < deadline, f"port {port} did not {'open' if open_ else 'close'}"
        time.sleep(0.05)


@contextlib.contextmanager
def gunicorn(env):
    """The site as deployed: gunicorn with the project's gunicorn.conf.py, one worker, in
    environment `env`; yields its port."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port, timeout=30)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def status(port, path, opener=None, headers=None):
    """The HTTP status of GET `path` on 127.0.0.1:`port` (redirects not followed)."""
    opener = opener or urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        return opener.open(request, timeout=20).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters, cached layers and the published run of one test must not reach
    # the next (test databases reuse ids after a rollback).
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: the suite creates many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests do not run collectstatic: serve static files without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Kept pages are renewed when a write commits, which a test's transaction never does:
    # off, except in the tests of the page cache (tests/test_pagecache.py).
    settings.PAGE_CACHE_TTL = 0


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Secours Solidaire du Maine", territory="Le Mans (72)")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(
        name="Entraide Vendée Littoral", territory="Les Sables-d'Olonne (85)"
    )


@pytest.fixture
def cast(db, organisation, other_organisation):
    """The named personas every permission test speaks about."""
    member = UserFactory(email="membre@exemple.test", full_name="Mina Membre")
    MembershipFactory(user=member, organisation=organisation, role=MembershipRole.DELEGATE)
    org_admin = UserFactory(email="responsable@exemple.test", full_name="Odile Responsable")
    MembershipFactory(user=org_admin, organisation=organisation, role=MembershipRole.ADMIN)
    other_admin = UserFactory(email="autre@exemple.test", full_name="Omar Autre")
    MembershipFactory(user=other_admin, organisation=other_organisation, role=MembershipRole.ADMIN)
    curator = UserFactory(
        email="curation@exemple.test", full_name="Chloé Curatrice", groups=[PortalGroup.CURATOR]
    )
    analyst = UserFactory(
        email="analyse@exemple.test", full_name="Anatole Analyste", groups=[PortalGroup.ANALYST]
    )
    admin = UserFactory(
        email="admin@exemple.test", full_name="Ada Admin", is_staff=True, is_superuser=True
    )
    return SimpleNamespace(
        visitor=None,
        member=member,
        org_admin=org_admin,
        other_admin=other_admin,
        curator=curator,
        analyst=analyst,
        admin=admin,
    )


@pytest.fixture
def redis_available():
    require(port_open("127.0.0.1", 6379), "Redis on 127.0.0.1:6379")
    return REDIS_URL


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


def worker_process(redis_url, *, hostname, include=None, **environment):
    """A real worker in a process of its own, on the test database and Redis: one a test
    can kill -9 (the in-process worker of running_worker() cannot be)."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{settings_dict['NAME']}"
    else:
        database_url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**settings_dict)
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "portal",
        "worker",
        "--pool=solo",
        f"--hostname={hostname}@%h",
        "--loglevel=WARNING",
    ]
    if include:
        command.append(f"--include={include}")
    return subprocess.Popen(
        command,
        cwd=Path(__file__).resolve().parent.parent,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **environment,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


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
        "control_folder": str(tmp_path / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    for folder in ("queue", "processed", "control"):
        (tmp_path / folder).mkdir()
    with broker("filesystem://", options):
        yield options


@pytest.fixture
def down_broker():
    # Nothing listens on port 1: connections are refused at once.
    with broker("redis://127.0.0.1:1/0"):
        yield


@pytest.fixture
def catalogue(db):
    indicator_catalogue_load(path=_CATALOGUE)


@pytest.fixture
def small_geography(db, catalogue):
    return small_geography_create()


def small_geography_create():
    """A région, a département, two EPCI and five communes with round numbers, for the
    indicators of a catalogue already loaded."""
    region = Territory.objects.create(
        level=Level.REGION, code="99", name="Région test", population=1000
    )
    dep = Territory.objects.create(
        level=Level.DEPARTEMENT, code="98", name="Département test", population=1000, region=region
    )
    epci_a = Territory.objects.create(
        level=Level.EPCI, code="200000001", name="CC Alpha", population=600, region=region
    )
    epci_b = Territory.objects.create(
        level=Level.EPCI, code="200000002", name="CC Bêta", population=400, region=region
    )
    communes = {}
    for code, name, population, epci in [
        ("98001", "Aubert", 100, epci_a),
        ("98002", "Bellecombe", 200, epci_a),
        ("98003", "Chaumont", 300, epci_a),
        ("98004", "Dampierre", 150, epci_b),
        ("98005", "Épinay", 250, epci_b),
    ]:
        communes[code] = Territory.objects.create(
            level=Level.COMMUNE,
            code=code,
            name=name,
            population=population,
            region=region,
            departement=dep,
            epci=epci,
            postal_codes=f"{code[:2]}100",
            siren=f"21{code}00",
        )
    CodeChange.objects.create(
        old_code="98099", new_code="98005", from_vintage=2024, to_vintage=2026
    )
    return {"region": region, "departement": dep, "epci_a": epci_a, "epci_b": epci_b, **communes}


def wait_for(predicate, timeout=30.0):
    """Poll until a real worker has done its part (or give up after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False

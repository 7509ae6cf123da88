"""Private Redis and PostgreSQL servers that a fault test may stop and start.

The shared servers (Redis on 6379, the PostgreSQL cluster on 5432) serve everybody's tests
and are never stopped: each fault test starts its own instance on a free port. A missing
binary skips the test, except under CI (CI=true) where it fails (tests.conftest.require).
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import free_port, require, wait_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parent.parent.parent


class PrivateRedis:
    """A redis-server of the test's own, without persistence: stop() loses nothing that
    matters to the portal (the jobs are recorded in the database)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_port(self.port, open_=False)


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server"), "redis-server (Debian package redis-server)")
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class PrivateCluster:
    """A PostgreSQL cluster of the test's own (postgres refuses to run as root: its files
    belong to the postgres user)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)],
            check=True,
            capture_output=True,
        )

    def init(self):
        self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")

    def pg_ctl(self, action):
        self._as_postgres(
            PG_BIN / "pg_ctl",
            "-D",
            self.data,
            "-w",
            "-l",
            self.folder / "log",
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
            action,
        )


@pytest.fixture
def private_postgres():
    require((PG_BIN / "initdb").exists(), f"PostgreSQL's initdb ({PG_BIN})")
    require(shutil.which("runuser"), "runuser (to run PostgreSQL as postgres)")
    folder = tempfile.mkdtemp(prefix="cohesion-faults-pg-")
    shutil.chown(folder, "postgres", "postgres")
    cluster = PrivateCluster(folder)
    cluster.init()
    cluster.pg_ctl("start")
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.pg_ctl("stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def site_env(private_postgres, tmp_path):
    """The environment of a production-like site (DEBUG off, kept connections) on the
    private cluster, migrated, its static files collected; without Redis."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": private_postgres.url,
        "DATABASE_CONN_MAX_AGE": "60",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("REDIS_URL", None)
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    for command in ("migrate", "collectstatic"):  # DEBUG off: pages need the manifest
        subprocess.run(
            [sys.executable, "manage.py", command, "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return env

"""The production web server trusts forwarded headers only from a declared TLS proxy."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import NoRedirect, free_port, port_open

ROOT = Path(__file__).resolve().parent.parent


def status_for_forged_https(tmp_path, **environment):
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        **environment,
    }
    env.pop("REDIS_URL", None)
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
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not port_open("127.0.0.1", port):
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/preconisations/",
            headers={"X-Forwarded-Proto": "https"},
        )
        opener = urllib.request.build_opener(NoRedirect)
        try:
            return opener.open(request, timeout=20).status
        except urllib.error.HTTPError as error:
            return error.code
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_forged_forwarded_proto_is_not_believed(tmp_path):
    # Not behind a proxy: the plain request is redirected to HTTPS, header or not.
    assert status_for_forged_https(tmp_path, BEHIND_TLS_PROXY="false") == 301


def test_the_declared_proxy_is_believed(tmp_path):
    status = status_for_forged_https(
        tmp_path, BEHIND_TLS_PROXY="true", FORWARDED_ALLOW_IPS="127.0.0.1"
    )
    assert status != 301

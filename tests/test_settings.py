"""Production settings: refuse to start without a secret, and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_a_deployment_is_not_in_debug_unless_asked():
    # With a DATABASE_URL and no DEBUG, the settings are production ones: no secret, no start.
    result = manage("check", DATABASE_URL="postgres://nobody@127.0.0.1:5432/nothing")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_the_embedded_default_needs_no_variable():
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x7Kq9" * 10,
        ALLOWED_HOSTS="cohesion.example.org",
        SECURE_SSL_REDIRECT="true",
        SESSION_COOKIE_SECURE="true",
        CSRF_COOKIE_SECURE="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_malformed_boolean_is_refused_loudly():
    result = manage("check", DEBUG="peut-etre")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_every_process_keeps_its_files_under_var_dir(tmp_path):
    # Beat used to write to var/ whatever VAR_DIR said, and crashed (taking web and worker
    # down with it under honcho) when var/ was elsewhere.
    var_dir = tmp_path / "elsewhere"
    code = (
        "from django.conf import settings; from portal.celery import app; "
        "print(app.conf.beat_schedule_filename); print(settings.DATABASES['default']['NAME'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DEBUG": "true",
            "VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    schedule, database = result.stdout.split()
    assert schedule == str(var_dir / "celerybeat-schedule")
    assert database == str(var_dir / "cohesion.sqlite3")
    assert var_dir.is_dir()
    procfile = (ROOT / "Procfile").read_text()
    assert "var/" not in procfile


def test_make_run_takes_a_port():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8001"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "--port 8001" in result.stdout
    assert "http://127.0.0.1:8001" in result.stdout


def test_pages_are_kept_only_in_a_cache_every_process_shares():
    # Without Redis each process has a cache of its own, deaf to the worker's writes.
    show = "from django.conf import settings; print(settings.PAGE_CACHE_TTL)"
    alone = manage("shell", "-c", show, DEBUG="true", REDIS_URL="")
    shared = manage("shell", "-c", show, DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/14")
    assert alone.stdout.strip().splitlines()[-1] == "0"
    assert shared.stdout.strip().splitlines()[-1] == "300"

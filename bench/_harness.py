"""What the benchmark scripts share: Django set up on the repository, a PostgreSQL database of
their own made anew, and steps measured each in a fresh process (time and peak memory).

The scripts run as `python bench/<name>.py`, which puts this folder on sys.path: they import
this module as `_harness`.
"""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def environment(database, **extra):
    """The environment of a benchmark on the local PostgreSQL database named `database`, DEBUG
    on, with `extra` variables."""
    return {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + "/" + database,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **extra,
    }


def setup_django(env=None):
    """Django set up in this process, after `env` is written into os.environ."""
    os.environ.update(env or {})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_recreate(url):
    """Drops the PostgreSQL database of `url` if it exists and creates it empty."""
    base, name = url.rsplit("/", 1)
    admin = base + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)


def manage(*args, env, **options):
    """Runs manage.py with `args` in a process of its own, with environment `env`."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, **options
    )


def child(steps, step, env):
    """In the fresh process run_child started: runs `steps[step]` (a function returning a
    dict) and prints its result, with the process's peak memory, as JSON."""
    setup_django(env)
    result = steps[step]()
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(script, step, env):
    """Runs `python script --child step` in a fresh process (the script hands it to child())
    and returns its result."""
    output = subprocess.run(
        [sys.executable, script, "--child", step],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])

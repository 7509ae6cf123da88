"""What the benchmark scripts share: Django set up on the repository, a PostgreSQL database of
their own made anew, steps measured each in a fresh process (time and peak memory), the
territories' floor, and the rows they give to `make bench`'s report, bench/results.md.

The scripts run as `python bench/<name>.py`, which puts this folder on sys.path: they import
this module as `_harness`.
"""

import http.client
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
RESULTS = ROOT / "bench" / "results.md"


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


def record(benchmark, figure, value, unit, reference, reference_value, goal="", met=None):
    """Gives one figure to `make bench` (bench/all.py), which passes the file to append it to
    in BENCH_RECORD: `value` measured against `reference` (what it is), measured in the same
    run as `reference_value`, in the same `unit`; `goal` in words and whether it was `met`.
    A script run alone records nothing: it prints its figures."""
    path = os.environ.get("BENCH_RECORD")
    if not path:
        return
    row = {
        "benchmark": benchmark,
        "figure": figure,
        "value": value,
        "unit": unit,
        "reference": reference,
        "reference_value": reference_value,
        "goal": goal,
        "met": met,
    }
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(row) + "\n")


def results_section_write(section, text):
    """Writes `text` as the section `section` of bench/results.md, keeping the others: `make
    bench` writes the benchmarks' table, `make load` the load table."""
    start, end = f"<!-- {section} -->", f"<!-- /{section} -->"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else RESULTS_HEAD
    block = f"{start}\n{text.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(current):
        current = pattern.sub(lambda _: block, current)
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(current, encoding="utf-8")


def details_path(name):
    """Where a benchmark writes its detailed report `name`: bench/, or the folder `make bench
    --quick` names in BENCH_DETAILS (its small sizes must not replace the real figures)."""
    return Path(os.environ.get("BENCH_DETAILS", ROOT / "bench")) / name


RESULTS_HEAD = """# Cohésion against its references

Written by `make bench` (the benchmarks) and `make load` (the load test); the README says
how to read it.
"""


def machine():
    """One line naming this machine and the moment: cores, memory, processor, date (UTC,
    whatever time zone a benchmark's Django set for its process)."""
    memory_kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown processor",
    )
    return (
        f"{os.cpu_count()} cores ({model}), {memory_kib / 1024 / 1024:.0f} GiB, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def territories_floor():
    """What no recompute of the territories can beat: one query reading every commune value
    into pandas, then the aggregation to EPCI, département and région in pandas alone."""
    from territories.catalogue.models import Indicator
    from territories.pipeline import frames
    from territories.pipeline.aggregation import commune_frame

    started = time.perf_counter()
    ids = list(Indicator.objects.values_list("pk", flat=True))
    values = frames.commune_values(ids)
    read = time.perf_counter() - started
    communes = commune_frame()
    merged = values.merge(communes, on="territory_id")
    merged["known"] = merged["value"].notna()
    for level in ("epci", "departement", "region"):
        merged.groupby([level, "indicator_id", "period"]).agg(
            value=("value", "sum"), known=("known", "sum"), population=("population", "sum")
        )
    return {"rows": len(values), "read_s": read, "total_s": time.perf_counter() - started}


def serve(app, port, env, workers=2):
    """gunicorn serving the WSGI application `app` on 127.0.0.1:`port` with the project's
    gunicorn.conf.py and `workers` sync workers, in environment `env`; the process."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_up(port, path="/"):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server on port {port} did not start")


def timed_requests(port, paths):
    """Asks for each of `paths` in turn on one keep-alive connection (gzip accepted; a new
    connection when the server closes it); returns the median, the p95 in ms and the size of
    the last body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, size = [], 0
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept-Encoding": "gzip", "Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (path, response.status)
        size = len(body)
        if response.will_close:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.95 * len(latencies)) - 1], size

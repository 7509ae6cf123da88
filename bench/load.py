"""`make load`: every key page under load, as a deployment serves it, against the floor.

    .venv/bin/python bench/load.py [--duration 60] [--fresh] [--only home,explorer]

Production settings (DEBUG off), PostgreSQL (LOAD_DATABASE_URL, default database
`cohesion_load`, created and loaded with the region on first use; --fresh rebuilds it), Redis
(LOAD_REDIS_URL, default db 9), gunicorn with 2 workers and a Celery worker. wrk (Debian's
package) drives 20 concurrent connections on each page for --duration seconds, anonymous and
logged in (the demo association member; its delegate for the association's benchmark). The
pages include the regional agenda of meetings, the public demo meeting's page (places held
and a waiting list) and its committee's page, which
lists its meetings: the demo committees' loader makes them, and is run again when the database
holds no upcoming demo meeting (loaded before meetings existed, or long ago). The floor is the
smallest Django application, one view answering « ok » (bench/floor.py), under the same
gunicorn command and load, in the same run. Before the first row, it waits until the worker
has done the work queued while the database was loaded (a fresh database queues recomputes,
map images and documents, which would otherwise take a core from the first rows).
Prints req/s, p50, p95, p99, errors and the share of the floor, and writes bench/load.md.

Goals (issue « Prove it »): every key page, anonymous and logged in, at least a third of the
floor's throughput, p95 under 250 ms, no errors. The table is written after each row into
bench/load.md and into the load section of bench/results.md.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import _harness

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT, FLOOR_PORT = 8790, 8791
CONNECTIONS, THREADS = 20, 2
GOAL_SHARE = 1 / 3  # of the floor's throughput, for every page and reader
DATABASE_URL = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cohesion_load"
)
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")
ENV = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": "load-benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "VAR_DIR": str(ROOT / "var" / "load"),
    "LOG_LEVEL": "WARNING",
    # wrk drives every page from this one address: the production rate limits would refuse it.
    "RATE_LIMIT_SEARCH": "1000000/m",
    "RATE_LIMIT_API_ANON": "1000000/minute",
    "RATE_LIMIT_API_USER": "1000000/minute",
}
RESULT = re.compile(r"RESULT (.*)")
# Pages for a logged-in person only (a visitor is sent to the login page).
LOGGED_IN_ONLY = {"notifications", "observatory benchmark"}
# Pages read as the demo association's delegate (an organisation's benchmark is private to
# its people) rather than as its admin, the member whose session the others use.
AS_DELEGATE = {"observatory benchmark"}

# Work queued while the database was loaded (recomputes, map images, documents) would take a
# core from the pages under measurement: wait until the broker's queue is empty and no
# message is unacknowledged (tasks are acknowledged late: a running one still is), three
# polls in a row, as the worker tests do. Prints the seconds it took.
SETTLE = """
import time
from django.conf import settings
from redis import Redis

broker = Redis.from_url(settings.CELERY_BROKER_URL)
started, quiet = time.monotonic(), 0
while quiet < 3:
    time.sleep(1)
    idle = broker.llen("celery") == 0 and broker.hlen("unacked") == 0
    quiet = quiet + 1 if idle else 0
print(round(time.monotonic() - started))
"""

# What the shell prints for the pages: paths that depend on the loaded data.
DISCOVER = """
import json
from django.db.models import Count
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from portal.accounts.models import Organisation, User
from django.urls import reverse
from portal.committees.forums.models import Thread
from portal.committees.meetings.models import Meeting
from portal.committees.models import Committee
from portal.knowledge.models import Resource
from territories.models import Indicator, MapLayer, Territory

def session_of(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session


member = User.objects.get(email="membre@cohesion.example")
session = session_of(member)
# The demo association's delegate, and its benchmark (its establishments have returns).
delegate = User.objects.filter(email="coordination@cohesion.example").first()
benchmarked = (
    Organisation.objects.filter(memberships__user=delegate, establishments__isnull=False).first()
    if delegate else None
)
commune = Territory.objects.filter(level="commune").order_by("-population").first()
layer = MapLayer.objects.filter(level="commune").order_by("-period", "indicator__slug").first()
# A resource as its readers see it: not one the member's organisation owns (its owners get
# its workflow too, drawn for them alone).
resource = (
    Resource.objects.filter(status="published", visibility="public")
    .exclude(pk__in=Resource.objects.owned_by(member).values("pk"))
    .first()
)
committee = Committee.objects.filter(access="public").first()
indicator = Indicator.objects.get(slug="taux-pauvrete")
# A profession whose tension index is published: the observatory's dashboard for it.
tension = Indicator.objects.filter(slug__startswith="metiers-indice-tension--").order_by("slug").first()
# The workforce map layer: the tension index of all professions by EPCI, latest year.
workforce = (
    MapLayer.objects.filter(indicator__slug="metiers-indice-tension", level="epci")
    .order_by("-period")
    .first()
)
thread = (
    Thread.objects.filter(committee=committee).order_by("-pk").first() if committee else None
)
# The public demo meeting (places held, people waiting), seen by visitors and members alike.
meeting = (
    Meeting.objects.upcoming()
    .filter(visibility="public", committee__access="public", status="scheduled")
    .annotate(registered=Count("registrations"))
    .filter(registered__gt=0)
    .select_related("committee")
    .first()
)
print(json.dumps({
    "session": session.session_key,
    "commune": commune.get_absolute_url(),
    "epci": commune.epci.get_absolute_url(),
    "compare": f"/territoires/comparer/?t=commune/{commune.code}&t=epci/{commune.epci.code}",
    "layer": f"/carte/couche/{layer.indicator.slug}/commune/{layer.period}.json",
    "resource": resource.get_absolute_url(),
    "committee": committee.get_absolute_url() if committee else None,
    "forum": reverse("committees:forum", args=[committee.slug]) if committee else None,
    "thread": thread.get_absolute_url() if thread else None,
    "meeting": meeting.get_absolute_url() if meeting else None,
    "meetings_committee": meeting.committee.get_absolute_url() if meeting else None,
    "indicator": indicator.get_absolute_url(),
    "api_territory": f"/api/v1/territories/{commune.pk}/",
    "delegate_session": session_of(delegate).session_key if benchmarked else None,
    "benchmark": (
        reverse("observatory:benchmark", args=[benchmarked.slug]) if benchmarked else None
    ),
    "workforce layer": (
        f"/carte/couche/{workforce.indicator.slug}/epci/{workforce.period}.json"
        if workforce else None
    ),
    "dashboard_profession": (
        "/observatoire/?metier=" + tension.slug.split("--", 1)[1] if tension else None
    ),
}))
"""


def pages(found):
    listed = {
        "home": "/",
        "explorer": "/carte/",
        "commune layer": found["layer"],
        "commune portrait": found["commune"],
        "EPCI portrait": found["epci"],
        "compare": found["compare"],
        "indicator sheet": found["indicator"],
        "signals": "/territoires/signaux/",
        "resource page": found["resource"],
        "search": "/ressources/recherche/?q=pauvrete",
        "committee page": found["committee"],
        "crossed indicators (EPCI)": "/carte/croiser/?x=taux-pauvrete&y=part-familles-monoparentales&niveau=epci",
        "committee forum": found["forum"],
        "forum thread": found["thread"],
        "meeting agenda": "/rencontres/",
        "meeting page": found["meeting"],
        "committee page with meetings": found["meetings_committee"],
        "notifications": "/notifications/",
        "API territories (communes)": "/api/v1/territories/?level=commune",
        "API values (EPCI)": "/api/v1/values/?indicator=taux-pauvrete&level=epci&period=2021",
        "API territory": found["api_territory"],
        "observatory dashboard": "/observatoire/",
        "observatory dashboard (a profession)": found.get("dashboard_profession"),
        "observatory dashboard CSV": "/observatoire/tableau-de-bord/export.csv",
        "observatory benchmark": found.get("benchmark"),
        "workforce map layer (EPCI)": found.get("workforce layer"),
    }
    return {name: path for name, path in listed.items() if path}


def manage(*args, capture=False):
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=capture,
        text=True,
    ).stdout


def prepare(*, fresh):
    import psycopg

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if fresh and exists:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", capture=True)
    manage("collectstatic", "--noinput", capture=True)
    loaded = manage(
        "shell",
        "-c",
        "from territories.models import Territory; print(Territory.objects.count())",
        capture=True,
    )
    if int(loaded.strip().splitlines()[-1]) == 0:
        print("Loading the region (first use of this database)…", flush=True)
        manage("load_reference")
        manage("create_demo_accounts", capture=True)
        manage("load_territories", "data/paysdelaloire")
        manage("load_observatory_reference", capture=True)
        manage("load_demo_observatory", "--no-recompute", capture=True)
        manage("load_analyses")
        manage("load_demo_committees")
        manage("load_demo_resources")
    campaigns = manage(
        "shell",
        "-c",
        "from observatory.campaigns.models import Campaign; print(Campaign.objects.count())",
        capture=True,
    )
    if int(campaigns.strip().splitlines()[-1]) == 0:
        # Loaded before the observatory existed: its reference and demo (which recomputes).
        print("Loading the observatory's demo…", flush=True)
        manage("load_observatory_reference", capture=True)
        manage("load_demo_observatory", capture=True)
    upcoming = manage(
        "shell",
        "-c",
        "from portal.committees.meetings.models import Meeting; "
        "print(Meeting.objects.upcoming().filter(is_demo=True).count())",
        capture=True,
    )
    if int(upcoming.strip().splitlines()[-1]) == 0:
        # Loaded before meetings existed, or their dates have passed: the loader makes them
        # (with places held and a waiting list), moves them after today, duplicates nothing.
        print("Making the demo meetings…", flush=True)
        manage("load_demo_committees", capture=True)


def serve(app, port):
    return _harness.serve(app, port, ENV)


def status_of(port, path, cookie):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def wrk(port, path, *, duration, cookie=None):
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        "-s",
        str(ROOT / "bench" / "load.lua"),
        "-H",
        "Accept-Encoding: gzip",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fields = dict(item.split("=") for item in RESULT.search(output).group(1).split())
    figures = {key: float(value) for key, value in fields.items()}
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per measurement")
    parser.add_argument("--fresh", action="store_true", help="reload the region from empty")
    parser.add_argument("--only", default="", help="comma-separated page names")
    arguments = parser.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True, check=False).returncode:
        raise SystemExit("wrk is needed: apt-get install wrk (make load installs it)")

    prepare(fresh=arguments.fresh)
    found = json.loads(manage("shell", "-c", DISCOVER, capture=True).strip().splitlines()[-1])
    cookie = f"sessionid={found['session']}"
    chosen = pages(found)
    if arguments.only:
        wanted = {name.strip() for name in arguments.only.split(",")}
        chosen = {name: path for name, path in chosen.items() if name in wanted}

    floor_server = serve("bench.floor:application", FLOOR_PORT)
    try:
        _harness.wait_until_up(FLOOR_PORT)
        floor = wrk(FLOOR_PORT, "/", duration=arguments.duration)
    finally:
        floor_server.terminate()
        floor_server.wait()
    print(f"floor: {floor['rps']:.0f} req/s, p95 {floor['p95']:.1f} ms", flush=True)

    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "portal", "worker", "--concurrency=1", "--loglevel=WARNING"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = serve("portal.wsgi", PORT)
    rows = []
    try:
        _harness.wait_until_up(PORT, "/healthz")
        waited = manage("shell", "-c", SETTLE, capture=True).strip().splitlines()[-1]
        print(f"the worker's queued work done after {waited} s", flush=True)
        for name, path in chosen.items():
            logged_in = cookie
            if name in AS_DELEGATE:
                logged_in = f"sessionid={found['delegate_session']}"
            for who, who_cookie in (("anonymous", None), ("logged in", logged_in)):
                if who == "anonymous" and name in LOGGED_IN_ONLY:
                    continue
                status = status_of(PORT, path, who_cookie)
                figures = wrk(PORT, path, duration=arguments.duration, cookie=who_cookie)
                share = figures["rps"] / floor["rps"]
                met = share >= GOAL_SHARE and figures["p95"] < 250 and not figures["errors"]
                rows.append((name, who, status, figures, share, met))
                print(
                    f"{name:28} {who:10} {status} {figures['rps']:8.0f} req/s  "
                    f"p95 {figures['p95']:7.1f} ms  errors {figures['errors']:.0f}  "
                    f"{share:.2f} of the floor  {'ok' if met else 'NOT MET'}",
                    flush=True,
                )
                write_report(rows, floor, arguments.duration)
    finally:
        server.terminate()
        worker.terminate()
        server.wait()
        worker.wait()
    print("Written to bench/load.md and bench/results.md")


def write_report(rows, floor, duration):
    met = sum(1 for *_, page_met in rows if page_met)
    lines = [
        "## Load (`make load`)",
        "",
        f"{_harness.machine()}; gunicorn 2 workers, DEBUG off, PostgreSQL, Redis, a Celery "
        f"worker; wrk {CONNECTIONS} connections, {duration} s per row.",
        "",
        f"Floor (one Django view answering « ok », same server and load): "
        f"**{floor['rps']:.0f} req/s**, p95 {floor['p95']:.1f} ms. Goal for every row: at "
        "least a third of the floor's throughput (share ≥ 0.33), p95 under 250 ms, no errors. "
        f"**{met} of {len(rows)} rows meet it.**",
        "",
        "| page | who | status | req/s | p50 ms | p95 ms | p99 ms | errors | share of floor "
        "| goal |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, who, status, figures, share, page_met in rows:
        lines.append(
            f"| {name} | {who} | {status} | {figures['rps']:.0f} | {figures['p50']:.1f} | "
            f"{figures['p95']:.1f} | {figures['p99']:.1f} | {figures['errors']:.0f} | "
            f"{share:.2f} | {'met' if page_met else 'not met'} |"
        )
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "load.md").write_text(text.replace("## Load", "# Load", 1))
    _harness.results_section_write("load", text)


if __name__ == "__main__":
    main()

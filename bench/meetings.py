"""Meetings on the committee page and the regional agenda, against the committee page without
meetings, on the same server in the same run.

    .venv/bin/python bench/meetings.py [--rounds 200] [--warmup 20]

What is measured: whether meetings make the pages that list them slower as they pile up. One
committee holds 2,000 meetings (1,000 past, 1,000 upcoming, two a day each way; half of them
public, the others for people logged in or for the committee's members) and 20,000
registrations; one of its upcoming meetings has 1,000 of them (600 places held, 400 people
waiting). Eight more committees, on the départements, hold 100 meetings each, so that the
regional agenda has some 2,800 meetings to choose from. The reference is a committee page
without a single meeting: the same access, territory, members, coordinator and forum threads
as the committee with meetings, so that the meetings alone tell the pages apart.

Pages: the committee page without meetings (the reference), the committee page with its 2,000
meetings (the next five and the latest five), the regional agenda (its first page of 20), the
agenda filtered by a département and a month, and the page of the meeting with 1,000
registrations; each for an anonymous visitor and for a logged-in member of both committees
(who waits for a place at that meeting, so that their page shows their position).

Served as in production: a fresh PostgreSQL database (MEETINGS_DATABASE_URL, default
`cohesion_bench`, dropped and filled through the models at each run), Redis as cache and
sessions (MEETINGS_REDIS_URL, default db 10, flushed at the start), DEBUG off, one gunicorn
worker started from `gunicorn.conf.py` — once as deployed (with its kept pages: whole for
anonymous visitors, per audience for logged-in readers with each reader's own parts drawn for
them, see portal.pagecache) and once with its page caches off (PAGE_CACHE_TTL=0), since a kept
page would hide the work the meetings add. Requests are sequential, each on a new
connection, gzip accepted, each reader's cookies kept as a browser keeps them; after a warm-up
the pages and the two servers take turns request by request, so that a drift of this shared
machine reaches the reference and the pages alike. Queries are counted on a few more requests
by the served application itself (Django's execute_wrapper, answered in a header), not on the
timed ones. Prints median and p95 latency, queries and the ratio of each median to the
reference's (same server, same reader), and writes bench/meetings.md.

Goal (issue 14): the regional agenda and the committee page with 2,000 meetings and 20,000
registrations read a constant number of queries (pinned in tests/committees/
test_meetings_queries.py and test_meetings.py) and answer within 1.5× the median latency of
the committee page without meetings. The meeting page is held to the same ratio here, though
the issue does not ask it.
"""

import argparse
import datetime
import functools
import gzip
import http.client
import importlib.metadata
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "bench-meetings"
DATABASE_URL = os.environ.get(
    "MEETINGS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cohesion_bench"
)
REDIS_URL = os.environ.get("MEETINGS_REDIS_URL", "redis://127.0.0.1:6379/10")

# The data.
MEETINGS = 2000  # of the committee with meetings, half past, half upcoming
REGISTRATIONS = 20_000  # at its meetings
BIG_MEETING = 1000  # registrations at its first upcoming meeting
BIG_CAPACITY = 600
PEOPLE = 1000  # who register
SEATED = 40  # people on both committees besides the member (members-only meetings' registrants)
OTHER_COMMITTEES = 8
OTHER_MEETINGS = 100  # each, half past, half upcoming
OTHER_REGISTRATIONS = 2  # at each of their meetings
THREADS = 5  # forum threads of each of the two compared committees
DEPARTEMENTS = [("44", "Loire-Atlantique"), ("49", "Maine-et-Loire"), ("53", "Mayenne")]
DEPARTEMENTS += [("72", "Sarthe"), ("85", "Vendée")]
REFERENCE_SLUG, MEETINGS_SLUG = "comite-sans-rencontres", "comite-des-rencontres"

# The measurement.
PAGES = ["reference", "committee", "agenda", "agenda filtered", "meeting"]
READERS = ["anonymous", "member"]
COUNTED = 5  # requests whose queries are counted, after the timed ones
GOAL = 1.5
ISSUE_PAGES = ("committee", "agenda", "agenda filtered")  # what issue 14's goal names
MEETING_LINK = re.compile(r'href="/rencontres/\d+/"')
# Not counted as queries (Django's query-count assertions do not see them inside a test's
# transaction either).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
ENV = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": "meetings-benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "VAR_DIR": str(WORK),
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
}


# The data ---------------------------------------------------------------------------------


def fresh_database():
    """The benchmark's PostgreSQL database, dropped and created anew, migrated."""
    import psycopg

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # pages name hashed files


def _at(now, hours):
    """A meeting's start `hours` from now, on the hour."""
    start = now + datetime.timedelta(hours=hours)
    return start.replace(minute=0, second=0, microsecond=0)


def _visibility(index):
    """Half public, three in ten for people logged in, two in ten for the members."""
    from portal.committees.choices import MeetingVisibility

    share = index % 10
    if share < 5:
        return MeetingVisibility.PUBLIC
    return MeetingVisibility.LOGGED_IN if share < 8 else MeetingVisibility.MEMBERS


def _meetings_of(committee, count, *, now, prefix):
    """`count` meetings of `committee`: half upcoming (soonest first), half past, two a day."""
    from portal.committees.meetings.models import Meeting

    meetings = []
    for index in range(count):
        upcoming, rank = index % 2 == 0, index // 2
        start = _at(now, 24 + 12 * rank) if upcoming else _at(now, -24 - 12 * rank)
        meetings.append(
            Meeting(
                committee=committee,
                title=f"{prefix} n°{index + 1} : accès aux droits",
                description="Tour de table des structures, puis les signaux du trimestre.",
                description_html="<p>Tour de table des structures, puis les signaux du "
                "trimestre.</p>",
                address="Salle du conseil, 1 rue de la Paix, Nantes",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                visibility=_visibility(rank),
                capacity=8 if rank % 2 else None,
                question="Avez-vous des besoins d'accessibilité ?",
            )
        )
    return Meeting.objects.bulk_create(meetings, batch_size=1000)


def _registrations(meeting, people, *, now, member=None, member_at=None):
    """`people` register in turn: places held up to the capacity, the others wait; at a past
    meeting every other person attended."""
    from portal.committees.choices import RegistrationStatus
    from portal.committees.meetings.models import Registration

    queued = meeting.starts_at - datetime.timedelta(days=20)
    if queued > now:
        queued = now - datetime.timedelta(days=1)
    people = list(people)
    if member is not None:
        people.insert(member_at, member)
    past = meeting.ends_at <= now
    rows = []
    for index, person in enumerate(people):
        holds = meeting.capacity is None or index < meeting.capacity
        rows.append(
            Registration(
                meeting=meeting,
                user=person,
                status=RegistrationStatus.REGISTERED if holds else RegistrationStatus.WAITING,
                answer="Accès en fauteuil" if holds and index % 7 == 0 else "",
                queued_at=queued + datetime.timedelta(minutes=index),
                created_at=queued + datetime.timedelta(minutes=index),
                attended=past and holds and index % 2 == 0,
            )
        )
    return rows


def load():
    """Fill the fresh database through the models; {what the client needs}."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection, transaction
    from django.urls import reverse
    from django.utils import timezone

    from portal.accounts.choices import MembershipRole, OrganisationKind
    from portal.accounts.models import Membership, Organisation, User
    from portal.committees.choices import CommitteeAccess, CommitteeRole, MeetingVisibility
    from portal.committees.forums.models import Post, Thread
    from portal.committees.meetings.models import Registration
    from portal.committees.models import Committee, CommitteeMembership
    from territories.choices import Level
    from territories.geography.models import Territory

    now = timezone.now()
    with transaction.atomic():
        region = Territory.objects.create(level=Level.REGION, code="52", name="Pays de la Loire")
        departements = [
            Territory.objects.create(level=Level.DEPARTEMENT, code=code, name=name, region=region)
            for code, name in DEPARTEMENTS
        ]
        organisation = Organisation.objects.create(
            name="Secours Solidaire du Maine", kind=OrganisationKind.ASSOCIATION
        )
        people = User.objects.bulk_create(
            User(
                email=f"personne{number}@bench.example",
                full_name=f"Personne {number}",
                password="!",  # unusable: nobody logs in with it
            )
            for number in range(PEOPLE)
        )
        member = User(email="membre@bench.example", full_name="Jeanne Lefèvre")
        member.set_unusable_password()
        member.save()
        seated, coordinator = people[:SEATED], people[0]
        Membership.objects.bulk_create(
            Membership(user=person, organisation=organisation, role=MembershipRole.DELEGATE)
            for person in [member, *seated]
        )

        reference, committee = (
            Committee.objects.create(
                name=name,
                slug=slug,
                access=CommitteeAccess.PUBLIC,
                territory=region,
                description="Comité local de territoire, sur le modèle des CLTSDS.",
            )
            for name, slug in (
                ("Comité sans rencontres", REFERENCE_SLUG),
                ("Comité des rencontres", MEETINGS_SLUG),
            )
        )
        others = [
            Committee.objects.create(
                name=f"Comité {departement.name} {number}",
                slug=f"comite-{departement.code}-{number}",
                access=CommitteeAccess.PRIVATE if number == 7 else CommitteeAccess.PUBLIC,
                territory=departement,
            )
            for number, departement in enumerate(
                departements[n % len(departements)] for n in range(OTHER_COMMITTEES)
            )
        ]
        for each in (reference, committee):
            CommitteeMembership.objects.bulk_create(
                CommitteeMembership(
                    committee=each,
                    user=person,
                    role=CommitteeRole.COORDINATOR
                    if person == coordinator
                    else CommitteeRole.MEMBER,
                )
                for person in [member, *seated]
            )
            for number in range(THREADS):
                author = seated[number + 1]
                thread = Thread.objects.create(
                    committee=each,
                    title=f"Sujet n°{number + 1} : précarité énergétique",
                    author=author,
                    last_poster=author,
                    post_count=1,
                    created_at=now - datetime.timedelta(days=number),
                    last_activity_at=now - datetime.timedelta(days=number),
                )
                post = Post.objects.create(
                    thread=thread,
                    author=author,
                    organisation=organisation,
                    body="Qui peut venir présenter le dispositif ?",
                    body_html="<p>Qui peut venir présenter le dispositif ?</p>",
                    created_at=thread.created_at,
                )
                Thread.objects.filter(pk=thread.pk).update(last_post_id=post.pk)

        meetings = _meetings_of(committee, MEETINGS, now=now, prefix="Rencontre")
        big = meetings[0]  # the first upcoming one, public
        big.capacity = BIG_CAPACITY
        big.save(update_fields=["capacity"])
        rows = _registrations(
            big,
            people[: BIG_MEETING - 1],
            now=now,
            member=member,
            member_at=BIG_CAPACITY + 200,  # waits, 201st in the queue
        )
        rest = meetings[1:]
        share, extra = divmod(REGISTRATIONS - BIG_MEETING, len(rest))
        for index, meeting in enumerate(rest):
            count = share + (index < extra)
            pool = seated if meeting.visibility == MeetingVisibility.MEMBERS else people
            offset = (index * 37) % len(pool)
            chosen = [pool[(offset + n) % len(pool)] for n in range(count)]
            rows += _registrations(meeting, chosen, now=now)
        for number, other in enumerate(others):
            for meeting in _meetings_of(
                other, OTHER_MEETINGS, now=now, prefix=f"Rencontre {other.territory.code}"
            ):
                chosen = people[SEATED + number * 10 :][:OTHER_REGISTRATIONS]
                rows += _registrations(meeting, chosen, now=now)
        Registration.objects.bulk_create(rows, batch_size=2000)
        assert Registration.objects.filter(meeting__committee=committee).count() == REGISTRATIONS

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()

    month = timezone.localtime(now + datetime.timedelta(days=31)).strftime("%Y-%m")
    agenda = reverse("committees:agenda")
    connection.close()
    return {
        "reference": reference.get_absolute_url(),
        "committee": committee.get_absolute_url(),
        "agenda": agenda,
        "agenda filtered": f"{agenda}?territoire=departement:44&mois={month}",
        "meeting": big.get_absolute_url(),
        "member": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    }


# Serving and counting ----------------------------------------------------------------------


@functools.cache
def _django_application():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def application(environ, start_response):
    """What gunicorn serves: the portal which, for a request carrying X-Count-Queries, counts
    its SQL queries into an X-Queries header. Django answers start_response once the response
    is complete (middleware, session saved), so the count is whole."""
    served = _django_application()
    if "HTTP_X_COUNT_QUERIES" not in environ:
        return served(environ, start_response)
    from django.db import connections

    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += not sql.lstrip().upper().startswith(TRANSACTION_CONTROL)
        return execute(sql, params, many, context)

    def start_counted(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Queries", str(count))], exc_info)

    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(counted))
        return served(environ, start_counted)


class Server:
    """One gunicorn worker serving the portal, and each reader's cookies."""

    def __init__(self, name, *, key, port, env, found):
        self.name, self.port, self.found = name, port, found
        if _port_open(port):
            raise SystemExit(f"port {port} is already in use: stop what listens there first")
        self.log = WORK / f"{key}.log"
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "bench.meetings:application",
                "--pythonpath",
                str(ROOT),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        cookie, value = found["member"].split("=", 1)
        self.cookies = {"anonymous": {}, "member": {cookie: value}}

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                return self.get("reference", "anonymous")
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not start: see {self.log.relative_to(ROOT)}")

    def get(self, page, who, *, count=False):
        """(status, seconds, body, queries) of one request by `who`, keeping their cookies."""
        cookies = self.cookies[who]
        headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        if count:
            headers["X-Count-Queries"] = "1"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", self.found[page], headers=headers)
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
        connection.close()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value.strip('"'):
                cookies[name.strip()] = value
            else:
                cookies.pop(name.strip(), None)
        if response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        queries = response.getheader("X-Queries")
        return response.status, seconds, body, int(queries) if queries is not None else None

    def stop(self):
        self.process.terminate()
        self.process.wait()
        self.log_file.close()


def _port_open(port):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _check(server, page, who, status, body):
    """The page answered with what it is meant to list: a comparison of error pages, or of
    an empty agenda, would mean nothing."""
    links = len(MEETING_LINK.findall(body.decode()))
    expected = {"reference": links == 0, "committee": links == 10, "agenda": links == 20}
    expected |= {"agenda filtered": links >= 10, "meeting": b"Rencontre n\xc2\xb01 " in body}
    if status != 200 or not expected[page]:
        raise SystemExit(
            f"{server.name}, {page} ({who}): status {status}, {links} links to meetings; "
            f"see {server.log.relative_to(ROOT)}"
        )


def measure(servers, *, rounds, warmup):
    """{(page, who): {server name: figures}}: for each reader, the pages and the servers take
    turns, request by request."""
    results = {}
    for who in READERS:
        for server in servers:
            for page in PAGES:
                status, _, body, _ = server.get(page, who)
                _check(server, page, who, status, body)
        for _ in range(warmup):
            for server in servers:
                for page in PAGES:
                    server.get(page, who)
        times = {(server.name, page): [] for server in servers for page in PAGES}
        for _ in range(rounds):
            for server in servers:
                for page in PAGES:
                    status, seconds, _, _ = server.get(page, who)
                    if status != 200:
                        raise SystemExit(f"{server.name}, {page} ({who}): status {status}")
                    times[(server.name, page)].append(seconds * 1000)
        for page in PAGES:
            figures = {}
            for server in servers:
                counts = [server.get(page, who, count=True)[3] for _ in range(COUNTED)]
                taken = times[(server.name, page)]
                figures[server.name] = {
                    "median": statistics.median(taken),
                    "p95": statistics.quantiles(taken, n=20)[-1],
                    "queries": statistics.median(counts),
                    "queries_range": (min(counts), max(counts)),
                }
            results[(page, who)] = figures
        for server in servers:
            print(f"{server.name}, {who}:", flush=True)
            reference = results[("reference", who)][server.name]["median"]
            for page in PAGES:
                each = results[(page, who)][server.name]
                low, high = each["queries_range"]
                counted = f"{low}–{high}" if low != high else f"{low}"
                print(
                    f"  {page:16} median {each['median']:6.1f} ms  p95 {each['p95']:6.1f} ms  "
                    f"{counted:>5} queries  × {each['median'] / reference:.2f}",
                    flush=True,
                )
    return results


# The run ----------------------------------------------------------------------------------


def prepare():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    fresh_database()
    found = load()
    print(f"Database filled in {time.monotonic() - started:.0f} s", flush=True)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="requests per page before timing")
    arguments = parser.parse_args()
    if arguments.rounds < 2 or arguments.warmup < 1:
        parser.error("--rounds must be at least 2 and --warmup at least 1")

    found = prepare()
    servers = []
    try:
        for name, key, port, ttl in (
            ("as deployed", "deployed", 8798, None),
            ("page caches off", "uncached", 8799, "0"),
        ):
            env = {**ENV, "PAGE_CACHE_TTL": ttl} if ttl is not None else ENV
            servers.append(Server(name, key=key, port=port, env=env, found=found))
        for server in servers:
            server.wait_until_up()
        load_before = os.getloadavg()[0]
        results = measure(servers, rounds=arguments.rounds, warmup=arguments.warmup)
        load = (load_before, os.getloadavg()[0])
    finally:
        for server in servers:
            server.stop()
    write_report(results, servers, rounds=arguments.rounds, load=load)


LABELS = {
    "reference": "committee page without meetings (reference)",
    "committee": f"committee page, {MEETINGS:,} meetings, {REGISTRATIONS:,} registrations",
    "agenda": "regional agenda, first page",
    "agenda filtered": "regional agenda, a département and a month",
    "meeting": f"meeting page, {BIG_MEETING:,} registrations",
}


def write_report(results, servers, *, rounds, load):
    import _harness  # here: gunicorn imports this module as bench.meetings, without it

    lines = [
        "# Meetings on the committee page and the regional agenda (`bench/meetings.py`)",
        "",
        f"{_harness.machine()}; one gunicorn worker, DEBUG off, PostgreSQL, "
        f"Redis, Django {importlib.metadata.version('Django')}. One committee with "
        f"{MEETINGS:,} meetings and {REGISTRATIONS:,} registrations, {OTHER_COMMITTEES} more "
        f"with {OTHER_MEETINGS} meetings each; {rounds} sequential requests per page, reader "
        "and server, the pages and the servers in turn. Latency in ms; × is the page's median "
        "over the reference's (the committee page without meetings, same server and reader). "
        f"Load average {load[0]:.1f} before, {load[1]:.1f} after (the machine is shared: read "
        "the ratios rather than the times).",
        "",
        "| page | who | deployed p50 | p95 | queries | × | goal | caches off p50 | p95 "
        "| queries | × | goal |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts = {}
    for (page, who), figures in results.items():
        row = [LABELS[page], "member" if who == "member" else "anonymous"]
        for server in servers:
            each = figures[server.name]
            reference = results[("reference", who)][server.name]
            ratio = each["median"] / reference["median"]
            if page == "reference":
                verdict = "—"
            else:
                verdict = "PASS" if ratio <= GOAL else "FAIL"
                verdicts[(page, who, server.name)] = verdict
                if server is servers[-1]:  # caches off: every page computed
                    _harness.record(
                        "meetings",
                        f"{LABELS[page]}, {row[1]}, page caches off, median "
                        f"({each['queries_range'][1]} queries)",
                        each["median"],
                        "ms",
                        "the committee page without meetings, same server and reader",
                        reference["median"],
                        goal=f"≤ {GOAL}× the reference",
                        met=verdict == "PASS",
                    )
            low, high = each["queries_range"]
            row += [
                f"{each['median']:.1f}",
                f"{each['p95']:.1f}",
                f"{low}–{high}" if low != high else f"{low}",
                f"{ratio:.2f}",
                verdict,
            ]
        lines.append("| " + " | ".join(row) + " |")

    def overall(pages):
        chosen = [v for (page, _, _), v in verdicts.items() if page in pages]
        return "PASS" if all(v == "PASS" for v in chosen) else "FAIL"

    lines += [
        "",
        f"Goal: each page's median within {GOAL}× the reference's (× ≤ {GOAL}), with a "
        "constant number of queries (pinned in the tests). « Deployed » is the portal with its "
        "kept pages (portal.pagecache: whole for anonymous visitors; per audience for "
        "logged-in readers, each reader's own parts drawn for them, such as their place at a "
        "meeting). « Caches off » is the same server with PAGE_CACHE_TTL=0, every page "
        "computed.",
        "",
        f"Issue 14's goal (the committee page and the agenda, both servers, both readers): "
        f"**{overall(ISSUE_PAGES)}**. The meeting page at the same ratio: "
        f"**{overall(('meeting',))}**.",
        "",
    ]
    report = "\n".join(lines)
    target = _harness.details_path("meetings.md")
    target.write_text(report)
    print()
    print(report)
    print(f"Written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Knowledge-base search on PostgreSQL: 10,000 resources, 200 queries, p50/p95.

    .venv/bin/python bench/search.py [postgres://postgres@127.0.0.1:5432/cohesion_bench_search]

Uses a database of its own (created if missing, migrated, filled once with a fixed seed),
then times, in process, `search_resources` — the ranked page of 20 results, its total and the
facet counts the search page shows (goal: p95 under 30 ms) — against the database's part
alone in the same run: the same full-text query giving the ranked 20 ids and the total, two
queries through the ORM. Then the whole search page over HTTP (gunicorn, production settings,
no page cache, so every search is computed) against the floor (bench/floor.py, one view
answering « ok », same server), sequential requests. Prints the plan of one query to show
the GIN index at work.
"""

import os
import random
import secrets
import statistics
import sys
import time
from urllib.parse import urlsplit

import _harness

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cohesion_bench_search"
RESOURCES = 10_000
PORT, FLOOR_PORT = 8770, 8771
FLOOR = "bench.floor:application"
QUERIES = 200
SEED = 20240601
WORDS = [
    "précarité",
    "pauvreté",
    "isolement",
    "personnes",
    "âgées",
    "jeunes",
    "familles",
    "monoparentales",
    "logement",
    "chauffage",
    "énergie",
    "emploi",
    "chômage",
    "insertion",
    "formation",
    "santé",
    "accès",
    "droits",
    "prévention",
    "signaux",
    "faibles",
    "territoire",
    "commune",
    "intercommunalité",
    "département",
    "région",
    "association",
    "bénévoles",
    "solidarité",
    "accompagnement",
    "enfants",
    "école",
    "mobilité",
    "transport",
    "alimentation",
    "handicap",
    "aidants",
    "numérique",
    "illettrisme",
    "dette",
    "surendettement",
    "loyer",
    "expulsion",
    "hébergement",
    "urgence",
    "coopération",
    "partenaires",
    "observatoire",
    "diagnostic",
    "action",
    "sociale",
    "centre",
    "communal",
    "ruralité",
    "quartier",
    "politique",
    "ville",
    "cohésion",
    "revenu",
    "minimum",
    "allocation",
    "retraite",
    "veuvage",
]
FILLER = [
    "le",
    "la",
    "les",
    "des",
    "du",
    "de",
    "et",
    "un",
    "une",
    "pour",
    "dans",
    "sur",
    "avec",
    "par",
    "au",
    "aux",
]
SYLLABLES = [
    "ba",
    "bé",
    "ca",
    "co",
    "da",
    "de",
    "fi",
    "ga",
    "la",
    "le",
    "li",
    "ma",
    "mé",
    "mo",
    "na",
    "ni",
    "pa",
    "po",
    "ra",
    "ré",
    "ri",
    "sa",
    "so",
    "ta",
    "té",
    "ti",
    "va",
    "vo",
]
ENDINGS = ["", "", "e", "es", "ent", "ement", "ité", "ion", "ions", "eur", "eux", "ique", "age"]


def vocabulary(rng, size=4000):
    """Pseudo-French words; text draws them with a Zipf-like law, as real text does."""
    words = set()
    while len(words) < size:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        words.add(stem + rng.choice(ENDINGS))
    return sorted(words)


def setup(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.replace(parts.path, "/postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    # As in production: DEBUG off (no query log kept), so a throwaway key is needed; no page
    # cache, so every search is computed, as a new one is.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # One client asks for every page: the production rate limit would refuse it.
    os.environ.setdefault("RATE_LIMIT_SEARCH", "1000000/m")
    _harness.setup_django({"DATABASE_URL": url, "DEBUG": "false", "PAGE_CACHE_TTL": "0"})
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files


def sentence(rng, length, common):
    words = []
    for _ in range(length):
        draw = rng.random()
        if draw < 0.3:
            words.append(rng.choice(FILLER))
        elif draw < 0.33:
            words.append(rng.choice(WORDS))
        else:
            words.append(common[min(int(rng.paretovariate(1.1)) - 1, len(common) - 1)])
    return " ".join(words).capitalize() + "."


def fill(rng):
    """10,000 resources linked like real ones: 1–3 themes, 1–2 préconisations, 1–3 of 300
    territories, so that the facets have something to count."""
    from django.core.management import call_command
    from django.utils import timezone

    from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
    from portal.knowledge.models import Preconisation, Resource, Theme
    from portal.knowledge.search.services import search_documents_refresh
    from territories.choices import Level
    from territories.geography.models import Territory

    if Resource.objects.filter(slug__startswith="bench-v3-").count() == RESOURCES:
        return False
    Resource.objects.filter(slug__startswith="bench-").delete()
    call_command("load_reference", verbosity=0)
    themes = [
        Theme.objects.get_or_create(slug=f"bench-{word}", defaults={"name": word})[0]
        for word in WORDS[:12]
    ]
    preconisations = list(Preconisation.objects.all())
    territories = [
        Territory.objects.get_or_create(
            level=Level.COMMUNE, code=f"B{number:04}", defaults={"name": f"Commune {number}"}
        )[0]
        for number in range(300)
    ]
    kinds = ResourceKind.values
    common = vocabulary(rng)
    rng.shuffle(common)
    now = timezone.now()
    batch = []
    for number in range(RESOURCES):
        body = " ".join(
            sentence(rng, rng.randint(8, 20), common) for _ in range(rng.randint(10, 40))
        )
        batch.append(
            Resource(
                kind=rng.choice(kinds),
                title=sentence(rng, rng.randint(4, 9), common),
                slug=f"bench-v3-{number}",
                summary=" ".join(sentence(rng, 12, common) for _ in range(3)),
                body=body,
                search_text=body,
                status=ResourceStatus.PUBLISHED if rng.random() < 0.9 else ResourceStatus.DRAFT,
                visibility=Visibility.PUBLIC if rng.random() < 0.8 else Visibility.MEMBERS,
                published_at=now - timezone.timedelta(days=rng.randint(0, 2000)),
            )
        )
    Resource.objects.bulk_create(batch, batch_size=1000)
    links = {"themes": [], "preconisations": [], "territories": []}
    for resource in Resource.objects.filter(slug__startswith="bench-v3-").only("pk"):
        for name, target, choices, most in (
            ("themes", "theme_id", themes, 3),
            ("preconisations", "preconisation_id", preconisations, 2),
            ("territories", "territory_id", territories, 3),
        ):
            through = getattr(Resource, name).through
            for item in rng.sample(choices, rng.randint(1, most)):
                links[name].append(through(resource_id=resource.pk, **{target: item.pk}))
    for name, rows in links.items():
        getattr(Resource, name).through.objects.bulk_create(rows, batch_size=5000)
    search_documents_refresh(Resource.objects.filter(slug__startswith="bench-v3-"))
    return True


def timed(queries):
    from portal.knowledge.search import selectors as search

    latencies, totals = [], []
    for query in queries:
        started = time.perf_counter()
        result = search.search_resources(user=None, query=query)
        len(result.results)
        latencies.append((time.perf_counter() - started) * 1000)
        totals.append(result.total)
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.95 * len(latencies)) - 1], totals


def timed_floor(queries):
    """The database's part alone: the ranked page of 20 ids and the total."""
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F

    from portal.knowledge.models import Resource
    from portal.knowledge.search import postgres

    latencies = []
    for query in queries:
        started = time.perf_counter()
        search = postgres.PrefixSearchQuery(query)
        found = Resource.objects.readable_by(None).filter(search_vector=search)
        list(
            found.annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "pk")
            .values_list("pk", flat=True)[:20]
        )
        found.count()
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.95 * len(latencies)) - 1]


def timed_http(url, queries):
    """The whole search page over HTTP against the floor, each on gunicorn (2 workers), the
    rounds in turn."""
    from urllib.parse import quote

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "PAGE_CACHE_TTL": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    paths = [f"/ressources/recherche/?q={quote(query)}" for query in queries]
    servers = [_harness.serve("portal.wsgi", PORT, env), _harness.serve(FLOOR, FLOOR_PORT, env)]
    try:
        _harness.wait_until_up(PORT, "/healthz")
        _harness.wait_until_up(FLOOR_PORT)
        _harness.timed_requests(PORT, paths[:20])  # warm up
        _harness.timed_requests(FLOOR_PORT, ["/"] * 20)
        page = _harness.timed_requests(PORT, paths)
        floor = _harness.timed_requests(FLOOR_PORT, ["/"] * len(paths))
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    return page, floor


def timed_pages(queries):
    """The search page as a visitor asks for it, through Django's whole request handling."""
    from django.test import Client
    from django.urls import reverse

    client, address = Client(), reverse("knowledge:search")
    latencies = []
    for query in queries:
        started = time.perf_counter()
        response = client.get(address, {"q": query}, secure=True)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.95 * len(latencies)) - 1]


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    setup(url)
    from django.db import connection

    rng = random.Random(SEED)
    started = time.perf_counter()
    if fill(rng):
        print(f"Created {RESOURCES} resources in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        from portal.knowledge.models import Resource

        tables = [Resource._meta.db_table] + [
            getattr(Resource, name).through._meta.db_table
            for name in ("themes", "preconisations", "territories")
        ]
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    queries = [" ".join(rng.sample(WORDS, rng.choice((1, 1, 2, 2, 3)))) for _ in range(QUERIES)]
    timed(queries[:10])  # warm the caches
    # Three rounds: this machine's timings vary from one run to the next.
    for round_number in (1, 2, 3):
        p50, p95, totals = timed(queries)
        print(
            f"round {round_number}: results + total + facets, {QUERIES} queries: "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms "
            f"(median {statistics.median(totals):.0f} matches) — goal p95 < 30 ms"
        )
    floor_p50, floor_p95 = timed_floor(queries)
    print(
        f"the database's part alone (ranked 20 ids and the total), {QUERIES} queries: "
        f"p50 {floor_p50:.1f} ms, p95 {floor_p95:.1f} ms"
    )
    _harness.record(
        "search",
        f"{RESOURCES:,} resources, {QUERIES} queries of 1–3 words: ranked page of 20, total and "
        "facet counts (in process), p95",
        p95,
        "ms",
        "the database's part alone: the same full-text query, ranked 20 ids and the total, p95",
        floor_p95,
        goal="p95 < 30 ms",
        met=p95 < 30,
    )
    p50, p95 = timed_pages(queries)
    print(
        f"whole search page (results, facets, template; in process, anonymous), {QUERIES} "
        f"queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )
    (page_p50, page_p95, size), (floor_http_p50, floor_http_p95, _) = timed_http(url, queries)
    print(
        f"whole search page over HTTP (gunicorn, anonymous, no page cache), {QUERIES} queries: "
        f"p50 {page_p50:.1f} ms, p95 {page_p95:.1f} ms ({size / 1024:.0f} KB gzip); "
        f"floor p50 {floor_http_p50:.2f} ms, p95 {floor_http_p95:.2f} ms"
    )
    _harness.record(
        "search",
        f"the whole search page with facets over HTTP (gunicorn, anonymous, computed each "
        f"time), {QUERIES} queries, p95",
        page_p95,
        "ms",
        "the floor: one Django view answering « ok », same server, p95",
        floor_http_p95,
        goal="p95 < 250 ms",
        met=page_p95 < 250,
    )
    from portal.knowledge.models import Resource
    from portal.knowledge.search import postgres

    plan = (
        Resource.objects.readable_by(None)
        .filter(search_vector=postgres.tsquery("isolement des personnes âgées"))
        .explain()
    )
    print("Plan of one query:\n" + plan)


if __name__ == "__main__":
    main()

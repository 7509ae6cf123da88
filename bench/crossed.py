"""The crossed indicators page against the explorer page, same process, same data.

    DEBUG=true .venv/bin/python bench/crossed.py   (uses the dev database loaded by `make run`;
                                                    VAR_DIR=… points at another)

Times the page through Django's test client (no network, so the figure is the request's own
work) at commune and EPCI level for the poverty rate × the share of single-parent families,
each request a new address (another territory highlighted, so nothing is reused from the
previous one), beside the explorer's page in the same run; prints medians, p95 and queries.
"""

import statistics
import time

import _harness

ROUNDS = 30
PAIR = "x=taux-pauvrete&y=part-familles-monoparentales"


def main():
    _harness.setup_django({"DEBUG": "true"})
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client

    from territories.geography.models import Territory

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    words = list(Territory.objects.filter(level="commune").values_list("name", flat=True)[:ROUNDS])

    def timed(make_url):
        client.get(make_url(words[0]))  # boundaries drawn once per level, as in production
        latencies, queries = [], set()
        for word in words:
            reset_queries()
            started = time.perf_counter()
            response = client.get(make_url(word))
            latencies.append((time.perf_counter() - started) * 1000)
            queries.add(len(connection.queries))
            assert response.status_code == 200
        latencies.sort()
        return statistics.median(latencies), latencies[int(0.95 * len(latencies))], queries

    print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8}  queries")
    medians = {}
    for label, make_url in (
        ("crossed, communes", lambda w: f"/carte/croiser/?{PAIR}&niveau=commune&territoire={w}"),
        ("crossed, EPCI", lambda w: f"/carte/croiser/?{PAIR}&niveau=epci&territoire={w}"),
        (
            "explorer (reference), communes",
            lambda w: "/carte/?indicateur=taux-pauvrete&niveau=commune",
        ),
    ):
        median, p95, queries = timed(make_url)
        print(f"{label:<34} {median:>10.1f} {p95:>8.1f}  {sorted(queries)}")
        medians[label] = median
    reference = medians["explorer (reference), communes"]
    for label, goal in (("crossed, communes", 100), ("crossed, EPCI", None)):
        _harness.record(
            "crossed indicators",
            f"{label}: page with a territory highlighted, each request a new one, median of "
            f"{ROUNDS} (in process)",
            medians[label],
            "ms",
            "the explorer's page at commune level, same run",
            reference,
            goal=f"< {goal} ms" if goal else "",
            met=medians[label] < goal if goal else None,
        )


if __name__ == "__main__":
    main()

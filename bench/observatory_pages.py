"""The observatory's pages on the demo data: queries and median time per page, in process.

Run on a database where `make demo` (or load_demo_observatory) has run, with production-like
settings, e.g.:

    DEBUG=false SECRET_KEY=bench-only-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=false VAR_DIR=var \
    .venv/bin/python manage.py collectstatic --noinput -v0 && \
    ... .venv/bin/python bench/observatory_pages.py

It reads what a delegate of the demo association and the administrator open most: their
pages must keep a small, constant number of queries whatever the number of establishments
(the demo has about 500), as the tests pin.
"""

import statistics
import sys
import time

import _harness

_harness.setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from observatory.campaigns.models import Campaign  # noqa: E402
from observatory.returns.models import Return  # noqa: E402
from portal.accounts.models import User  # noqa: E402

RUNS = 5


def measure(client, user, paths):
    client.force_login(user)
    for path in paths:
        client.get(path)  # warm
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"| {user.email.split('@')[0]} | `{path}` | {response.status_code} | "
            f"{len(queries)} | {statistics.median(times):.1f} |"
        )


def main():
    campaign = Campaign.objects.filter(is_demo=True).order_by("-year").first()
    if campaign is None:
        sys.exit("No demo campaign: run `manage.py load_demo_observatory` first.")
    member = User.objects.get(email="membre@cohesion.example")
    admin = User.objects.get(email="admin@cohesion.example")
    own = (
        Return.objects.of_organisations_of(member)
        .filter(campaign=campaign)
        .exclude(status="not_started")
        .select_related("establishment__organisation")
        .first()
    )
    slug = own.establishment.organisation.slug
    year = campaign.year
    print(f"Demo: {Return.objects.filter(campaign=campaign).count()} returns in {year}.")
    print("| who | page | status | queries | median ms |\n|---|---|---|---|---|")
    client = Client()
    measure(
        client,
        member,
        [
            "/observatoire/",
            "/observatoire/mes-declarations/",
            own.get_absolute_url(),
            own.get_absolute_url() + "saisie/",
            f"/observatoire/campagnes/{year}/{slug}/modele.xlsx",
        ],
    )
    measure(
        client,
        admin,
        [
            f"/observatoire/campagnes/{year}/",
            f"/observatoire/campagnes/{year}/completude/",
            "/observatoire/declarations/a-valider/",
            f"/observatoire/campagnes/{year}/a-relancer.csv",
            "/api/v1/observatoire/declarations/",
        ],
    )


if __name__ == "__main__":
    main()

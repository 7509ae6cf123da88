"""The dashboard reads a constant number of queries, however many professions, EPCI and
years are published; once read, it is kept under the published run's version."""

import pytest
import shapely
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from observatory.indicators.definitions import ALL_PROFESSIONS
from observatory.reference.models import Profession
from territories.choices import Level, ValueStatus
from territories.geography.models import Territory
from territories.pipeline import services as pipeline
from tests.observatory.dashboard.conftest import workforce_indicators

pytestmark = pytest.mark.django_db

PAGES = [
    "/observatoire/",
    "/observatoire/?metier=educateur-specialise&annee=2023&tendance=rotation",
    "/observatoire/tableau-de-bord/export.csv?metier=aide-a-domicile",
    "/observatoire/tableau-de-bord/export.xlsx",
]
# What a page costs when nothing is kept: the published run, the catalogue, the professions,
# the région's values, the EPCI's values, their names, the poverty rate, the two stored
# layers; the page adds the campaign under way (two), the loaded région (the header) and
# the boundaries. Pinned: a change here is a change of the dashboard's reads, to look at.
QUERIES = {PAGES[0]: 14, PAGES[1]: 14, PAGES[2]: 9, PAGES[3]: 9}


def grow(published, professions, epci):
    """More professions with their figures, more EPCI with boundaries and figures, a year
    more; then a new recompute."""
    geo = published.geo
    for index in range(epci):
        territory = Territory.objects.create(
            level=Level.EPCI, code=f"2000010{index:02d}", name=f"CC {index}", region=geo["region"]
        )
        Territory.objects.create(
            level=Level.COMMUNE,
            code=f"97{index:03d}",
            name=f"Commune {index}",
            population=100,
            region=geo["region"],
            departement=geo["departement"],
            epci=territory,
            geometry=shapely.geometry.mapping(
                shapely.box(index * 0.1, 46, index * 0.1 + 0.1, 46.1)
            ),
        )
    added = Profession.objects.exclude(code__in=[p for _m, p in published.indicators]).order_by(
        "position"
    )[:professions]
    indicators = {
        key: indicator
        for key, indicator in workforce_indicators(added).items()
        if key[1] != ALL_PROFESSIONS
    }
    epcis = Territory.objects.filter(level=Level.EPCI)
    for (_measure, _profession), indicator in indicators.items():
        for year in (2022, 2023, 2024):
            published.rows.append((indicator, geo["region"], year, 2.0, ValueStatus.OK))
            for position, territory in enumerate(epcis):
                published.rows.append((indicator, territory, year, float(position), ValueStatus.OK))
    run = pipeline.recompute_now(reason="grow")
    assert run.state == "succeeded", run.error


def count(client, path):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


@pytest.mark.parametrize("path", PAGES)
def test_a_constant_number_of_queries_whatever_is_published(client, published, path):
    small = count(client, path)
    grow(published, professions=4, epci=12)
    large = count(client, path)
    assert small == large == QUERIES[path]


def test_once_read_the_dashboard_is_kept_for_the_published_run(client, published):
    client.get("/observatoire/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/observatoire/").status_code == 200
    # Only the campaigns are read again: the one under way, the last one closed.
    assert len(queries) <= 3, [q["sql"][:120] for q in queries]
    pipeline.recompute_now(reason="again")
    html = client.get("/observatoire/").content.decode()
    assert "recalcul publié n° " in html.lower()

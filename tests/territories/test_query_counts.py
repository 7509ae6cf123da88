"""List pages read a constant number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territories.catalogue.models import Indicator
from territories.geography.models import Territory
from territories.imports.models import DataImport
from territories.pipeline import services as pipeline
from tests.territories.pipeline.test_pipeline import put

pytestmark = pytest.mark.django_db

PAGES = [
    "/territoires/?q=commune",
    "/indicateurs/",
    "/territoires/imports/",
    "/territoires/recalculs/",
    "/territoires/signaux/",
    "/analyses/indices/",
    "/analyses/typologies/",
    "/territoires/epci/200000001/",
]


def grow(geo, start, n):
    for i in range(start, start + n):
        Territory.objects.create(
            level="commune",
            code=f"97{i:03d}",
            name=f"Commune {i}",
            population=10,
            epci=geo["epci_a"],
            departement=geo["departement"],
            region=geo["region"],
        )
        DataImport.objects.create(kind="values", original_name=f"f{i}.csv", options={})
    pipeline.recompute_now(reason=f"grow {n}")


def count(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_have_a_constant_number_of_queries(client, cast, small_geography, path):
    client.force_login(cast.analyst)
    client.get("/")  # once in five minutes, a page records that the person is on the portal
    put(
        small_geography,
        "population",
        {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250},
    )
    grow(small_geography, 0, 3)
    small = count(client, path)
    grow(small_geography, 3, 30)
    assert count(client, path) == small


def detail(headline, number):
    return Indicator.objects.create(
        slug=f"{headline.slug}--{number}",
        name=f"{headline.name} — métier {number}",
        definition="Un détail.",
        unit="%",
        theme=headline.theme,
        source=headline.source,
        source_vintage="2024",
        published_by="test",
        variant_of=headline,
        variant_label=f"Métier {number}",
    )


@pytest.mark.parametrize("path", ["/indicateurs/", "/indicateurs/test-vacance/"])
def test_the_catalogue_reads_as_many_queries_with_more_details(client, catalogue, path):
    headline = Indicator.objects.create(
        slug="test-vacance",
        name="Taux de vacance",
        definition="Des postes vacants.",
        unit="%",
        theme="Métiers",
        source="Enquête",
        source_vintage="2024",
        published_by="test",
        dimension="Métier",
    )
    for number in range(2):
        detail(headline, number)
    count(client, path)  # what a first request reads once
    small = count(client, path)
    for number in range(2, 32):
        detail(headline, number)
    assert count(client, path) == small

"""A resource page reads a constant number of queries, however many links it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.knowledge.models import Resource, Theme
from portal.knowledge.search.services import search_documents_refresh
from territories.geography.selectors import loaded_region
from territories.models import Territory

pytestmark = pytest.mark.django_db


def queries(client, url):
    loaded_region()  # every page's header: read once, then cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["detail", "search"])
def test_resource_pages_have_a_constant_number_of_queries(client, small_geography, page):
    resource = Resource.objects.create(
        kind="study",
        title="Étude",
        slug="etude",
        summary="Une étude.",
        status="published",
        published_at=timezone.now(),
    )
    search_documents_refresh(Resource.objects.filter(pk=resource.pk))
    url = resource.get_absolute_url() if page == "detail" else "/ressources/recherche/?q=etude"

    def link(n, start):
        for i in range(start, start + n):
            resource.themes.add(Theme.objects.create(name=f"Thème {i}", slug=f"theme-{i}"))
        resource.territories.add(*Territory.objects.filter(level="commune")[start : start + n])

    link(1, 0)
    if page == "search":
        assert client.get(url).context["result"].total == 1
    few = queries(client, url)
    link(4, 1)
    assert queries(client, url) == few

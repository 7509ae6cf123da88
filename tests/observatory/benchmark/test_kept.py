"""The observatory's pages kept for logged-in readers (portal.pagecache): each reader still
gets only what is theirs."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = "/observatoire/"


@pytest.fixture(autouse=True)
def kept(settings):
    settings.PAGE_CACHE_TTL = 300


def test_a_benchmark_kept_for_its_readers_is_never_served_to_another(
    client, cast, computed, organisation, django_assert_max_num_queries
):
    address = reverse("observatory:benchmark", args=[organisation.slug])
    client.force_login(cast.member)
    drawn = client.get(address)
    assert drawn.status_code == 200 and "Foyer des Tilleuls" in drawn.content.decode()
    client.force_login(cast.org_admin)
    client.get("/")  # their roles, for the menu, are kept for them
    with django_assert_max_num_queries(3):  # who they are and may read; not the page
        kept = client.get(address)
    assert kept.status_code == 200 and "Foyer des Tilleuls" in kept.content.decode()
    assert "Odile Responsable" in kept.content.decode()
    client.force_login(cast.other_admin)
    refused = client.get(address)
    assert refused.status_code == 403 and "Foyer des Tilleuls" not in refused.content.decode()


def test_the_home_is_kept_per_organisations_and_roles(client, cast, computed, organisation):
    client.force_login(cast.member)
    page = client.get(HOME).content.decode()
    assert "Vos établissements" in page and organisation.name in page
    for stranger in (cast.other_admin, cast.curator):
        client.force_login(stranger)
        page = client.get(HOME).content.decode()
        assert organisation.name not in page
    assert "Gérer les campagnes" not in page
    client.force_login(cast.admin)
    assert "Gérer les campagnes" in client.get(HOME).content.decode()
    client.force_login(cast.org_admin)  # the member's organisation, the member's page
    page = client.get(HOME).content.decode()
    assert organisation.name in page and "Gérer les campagnes" not in page

"""The returns through the read API: each caller sees the returns of the organisations they
act for (every one for an administrator), with their lines and figures; another
organisation's return is not found; a visitor is asked to authenticate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from observatory.reference.models import Profession
from observatory.returns.services import LineInput, return_lines_save
from tests.observatory.conftest import good_figures

pytestmark = pytest.mark.django_db

LIST = "/api/v1/observatoire/declarations/"


def api_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def filled(cast, reference, returns):
    return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={
            reference.educ: LineInput(good_figures(), recruitment_comment="Peu de candidats"),
            reference.aide: LineInput(good_figures(fte=11.25)),
        },
        lock_version=None,
    )
    return returns


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("member", {"home", "care"}),
        ("org_admin", {"home", "care"}),
        ("other_admin", {"other"}),
        ("curator", set()),
        ("analyst", set()),
        ("admin", {"home", "care", "other"}),
    ],
)
def test_each_caller_lists_the_returns_they_may_read(cast, filled, persona, seen):
    expected = {getattr(filled, name).pk for name in seen}
    assert ids(api_for(getattr(cast, persona)).get(LIST)) == expected


def test_a_visitor_is_asked_to_authenticate(filled):
    assert api_for(None).get(LIST).status_code == 401
    assert api_for(None).get(f"{LIST}{filled.home.pk}/").status_code == 401


def test_a_return_comes_with_its_lines_and_figures(cast, filled):
    response = api_for(cast.member).get(f"{LIST}{filled.home.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert (data["establishment"], data["status"], data["version"], data["is_demo"]) == (
        "Foyer des Tilleuls",
        "draft",
        1,
        False,
    )
    assert data["campaign"] == filled.home.campaign.year
    assert data["url"].endswith(f"/observatoire/declarations/{filled.home.pk}/")
    lines = {line["profession"]: line for line in data["lines"]}
    assert set(lines) == {"educateur-specialise", "aide-a-domicile"}
    assert lines["educateur-specialise"]["headcount"] == 12
    assert lines["educateur-specialise"]["recruitment_comment"] == "Peu de candidats"
    assert lines["aide-a-domicile"]["fte"] == "11.25"


@pytest.mark.parametrize("persona", ["other_admin", "curator"])
def test_another_organisations_return_is_not_found(cast, filled, persona):
    response = api_for(getattr(cast, persona)).get(f"{LIST}{filled.home.pk}/")
    assert response.status_code == 404


def test_filters_by_status_and_campaign(cast, filled):
    client = api_for(cast.admin)
    assert ids(client.get(LIST, {"status": "draft"})) == {filled.home.pk}
    year = filled.home.campaign.year
    assert ids(client.get(LIST, {"campaign__year": year - 1})) == set()
    assert len(ids(client.get(LIST, {"campaign__year": year}))) == 3


def test_the_list_takes_as_many_queries_for_more_lines(cast, filled, reference):
    client = api_for(cast.admin)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    few = count()
    return_lines_save(
        return_obj=filled.other,
        user=cast.other_admin,
        lines={p: LineInput(good_figures()) for p in Profession.objects.all()[:6]},
        lock_version=None,
    )
    assert count() == few

"""The API answers problem details (JSON), never an HTML page: for its own errors, for an
unknown address, and when the database does not answer."""

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_down():
    # The real database made unreachable: a port nothing listens on (PostgreSQL) or a
    # folder that does not exist (SQLite).
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/cohesion/down.sqlite3"
    else:
        connection.settings_dict["PORT"] = 1
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def problem_of(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"]
    return body


def test_api_errors_are_problem_details():
    client = Client()
    body = problem_of(client.get("/api/v1/territories/", {"level": "galaxie"}), 400)
    assert body["errors"]
    problem_of(client.get("/api/v1/resources/nulle-part/"), 404)
    problem_of(client.get("/api/v1/pas-une-adresse/"), 404)
    problem_of(client.get("/api/v1/jobs/"), 401)


def test_the_api_answers_json_when_the_database_is_down(database_down):
    client = Client(raise_request_exception=False)
    for url in ("/api/v1/territories/", "/api/v1/resources/", "/api/v1/values/?indicator=x"):
        body = problem_of(client.get(url), 500)
        assert "Réessayez" in body["detail"] or "réessayez" in body["detail"]
    # People get the site's error page, not JSON.
    page = client.get("/preconisations/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")


def test_an_empty_parameter_is_refused_not_read_as_absent():
    # `?indicator=` would otherwise list the values of every indicator.
    response = Client().get("/api/v1/values/", {"indicator": "", "level": "departement"})
    assert "indicator" in str(problem_of(response, 400)["errors"])

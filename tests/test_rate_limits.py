"""Rate limits on login, sign-up, password reset, the searches and the API: over a small
limit set here, a 429 said in French that changes nothing; under it, everything as usual."""

import jsonschema
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from portal.accounts.models import User
from portal.schema import PROBLEM
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REFUSED = "Trop de requêtes"


def refused_page(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert REFUSED in page
    assert "Rien n’a été fait" in page


@pytest.fixture
def small_account_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login": "2/m/ip",
        "signup": "1/m/ip",
        "reset_password": "1/m/ip",
    }


def test_logins_over_the_limit_are_refused_and_log_nobody_in(small_account_limits, cast):
    client = Client()
    for n in range(2):
        response = client.post(
            reverse("account_login"), {"login": f"personne{n}@exemple.test", "password": "x"}
        )
        assert response.status_code == 200
    response = client.post(
        reverse("account_login"), {"login": cast.member.email, "password": PASSWORD}
    )
    refused_page(response)
    assert "_auth_user_id" not in client.session


def test_a_login_under_the_limit_goes_through(small_account_limits, cast):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": cast.member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.member.pk)


def test_sign_ups_over_the_limit_are_refused_and_create_nobody(small_account_limits):
    client = Client()
    for n in range(2):
        response = client.post(
            reverse("account_signup"),
            {"email": f"nouvelle{n}@exemple.test", "password1": PASSWORD, "password2": PASSWORD},
        )
    refused_page(response)
    assert User.objects.filter(email="nouvelle0@exemple.test").exists()
    assert not User.objects.filter(email="nouvelle1@exemple.test").exists()


def test_password_resets_over_the_limit_are_refused_and_send_nothing(small_account_limits, cast):
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": cast.member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    response = client.post(reverse("account_reset_password"), {"email": cast.admin.email})
    refused_page(response)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("name", ["knowledge:search", "territories:search"])
def test_searches_over_the_limit_are_refused(settings, name):
    settings.RATE_LIMIT_SEARCH = "2/m"
    client = Client()
    for _ in range(2):
        assert client.get(reverse(name), {"q": "pauvreté"}).status_code == 200
    refused_page(client.get(reverse(name), {"q": "pauvreté"}))
    # Another client is not affected; claiming another address changes nothing.
    assert Client(REMOTE_ADDR="10.0.0.2").get(reverse(name)).status_code == 200
    assert client.get(reverse(name), HTTP_X_FORWARDED_FOR="10.0.0.3").status_code == 429


def test_behind_a_proxy_the_limit_is_per_client(settings):
    settings.RATE_LIMIT_SEARCH = "1/m"
    settings.PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    first = proxy.get(reverse("knowledge:search"), HTTP_X_FORWARDED_FOR="10.0.0.4")
    second = proxy.get(reverse("knowledge:search"), HTTP_X_FORWARDED_FOR="10.0.0.5")
    assert first.status_code == second.status_code == 200
    refused_page(proxy.get(reverse("knowledge:search"), HTTP_X_FORWARDED_FOR="10.0.0.4"))


@pytest.fixture
def small_api_limits(monkeypatch):
    # DRF's throttles read their rates once, when imported.
    rates = {"anon": "2/minute", "user": "3/minute"}
    for throttle in (AnonRateThrottle, UserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)


def api_refused(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert "Retry-After" in response
    body = response.json()
    jsonschema.validate(body, PROBLEM)
    assert body["status"] == 429
    assert body["title"] == REFUSED
    return body


def test_the_api_over_the_limit_answers_a_problem_in_french(small_api_limits, cast):
    visitor = Client()
    for _ in range(2):
        assert visitor.get("/api/v1/resources/").status_code == 200
    body = api_refused(visitor.get("/api/v1/resources/"))
    assert "secondes" in body["detail"]

    # The logged-in are counted per account, apart from visitors.
    member = Client()
    member.force_login(cast.member)
    for _ in range(3):
        assert member.get("/api/v1/resources/").status_code == 200
    api_refused(member.get("/api/v1/resources/"))

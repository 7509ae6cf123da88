"""Authentication under abuse and faults: the cache away, address enumeration, password
spraying and repeated reset requests."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from portal import settings as portal_settings
from portal.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    # The production cache, pointed at a Redis that does not answer (Django resets its
    # cache connections when CACHES changes).
    settings.CACHES = {"default": portal_settings.redis_cache(DOWN)}
    settings.CELERY_BROKER_URL = DOWN
    yield
    cache.close()


def test_people_log_in_sign_up_and_reset_while_redis_is_down(redis_down, client):
    user = UserFactory(email="present@exemple.test")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    response = Client().post(
        reverse("account_signup"),
        {"email": "nouvelle@exemple.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nouvelle@exemple.test").exists()

    response = Client().post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert "/password/reset/key/" in mail.outbox[-1].body


def test_password_reset_answers_the_same_for_an_unknown_address(client):
    user = UserFactory(email="connue@exemple.test")
    known = Client().post(reverse("account_reset_password"), {"email": user.email})
    unknown = Client().post(reverse("account_reset_password"), {"email": "inconnue@exemple.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Each address is told what happened, and only its owner gets a link.
    assert [m.to for m in mail.outbox] == [["connue@exemple.test"], ["inconnue@exemple.test"]]
    assert "/password/reset/key/" not in mail.outbox[1].body


def test_password_reset_is_throttled_per_address():
    user = UserFactory(email="cible@exemple.test")
    answers = [
        Client(REMOTE_ADDR=f"10.0.0.{n}")
        .post(reverse("account_reset_password"), {"email": user.email})
        .status_code
        for n in range(1, 8)
    ]
    # Five requests a minute for one address, whichever clients send them.
    assert answers[:5] == [302] * 5
    assert 429 in answers[5:]
    assert len(mail.outbox) == 5


def test_one_client_trying_many_accounts_is_stopped(settings):
    # Password spraying: one wrong password per account never locks an account (axes
    # counts per account and client), but the client is stopped across accounts.
    limit = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split("/")[0])
    sprayer = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(limit):
        sprayer.post(
            reverse("account_login"), {"login": f"personne{n}@exemple.test", "password": "x"}
        )
    victim = UserFactory(email="victime@exemple.test")
    response = sprayer.post(reverse("account_login"), {"login": victim.email, "password": PASSWORD})
    assert "_auth_user_id" not in sprayer.session
    assert response.status_code in (200, 429)
    assert "Trop de tentatives" in response.content.decode() or response.status_code == 429
    # Another client is not affected.
    other = Client(REMOTE_ADDR="10.9.9.10")
    response = other.post(reverse("account_login"), {"login": victim.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_reset_link_opened_in_another_persons_session_logs_them_out(client, cast):
    """A password reset link acts for its addressee only: whoever is logged in on that
    browser is logged out before the form, and the new password is the addressee's."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    client.force_login(cast.other_admin)
    link = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(cast.member),
            "key": default_token_generator.make_token(cast.member),
        },
    )
    form = client.get(link)
    assert form.status_code == 302 and "set-password" in form.url
    assert client.get(form.url).status_code == 200
    assert "_auth_user_id" not in client.session
    new = "Un-autre-mot-de-passe-99"
    done = client.post(form.url, {"password1": new, "password2": new})
    assert done.status_code == 302
    cast.member.refresh_from_db()
    cast.other_admin.refresh_from_db()
    assert cast.member.check_password(new)
    assert cast.other_admin.check_password(PASSWORD)

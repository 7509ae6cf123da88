"""Probe (temporary): security of the returns."""

import datetime
import html

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from observatory.choices import ReturnStatus
from observatory.returns.models import FieldComment, Return
from observatory.returns.services import return_send_back, return_submit
from tests.observatory.conftest import good_figures
from tests.observatory.test_returns_views import (
    EDUC,
    client_for,
    filled,
    lines_data,
    lock,
    state,
    url,
)

pytestmark = pytest.mark.django_db
EVIL = '<img src=x onerror="alert(1)">**gras** [lien](javascript:alert(1))'


def test_send_back_comment_on_a_profession_not_in_the_return(cast, reference, returns):
    ret = return_submit(
        return_obj=filled(returns.home, cast.member, reference, educ=good_figures()),
        user=cast.member,
    )
    before = state(ret)
    response = client_for(cast.admin).post(
        url("return_send_back", ret),
        {
            "reason": "x",
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "0",
            "comments-0-profession": "aide-a-domicile",
            "comments-0-figure": "headcount",
            "comments-0-text": "hors déclaration",
        },
    )
    assert response.status_code == 400
    assert state(ret) == before
    response = client_for(cast.admin).post(
        url("return_send_back", ret),
        {
            "reason": "x",
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "0",
            "comments-0-profession": EDUC,
            "comments-0-figure": "is_demo",
            "comments-0-text": "champ inconnu",
        },
    )
    assert response.status_code == 400
    assert state(ret) == before


def test_hostile_text_is_escaped_everywhere(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    member = client_for(cast.member)
    member.post(
        url("return_edit", ret),
        lines_data(ret, {}, **{f"{EDUC}-recruitment_comment": EVIL}),
    )
    ret = return_submit(return_obj=Return.objects.get(pk=ret.pk), user=cast.member, comment=EVIL)
    ret = return_send_back(
        return_obj=ret, user=cast.admin, reason=EVIL, comments=[(reference.educ, "headcount", EVIL)]
    )
    for name, who in [("return_detail", cast.member), ("return_edit", cast.member), ("return_detail", cast.admin)]:
        body = client_for(who).get(url(name, ret)).content.decode()
        assert "<img src=x" not in body, name
        assert "&lt;img src=x" in body, name
    body = client_for(cast.admin).get(url("return_queue")).content.decode()
    assert "<img src=x" not in body
    body = client_for(cast.member).get("/notifications/").content.decode()
    assert "<img src=x" not in body


def test_json_save_needs_the_csrf_token(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member)
    before = state(ret)
    response = client.post(url("return_save", ret), lines_data(ret, {EDUC: {"headcount": 99}}))
    assert response.status_code == 403
    assert state(ret) == before


def test_guessing_ids_on_every_url(cast, reference, returns):
    ret = filled(returns.other, cast.other_admin, reference, educ=good_figures())
    member = client_for(cast.member)
    for name in ["return_detail", "return_edit", "return_versions", "return_send_back"]:
        assert member.get(url(name, ret)).status_code == 404
    for name in ["return_save", "return_submit", "return_reopen", "return_validate", "return_edit"]:
        assert member.post(url(name, ret), lines_data(ret, {EDUC: {"headcount": 99}})).status_code == 404
    api = APIClient()
    api.force_authenticate(cast.member)
    assert api.get(f"/api/v1/observatoire/declarations/{ret.pk}/").status_code == 404
    assert api.get(f"/api/v1/observatoire/declarations/{ret.pk + 999}/").status_code == 404
    assert api.post("/api/v1/observatoire/declarations/", {}).status_code == 405
    assert api.patch(f"/api/v1/observatoire/declarations/{ret.pk}/", {}).status_code in (404, 405)


def test_notifications_are_written_in_french_whatever_the_admins_language(cast, reference, returns):
    from portal.accounts.notifications.models import Notification

    ret = return_submit(
        return_obj=filled(returns.home, cast.member, reference, educ=good_figures()),
        user=cast.member,
    )
    admin = client_for(cast.admin)
    admin.cookies["django_language"] = "en"
    admin.post(url("return_validate", ret))
    titles = list(Notification.objects.filter(recipient=cast.member).values_list("title", flat=True))
    assert titles and all("validée" in t for t in titles), titles

"""Weak signals as people see them: the ranked list and its reviews, follows and their
e-mails, and the API."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from territories.choices import SignalStatus
from territories.geography.selectors import loaded_region
from territories.pipeline.selectors import published_run_id
from territories.signals import selectors as signal_selectors
from territories.signals.api import SignalViewSet
from territories.signals.models import SignalReview, TerritoryFollow, WeakSignal
from territories.signals.notifications import notify_followers
from territories.signals.services import signal_review_create
from tests.territories.pipeline.test_pipeline import put
from tests.territories.signals.conftest import REVIEW_FIELD, plain, published_run

pytestmark = pytest.mark.django_db


def test_list_page_is_public_and_explains(client, flagged):
    html = plain(client.get(reverse("signals:list")).content.decode())
    assert "Aubert" in html and "Bellecombe" in html and "Chaumont" in html
    assert "20,0 %" in html and "13 896" in html
    assert 'scope="col"' in html and "<caption" in html
    assert "style=" not in html and "<script>" not in html
    assert not REVIEW_FIELD.search(html)  # no review form for visitors
    filtered = client.get(reverse("signals:list"), {"rule": "halo"}).content.decode()
    assert "Bellecombe" not in filtered and "Chaumont" in filtered


def test_list_page_query_count_does_not_grow(client, cast, flagged, django_assert_max_num_queries):
    client.force_login(cast.analyst)
    signal = WeakSignal.objects.first()
    for status in (SignalStatus.CONFIRMED, SignalStatus.FOLLOWED_UP):
        signal_review_create(signal=signal, status=status, comment="", user=cast.analyst)
    loaded_region()  # every page's header: read once, then cached
    # The first page a person sees in five minutes records that they are on the portal; the
    # field observations (territories.signals.sources) are one query more.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("signals:list"))
    assert response.status_code == 200 and REVIEW_FIELD.search(response.content.decode())
    # Twice as many territories, the same number of queries.
    put(flagged, "taux-chomage-15-64", {"98004": 30.0, "98005": 31.0}, period=2022)
    put(flagged, "decile-1", {"98004": 14000, "98005": 14100})
    published_run()
    loaded_region()
    with django_assert_max_num_queries(9):
        assert client.get(reverse("signals:list")).status_code == 200


def test_list_page_decodes_no_boundary(client, flagged):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("signals:list")).status_code == 200
    geometry = connection.ops.quote_name("geometry")
    assert not any(geometry in query["sql"] for query in queries.captured_queries)


def test_reviews_keep_their_history(client, cast, flagged):
    signal = WeakSignal.objects.filter(
        run_id=published_run_id(), territory=flagged["98001"], rule="threshold"
    ).get()
    url = reverse("signals:review", args=[signal.pk])
    client.force_login(cast.analyst)
    prefix = f"s{signal.pk}"
    response = client.post(url, {f"{prefix}-status": "confirmed", f"{prefix}-comment": "Vu."})
    assert response.status_code == 302
    client.post(url, {f"{prefix}-status": "followed_up", f"{prefix}-comment": "CCAS prévenu."})
    assert SignalReview.objects.count() == 2
    html = client.get(url).content.decode()
    assert html.index("CCAS prévenu.") < html.index("Vu.")  # newest first
    assert "Anatole Analyste" in html
    # The review applies to the signal in the next runs too.
    published_run()
    listed = signal_selectors.territory_signals(territory=flagged["98001"])
    threshold = next(s for s in listed if s.rule == "threshold")
    assert threshold.review_status == "followed_up" and len(threshold.reviews) == 2
    still_new = signal_selectors.flagged_territories(status="new")
    assert [i.territory.code for i in still_new] == ["98002", "98001", "98003"]
    # Aubert stays listed for its halo only: its threshold signal was reviewed.
    assert [s.rule for s in still_new[1].signals] == ["halo"]


def test_reviews_are_refused_outside_the_role(client, cast, flagged):
    signal = WeakSignal.objects.first()
    url = reverse("signals:review", args=[signal.pk])
    data = {f"s{signal.pk}-status": "false_alarm"}
    assert client.post(url, data).status_code == 403  # visitor
    for persona in (cast.member, cast.org_admin, cast.curator):
        client.force_login(persona)
        assert client.post(url, data).status_code == 403
    client.force_login(cast.analyst)
    # A forged verdict: "to review" is not one an analyst may give, nor is an unknown one.
    assert client.post(url, {f"s{signal.pk}-status": "new"}).status_code == 400
    assert client.post(url, {f"s{signal.pk}-status": "deleted"}).status_code == 400
    assert not SignalReview.objects.exists()


def test_follow_and_unfollow(client, cast, flagged):
    territory = flagged["98001"]
    follow = reverse("signals:follow", args=[territory.level, territory.code])
    unfollow = reverse("signals:unfollow", args=[territory.level, territory.code])
    assert client.post(follow).status_code == 302  # to the login page
    assert not TerritoryFollow.objects.exists()
    client.force_login(cast.member)
    assert client.get(follow).status_code == 405
    assert client.post(follow).url == territory.get_absolute_url()
    client.post(follow)
    assert signal_selectors.is_following(user=cast.member, territory=territory)
    assert TerritoryFollow.objects.count() == 1
    html = render_to_string(
        "territories/_follow.html",
        {"territory": territory, "is_following": True, "user": cast.member},
    )
    assert unfollow in html
    client.post(unfollow)
    assert not signal_selectors.is_following(user=cast.member, territory=territory)
    assert not signal_selectors.is_following(user=None, territory=territory)


def test_territory_signals_partial(flagged):
    territory = flagged["98001"]
    listed = signal_selectors.territory_signals(territory=territory)
    assert [s.rule for s in listed] == ["threshold", "halo"]
    html = render_to_string("territories/_signals.html", {"signals": listed})
    assert "20,0 %" in html and reverse("signals:list") in html


def test_followers_hear_of_new_signals_once(
    cast, small_geography, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://cohesion.example"
    geo = small_geography
    put(geo, "taux-chomage-15-64", {"98001": 20.0}, period=2022)
    first = published_run()
    TerritoryFollow.objects.create(user=cast.member, territory=geo["98001"])
    TerritoryFollow.objects.create(user=cast.curator, territory=geo["98002"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_followers(run_id=first.pk) == 1
    mailoutbox.clear()
    # The next run keeps the same signal and raises a halo on the same commune.
    put(geo, "decile-1", {"98001": 14000})
    second = published_run()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_followers(run_id=second.pk) == 1
    assert len(mailoutbox) == 1
    # In the follower's notifications too, as they chose (an e-mail at once by default).
    assert cast.member.notifications.filter(kind="territories.signals").count() == 2
    message = mailoutbox[0]
    assert message.to == [cast.member.email]
    assert "Aubert" in message.body and "1er décile du niveau de vie" in message.body
    assert "Taux de chômage" not in message.body  # already known from the first run
    assert "https://cohesion.example" + reverse("signals:list") in message.body
    # Sent again for the same run: nothing more. A run with nothing new: nothing.
    assert notify_followers(run_id=second.pk) == 0
    third = published_run()
    assert notify_followers(run_id=third.pk) == 0
    assert len(mailoutbox) == 1


def test_api_lists_the_published_signals_with_filters(cast, flagged):
    signal = WeakSignal.objects.get(
        run_id=published_run_id(), territory=flagged["98002"], rule="threshold"
    )
    signal_review_create(
        signal=signal, status=SignalStatus.CONFIRMED, comment="", user=cast.analyst
    )
    view = SignalViewSet.as_view({"get": "list"})
    factory = APIRequestFactory()

    def get(**params):
        data = view(factory.get("/api/v1/signals/", params)).data
        return data["results"] if isinstance(data, dict) else data

    everything = get()
    assert len(everything) == 4
    assert set(everything[0]) == {
        "id",
        "run",
        "level",
        "code",
        "name",
        "rule",
        "indicator",
        "period",
        "score",
        "explanation",
        "details",
        "status",
    }
    assert [row["code"] for row in get(rule="halo")] == ["98001", "98003"]
    assert [(row["code"], row["status"]) for row in get(status="confirmed")] == [
        ("98002", "confirmed")
    ]
    assert {row["rule"] for row in get(territory="98001")} == {"threshold", "halo"}
    assert get(level="epci") == []

"""Notifications: the in-app list and bell, the choices per kind, the e-mails at once and in a
daily digest, the unsubscribe link, the API; and that nothing of a committee reaches someone
who can no longer read it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.choices import Delivery
from portal.accounts.notifications import kinds, services
from portal.accounts.notifications.models import Notification, NotificationPreference, Presence
from portal.celery import app as celery_app
from portal.committees.choices import CommitteeAccess
from portal.committees.membership import services as membership
from portal.committees.models import Committee, CommitteeMembership
from tests.conftest import running_worker, wait_for

KIND = membership.MEMBERSHIP


def tell(people, *, title="Bonjour", scope="", topic="", kind=KIND, callbacks=None):
    return services.notify(
        recipients=people, kind=kind, title=title, path="/comites/", scope=scope, topic=topic
    )


@pytest.fixture
def secret(cast):
    committee = Committee.objects.create(
        name="Comité secret", slug="secret", access=CommitteeAccess.PRIVATE
    )
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    return committee


def test_people_are_told_but_never_of_their_own_action_nor_of_what_they_cannot_read(cast, secret):
    created = services.notify(
        recipients=[cast.member, cast.org_admin, cast.other_admin],
        kind=KIND,
        title="Du nouveau",
        scope=f"committee:{secret.pk}",
        actor=cast.org_admin,
    )
    # The author of the action is not told; the other admin cannot read the committee.
    assert [n.recipient for n in created] == [cast.member]
    assert services.notify(recipients=[cast.member], kind=KIND, title="x", scope="nowhere:1") == []


def test_an_email_at_once_with_its_unsubscribe_link_then_paced_per_topic(
    cast, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://cohesion.example"
    with django_capture_on_commit_callbacks(execute=True):
        tell([cast.member], title="Une réponse à votre message", topic="thread:1")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [cast.member.email]
    assert "Une réponse à votre message" in message.subject
    assert "https://cohesion.example/comites/" in message.body
    link = re.search(r"https://cohesion\.example/notifications/desabonnement/\S+/", message.body)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link.group()}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A second post in the same thread within the hour: in the portal, not by e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        tell([cast.member], title="Encore une réponse", topic="thread:1")
        tell([cast.member], title="Ailleurs", topic="thread:2")
    assert [m.subject for m in mailoutbox[1:]] == ["[Cohésion] Ailleurs"]
    assert cast.member.notifications.count() == 3


def test_no_email_for_what_was_read_or_for_people_who_chose_the_portal_only(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    services.preference_set(user=cast.org_admin, kind=KIND, delivery=Delivery.IN_APP)
    with django_capture_on_commit_callbacks() as callbacks:
        tell([cast.member, cast.org_admin])
    services.mark_read(user=cast.member)
    for callback in callbacks:
        callback()
    assert mailoutbox == []


def _digest_for(cast):
    services.preference_set(user=cast.member, kind=KIND, delivery=Delivery.DIGEST)
    Presence.objects.create(user=cast.member, seen_at=timezone.now() - timedelta(days=1))
    tell([cast.member], title="Premier")
    tell([cast.member], title="Second")


def test_the_digest_groups_what_was_not_read_once_and_only_for_the_absent(cast, mailoutbox):
    _digest_for(cast)
    assert mailoutbox == []  # nothing at once
    assert services.digests_send() == 1
    body = mailoutbox[0].body
    assert "Premier" in body and "Second" in body
    assert "List-Unsubscribe" in mailoutbox[0].extra_headers
    # Never twice for the same item.
    assert services.digests_send() == 0
    # Someone back on the portal since has seen their list: no digest.
    tell([cast.member], title="Troisième")
    services.presence_record(user=cast.member)
    assert services.digests_send() == 0


def test_a_digest_never_tells_of_a_committee_one_has_left(cast, secret, mailoutbox):
    services.preference_set(user=cast.member, kind=KIND, delivery=Delivery.DIGEST)
    tell([cast.member], title="Ordre du jour secret", scope=f"committee:{secret.pk}")
    CommitteeMembership.objects.filter(user=cast.member).delete()
    assert services.digests_send() == 0
    client = Client()
    client.force_login(cast.member)
    assert "Ordre du jour secret" not in client.get(reverse("notifications:list")).content.decode()
    assert client.get("/api/v1/notifications/").json()["count"] == 0


def test_unsubscribing_works_logged_out_in_one_click_and_refuses_an_altered_link(cast, client):
    token = services.unsubscribe_token(user=cast.member, kind=KIND)
    address = reverse("notifications:unsubscribe", args=[token])
    page = client.get(address)
    assert page.status_code == 200 and "Ne plus recevoir ces e-mails" in page.content.decode()
    assert not NotificationPreference.objects.exists()  # a GET (a link scanner) changes nothing
    for forged in (token[:-2] + "xx", services.unsubscribe_token(user=cast.member, kind="autre")):
        refused = client.post(reverse("notifications:unsubscribe", args=[forged]))
        assert refused.status_code == 400
        assert "n’est pas valide" in refused.content.decode()
    assert not NotificationPreference.objects.exists()
    assert client.post(address).status_code == 200  # RFC 8058: the mail client posts
    preference = NotificationPreference.objects.get()
    assert (preference.user, preference.kind, preference.delivery) == (
        cast.member,
        KIND,
        Delivery.IN_APP,
    )


def test_the_list_marks_read_one_or_all_and_shows_only_ones_own(
    client, cast, django_assert_max_num_queries
):
    for number in range(3):
        tell([cast.member], title=f"Nouvelle {number}")
    theirs = tell([cast.other_admin], title="Pas pour vous")[0]
    client.force_login(cast.member)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Nouvelle 2" in page and "Pas pour vous" not in page
    assert re.search(r'class="bell-count">3<', page)  # the bell
    for number in range(3, 40):
        tell([cast.member], title=f"Nouvelle {number}")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("notifications:list")).status_code == 200
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    first = cast.member.notifications.order_by("pk").first()
    opened = client.get(reverse("notifications:open", args=[first.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/comites/"
    client.post(reverse("notifications:mark_read"), {"notification": "pas un nombre"})
    assert cast.member.notifications.filter(read_at__isnull=True).count() == 39
    client.post(reverse("notifications:mark_read"))
    assert not cast.member.notifications.filter(read_at__isnull=True).exists()
    assert 'class="bell-count"' not in client.get("/").content.decode()


def test_choices_per_kind_are_saved_and_unknown_ones_refused(client, cast):
    client.force_login(cast.member)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Demandes pour rejoindre les comités que vous coordonnez" in page
    client.post(reverse("notifications:preferences"), dict.fromkeys(kinds.KINDS, "digest"))
    assert set(
        NotificationPreference.objects.filter(user=cast.member).values_list("delivery", flat=True)
    ) == {Delivery.DIGEST}
    refused = client.post(reverse("notifications:preferences"), {KIND: "pigeon"})
    assert refused.status_code == 200
    assert NotificationPreference.objects.get(user=cast.member, kind=KIND).delivery == "digest"


def test_the_api_lists_and_marks_read_the_callers_own(client, cast):
    mine = tell([cast.member], title="À vous")[0]
    tell([cast.other_admin], title="À quelqu’un d’autre")
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
    client.force_login(cast.member)
    listed = client.get("/api/v1/notifications/").json()
    assert [item["title"] for item in listed["results"]] == ["À vous"]
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").json() == {"marked": 1}
    other = Notification.objects.get(recipient=cast.other_admin)
    assert client.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


def test_a_join_request_reaches_the_coordinators_bell(client, cast):
    committee = Committee.objects.create(name="Comité ouvert", slug="ouvert")
    CommitteeMembership.objects.create(committee=committee, user=cast.org_admin, role="coordinator")
    membership.join_request_create(user=cast.member, committee=committee, message="Bonjour")
    client.force_login(cast.org_admin)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Comité ouvert" in page


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_daily_digest_is_sent_by_a_worker_when_beat_calls(cast, redis_broker):
    _digest_for(cast)
    entry = celery_app.conf.beat_schedule["notifications-send-digests"]
    with running_worker():
        celery_app.send_task(entry["task"])
        assert wait_for(lambda: len(mail.outbox) == 1)
    assert "Premier" in mail.outbox[0].body
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_the_list_page_is_kept_for_everyone_and_each_reader_sees_only_their_own(
    cast, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_TTL = 300
    tell([cast.member], title="Pour Mina seulement")
    tell([cast.other_admin], title="Pour Omar seulement")
    first, second = Client(), Client()
    first.force_login(cast.member)
    second.force_login(cast.other_admin)
    address = reverse("notifications:list")
    mine = first.get(address).content.decode()
    assert "Pour Mina seulement" in mine and "Pour Omar seulement" not in mine
    second.get(reverse("home"))  # their roles, for the menu, are kept for them
    second.get(address)  # drawn by the view
    with django_assert_max_num_queries(4):  # the person, then only their notifications
        second.get(address)
    first.get(address)
    with django_assert_max_num_queries(0):  # their list is kept for them until it changes
        theirs = second.get(address).content.decode()
    assert "Pour Omar seulement" in theirs and "Pour Mina seulement" not in theirs
    with django_assert_max_num_queries(0):  # and the other reader's too
        mine = first.get(address).content.decode()
    assert "Pour Mina seulement" in mine and "Pour Omar seulement" not in mine
    tell([cast.other_admin], title="Une nouvelle toute fraîche")
    assert "Une nouvelle toute fraîche" in second.get(address).content.decode()
    # Read, it shows read at once.
    notification = Notification.objects.get(title="Une nouvelle toute fraîche")
    services.mark_read(user=cast.other_admin, ids=[notification.pk])
    page = second.get(address).content.decode()
    assert f'name="notification" value="{notification.pk}"' not in page


def test_a_kept_list_drops_a_committee_one_has_left(
    cast, secret, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_TTL = 300
    tell([cast.member], title="Ordre du jour secret", scope=f"committee:{secret.pk}")
    client = Client()
    client.force_login(cast.member)
    address = reverse("notifications:list")
    for _ in range(3):  # drawn, then kept with the list
        assert "Ordre du jour secret" in client.get(address).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        membership.membership_leave(user=cast.member, committee=secret)
    assert "Ordre du jour secret" not in client.get(address).content.decode()

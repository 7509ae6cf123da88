"""Moderation: reports and the three-report rule, the coordinators' queue and decisions, the
log, slow mode, moving a thread; and members reaching beyond their role."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.accounts.notifications.models import Notification
from portal.committees.choices import CommitteeRole, ModerationAction, PostStatus
from portal.committees.forums import services as forums
from portal.committees.membership import services as membership
from portal.committees.models import CommitteeMembership
from portal.committees.moderation import services
from portal.committees.moderation.models import ModerationEntry, Report
from tests.factories import UserFactory


@pytest.fixture
def heated(cast, trio):
    thread = forums.thread_create(
        user=cast.org_admin, committee=trio.public, title="Débat vif", body="Ouvrons le débat."
    )
    post = forums.post_create(user=cast.member, thread=thread, body="Un avis tranché.")
    return thread, post


def actions(committee):
    return list(
        ModerationEntry.objects.filter(committee=committee)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_three_reports_hide_a_post_until_a_coordinator_keeps_it(cast, trio, heated):
    _thread, post = heated
    readers = [UserFactory() for _ in range(3)]
    for reader in readers:
        CommitteeMembership.objects.create(committee=trio.public, user=reader)
    # Reports of people outside the committee are read, but do not hide a post.
    for outsider in (cast.analyst, cast.curator, cast.other_admin):
        services.report_create(user=outsider, post=post, reason="abuse")
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    services.report_create(user=readers[0], post=post, reason="abuse")
    with pytest.raises(ValidationError, match="déjà signalé"):
        services.report_create(user=readers[0], post=post, reason="off_topic")
    services.report_create(user=readers[1], post=post, reason="off_topic")
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    services.report_create(user=readers[2], post=post, reason="other", text="Propos blessants")
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN and post.hidden_by is None
    assert actions(trio.public) == [ModerationAction.AUTO_HIDE]
    # The author is told; the coordinator hears of each report.
    assert Notification.objects.filter(recipient=cast.member, kind="committees.moderation").exists()
    assert (
        Notification.objects.filter(recipient=cast.org_admin, kind="committees.report").count() == 6
    )
    services.reports_resolve(user=cast.org_admin, post=post, hide=False, reason="Débat légitime")
    post.refresh_from_db()
    assert post.status == PostStatus.VISIBLE
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert actions(trio.public)[-2:] == [
        ModerationAction.UNHIDE,
        ModerationAction.REPORTS_DISMISSED,
    ]


def test_reports_refused_saying_why(cast, trio, heated):
    _thread, post = heated
    with pytest.raises(ValidationError, match="vos propres messages"):
        services.report_create(user=cast.member, post=post, reason="abuse")
    with pytest.raises(ValidationError, match="Dites ce qui ne va pas"):
        services.report_create(user=cast.org_admin, post=post, reason="other")
    with pytest.raises(ValidationError, match="Choisissez un motif"):
        services.report_create(user=cast.org_admin, post=post, reason="pigeon")
    private = forums.thread_create(
        user=cast.member, committee=trio.private, title="Secret", body="Texte"
    )
    with pytest.raises(PermissionDenied):
        services.report_create(user=cast.other_admin, post=private.posts.get(), reason="abuse")
    assert not Report.objects.exists()


def test_the_queue_hides_with_a_reason_told_to_the_author_and_logs_it(client, cast, trio, heated):
    thread, post = heated
    services.report_create(user=cast.analyst, post=post, reason="personal_data")
    client.force_login(cast.org_admin)
    page = client.get(reverse("committees:moderation", args=[trio.public.slug])).content.decode()
    assert "Un avis tranché." in page and "Données personnelles" in page
    assert "Ouvrons le débat." not in page  # the thread's first post was never reported
    client.post(
        reverse("committees:moderation_resolve", args=[trio.public.slug, post.pk, "masquer"]),
        {"reason": "Un numéro de téléphone"},
    )
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN and post.hidden_reason == "Un numéro de téléphone"
    told = Notification.objects.get(recipient=cast.member, kind="committees.moderation")
    assert "Un numéro de téléphone" in told.body
    log = client.get(reverse("committees:moderation_log", args=[trio.public.slug]))
    assert "Un numéro de téléphone" in log.content.decode()
    reader = client.get(thread.get_absolute_url())
    assert "Message masqué par la modération" in reader.content.decode()


def test_members_reaching_beyond_their_role_change_nothing(client, cast, trio, heated):
    thread, post = heated
    services.report_create(user=cast.analyst, post=post, reason="abuse")
    client.force_login(cast.member)
    slug = trio.public.slug
    forged = [
        ("get", reverse("committees:moderation", args=[slug]), {}),
        ("get", reverse("committees:moderation_log", args=[slug]), {}),
        ("post", reverse("committees:moderation_resolve", args=[slug, post.pk, "masquer"]), {}),
        ("post", reverse("committees:thread_slow", args=[slug, thread.pk]), {"seconds": 60}),
        ("post", reverse("committees:thread_move", args=[slug, thread.pk]), {}),
        ("get", reverse("committees:moderation_overview"), {}),
    ]
    for method, address, data in forged:
        assert getattr(client, method)(address, data).status_code == 403, address
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.status == PostStatus.VISIBLE and thread.slow_mode_seconds == 0
    assert not ModerationEntry.objects.exists()


def test_slow_mode_paces_members_not_coordinators(cast, trio, heated):
    thread, _post = heated
    services.thread_slow(user=cast.org_admin, thread=thread, seconds=300)
    with pytest.raises(ValidationError, match="ralenti"):
        forums.post_create(user=cast.member, thread=thread, body="Encore moi.")
    forums.post_create(user=cast.org_admin, thread=thread, body="Calmons-nous.")
    forums.post_create(user=cast.org_admin, thread=thread, body="Merci.")
    thread.posts.filter(author=cast.member).update(created_at=timezone.now() - timedelta(minutes=6))
    forums.post_create(user=cast.member, thread=thread, body="Cinq minutes plus tard.")
    with pytest.raises(ValidationError):
        services.thread_slow(user=cast.org_admin, thread=thread, seconds=7)
    assert ModerationAction.SLOW in actions(trio.public)


def test_a_reply_too_soon_in_a_slowed_thread_keeps_its_text_and_says_when(
    client, cast, trio, heated
):
    thread, _post = heated
    services.thread_slow(user=cast.org_admin, thread=thread, seconds=300)  # after their post
    client.force_login(cast.member)
    address = reverse("committees:reply", args=[trio.public.slug, thread.pk])
    answer = client.post(address, {"body": "Un second avis, trop tôt."})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Ce sujet est ralenti" in page and "Un second avis, trop tôt." in page
    assert not thread.posts.filter(body__startswith="Un second").exists()


def test_a_thread_moves_between_committees_its_coordinator_runs(client, cast, trio, heated):
    thread, _post = heated
    client.force_login(cast.org_admin)
    address = reverse("committees:thread_move", args=[trio.public.slug, thread.pk])
    assert "Comité réservé" in client.get(address).content.decode()
    client.post(address, {"target": trio.restricted.pk, "reason": "Sujet interne"})
    thread.refresh_from_db()
    assert thread.committee == trio.restricted
    assert actions(trio.public) == [ModerationAction.MOVE] == actions(trio.restricted)
    # A coordinator of one committee only cannot move a thread into it from elsewhere.
    other = UserFactory()
    CommitteeMembership.objects.create(
        committee=trio.restricted, user=other, role=CommitteeRole.COORDINATOR
    )
    with pytest.raises(PermissionDenied):
        services.thread_move(user=other, thread=thread, target=trio.public)


def test_suspensions_and_removals_are_logged(cast, trio):
    seat = CommitteeMembership.objects.get(committee=trio.public, user=cast.member)
    membership.member_suspend(
        user=cast.org_admin, seat=seat, until=timezone.now() + timedelta(days=3)
    )
    membership.member_reinstate(user=cast.org_admin, seat=seat)
    membership.member_remove(user=cast.org_admin, seat=seat)
    assert actions(trio.public) == [
        ModerationAction.SUSPEND,
        ModerationAction.REINSTATE,
        ModerationAction.REMOVE,
    ]


def test_a_reader_reports_through_the_page(client, cast, trio, heated):
    thread, post = heated
    client.force_login(cast.analyst)
    page = client.get(thread.get_absolute_url()).content.decode()
    address = reverse("committees:report", args=[trio.public.slug, post.pk])
    assert address in page
    refused = client.post(address, {"reason": "other"})
    assert "Dites ce qui ne va pas" in refused.content.decode()
    client.post(address, {"reason": "off_topic"})
    assert Report.objects.get().reporter == cast.analyst

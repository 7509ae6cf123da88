"""The forum and thread pages: who reads what, pagination and stable post addresses, unread
markers, the pinned query counts, and content that never leaks to outsiders."""

import pytest
from django.urls import reverse

from portal.committees.choices import PostStatus
from portal.committees.forums import services
from portal.committees.forums.models import (
    ForumCategory,
    Post,
    PostAttachment,
    Thread,
    ThreadReadState,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def forum_url(committee):
    return reverse("committees:forum", args=[committee.slug])


def as_(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


OUTSIDERS = ["visitor", "other_admin", "analyst", "curator", "admin"]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_private_and_restricted_content_never_reaches_outsiders(
    client, cast, trio, threads, persona
):
    as_(client, getattr(cast, persona))
    pages = [
        reverse("committees:list"),
        trio.public.get_absolute_url(),
        trio.restricted.get_absolute_url(),
        trio.private.get_absolute_url(),
        forum_url(trio.public),
        forum_url(trio.restricted),
        forum_url(trio.private),
        threads.restricted.get_absolute_url(),
        threads.private.get_absolute_url(),
    ]
    reads_restricted = persona in ("curator", "admin")
    for url in pages:
        page = client.get(url).content.decode()
        assert "Sujet confidentiel private" not in page and "Réponse private" not in page
        if not reads_restricted:
            assert "Sujet confidentiel restricted" not in page and "Réponse restricted" not in page
    assert (
        "Sujet confidentiel public" in client.get(trio.public.get_absolute_url()).content.decode()
    )
    assert client.get(threads.private.get_absolute_url()).status_code == 404
    assert client.get(forum_url(trio.private)).status_code == 404
    expected = {"visitor": 302, "curator": 200, "admin": 200}.get(persona, 403)
    assert client.get(threads.restricted.get_absolute_url()).status_code == expected


def test_members_read_all_three(client, cast, trio, threads):
    as_(client, cast.member)
    for key in ("public", "restricted", "private"):
        thread = getattr(threads, key)
        page = client.get(thread.get_absolute_url()).content.decode()
        assert f"Réponse {key}" in page
        detail = client.get(getattr(trio, key).get_absolute_url()).content.decode()
        assert f"Sujet confidentiel {key}" in detail


def test_a_thread_of_another_committee_is_not_found(client, cast, trio, threads):
    as_(client, cast.member)
    url = reverse("committees:thread", args=[trio.public.slug, threads.private.pk])
    assert client.get(url).status_code == 404


def _long_thread(user, committee, count):
    thread = services.thread_create(user=user, committee=committee, title="Long", body="0")
    for number in range(1, count):
        services.post_create(user=user, thread=thread, body=f"Message {number}")
    return thread


def test_pages_of_twenty_and_stable_post_addresses(client, cast, trio):
    thread = _long_thread(cast.org_admin, trio.public, 45)
    ids = list(thread.posts.order_by("created_at", "id").values_list("id", flat=True))
    page = client.get(thread.get_absolute_url())
    assert [p.pk for p in page.context["page"].posts] == ids[:20]
    assert page.context["page"].count == 3
    third = client.get(thread.get_absolute_url(), {"page": 3}).context["page"]
    assert [p.pk for p in third.posts] == ids[40:]
    for index in (0, 19, 20, 44):
        landed = client.get(thread.get_absolute_url(), {"post": ids[index]}).context["page"]
        assert landed.number == index // 20 + 1
        assert ids[index] in [p.pk for p in landed.posts]
    # Out of range or nonsense: the nearest page, never an error.
    assert client.get(thread.get_absolute_url(), {"page": 99}).context["page"].number == 3
    assert client.get(thread.get_absolute_url(), {"page": "x", "post": "y"}).status_code == 200
    # The anchor: a post's own address, and the script for bare #post-<id> links.
    content = client.get(thread.get_absolute_url(), {"post": ids[30]}).content.decode()
    assert f'id="post-{ids[30]}"' in content and "js/forum.js" in content


def test_unread_markers_and_jump_to_first_unread(client, cast, trio):
    thread = _long_thread(cast.org_admin, trio.public, 25)
    as_(client, cast.member)
    forum = client.get(forum_url(trio.public))
    assert forum.context["threads"][0].unread  # never opened
    client.get(thread.get_absolute_url(), {"page": 2})
    ids = list(thread.posts.order_by("created_at", "id").values_list("id", flat=True))
    assert ThreadReadState.objects.get(user=cast.member, thread=thread).last_read_post_id == ids[-1]
    # Reading an earlier page does not move the marker back.
    client.get(thread.get_absolute_url(), {"page": 1})
    assert ThreadReadState.objects.get(user=cast.member, thread=thread).last_read_post_id == ids[-1]
    assert not client.get(forum_url(trio.public)).context["threads"][0].unread
    new = services.post_create(user=cast.org_admin, thread=thread, body="Du nouveau")
    forum = client.get(forum_url(trio.public))
    assert forum.context["threads"][0].unread
    assert "?unread=1" in forum.content.decode()
    jump = client.get(thread.get_absolute_url(), {"unread": "1"})
    assert jump.status_code == 302
    assert jump.url.endswith(f"?post={new.pk}#post-{new.pk}")
    landed = client.get(jump.url)
    assert landed.context["page"].first_unread_id == new.pk
    assert [p.pk for p in landed.context["page"].posts if p.is_unread] == [new.pk]


def test_threads_list_pinned_first_then_last_activity(client, cast, trio):
    old = services.thread_create(user=cast.member, committee=trio.public, title="Ancien", body="a")
    recent = services.thread_create(
        user=cast.member, committee=trio.public, title="Récent", body="b"
    )
    pinned = services.thread_create(
        user=cast.member, committee=trio.public, title="Épinglé", body="c"
    )
    services.post_create(user=cast.member, thread=recent, body="relance")
    Thread.objects.filter(pk=pinned.pk).update(is_pinned=True, last_activity_at=old.created_at)
    threads = client.get(forum_url(trio.public)).context["threads"]
    assert [t.title for t in threads] == ["Épinglé", "Récent", "Ancien"]
    assert threads[1].reply_count == 1 and threads[1].last_poster == cast.member


def test_forum_pages_of_twenty_threads(client, cast, trio):
    for number in range(25):
        services.thread_create(
            user=cast.member, committee=trio.public, title=f"S{number}", body="x"
        )
    first = client.get(forum_url(trio.public))
    assert len(first.context["threads"]) == 20 and first.context["page"].has_next
    assert len(client.get(forum_url(trio.public), {"page": 2}).context["threads"]) == 5


def _fill(committee, author, threads, posts):
    """`threads` threads in the committee, filed under two categories, the first with `posts`
    posts by several people, each post with two attached files."""
    people = [author] + [UserFactory() for _ in range(3)]
    for person in people[1:]:
        committee.memberships.create(user=person)
    committee.__dict__.pop("_seats", None)
    categories = [
        ForumCategory.objects.create(committee=committee, name=name, slug=name.lower())
        for name in ("Accueil", "Logement")
    ]
    first = None
    for number in range(threads):
        thread = services.thread_create(
            user=people[number % 4],
            committee=committee,
            title=f"Sujet {number}",
            body="x",
            category=categories[number % 2],
        )
        first = first or thread
    for number in range(posts - 1):
        services.post_create(user=people[number % 4], thread=first, body=f"m {number}")
    # The rows alone: the page lists the files, it does not open them.
    PostAttachment.objects.bulk_create(
        PostAttachment(post=post, file=f"forums/{post.pk}-{n}", original_name="a.pdf", size=9)
        for post in first.posts.all()
        for n in range(2)
    )
    return first


# The pinned counts. Anonymous reader of the forum: committee, its categories, thread count,
# the page of threads (with their categories); of a thread: committee, thread (with its
# category), its ordered post ids, the page's posts, and their attached files (one prefetch).
# A member adds their account (the session is read from the cache), groups, 2 permission
# queries of the menu (kept between writes when pages are kept, which tests turn off), their
# seat, and the read state: read for the page's threads, read and advanced (one upsert) for a
# thread; how closely they follow the forum or thread; in a thread they may answer, the
# members they may mention.
FORUM_QUERIES = {"visitor": 4, "member": 11}
THREAD_QUERIES = {"visitor": 5, "member": 14}


@pytest.mark.parametrize("persona", ["visitor", "member"])
@pytest.mark.parametrize("size", [1, 30])
def test_forum_page_query_count_is_constant(
    client, cast, trio, persona, size, django_assert_num_queries
):
    _fill(trio.public, cast.org_admin, threads=size, posts=1)
    as_(client, getattr(cast, persona))
    client.get(forum_url(trio.public))  # the session is warm, as on a second visit
    with django_assert_num_queries(FORUM_QUERIES[persona]):
        page = client.get(forum_url(trio.public))
    assert len(page.context["threads"]) == min(size, 20)
    assert page.content.decode().count('class="badge badge-category"') == min(size, 20)
    with django_assert_num_queries(FORUM_QUERIES[persona]):  # one category's threads
        page = client.get(forum_url(trio.public), {"categorie": "accueil"})
    assert len(page.context["threads"]) == min((size + 1) // 2, 20)


@pytest.mark.parametrize("persona", ["visitor", "member"])
@pytest.mark.parametrize("size", [1, 30])
def test_thread_page_query_count_is_constant(
    client, cast, trio, persona, size, django_assert_num_queries
):
    thread = _fill(trio.public, cast.org_admin, threads=1, posts=size)
    url = thread.get_absolute_url()
    as_(client, getattr(cast, persona))
    client.get(forum_url(trio.public))
    with django_assert_num_queries(THREAD_QUERIES[persona]):
        page = client.get(url)
    assert len(page.context["page"].posts) == min(size, 20)
    assert page.content.decode().count("/pieces-jointes/") == 2 * min(size, 20)


def test_hidden_and_deleted_posts_show_placeholders(client, cast, threads):
    post = threads.public.posts.get(author=cast.member)
    services.post_hide(user=cast.org_admin, post=post, reason="Données personnelles")
    first = threads.public.posts.get(author=cast.org_admin)
    Post.objects.filter(pk=first.pk).update(status=PostStatus.DELETED, body="", body_html="")
    page = client.get(threads.public.get_absolute_url()).content.decode()
    assert "Réponse public" not in page and "Données personnelles" not in page
    assert page.count("post-placeholder") == 2
    as_(client, cast.org_admin)
    page = client.get(threads.public.get_absolute_url()).content.decode()
    assert "Réponse public" in page  # coordinators see what they hid, to unhide it


def test_start_reply_quote_edit_delete_through_the_pages(client, cast, trio):
    as_(client, cast.member)
    started = client.post(
        reverse("committees:thread_create", args=[trio.public.slug]),
        {"title": "Aller vers", "body": "Qui fait *quoi* ?"},
    )
    thread = Thread.objects.get(title="Aller vers")
    assert started.status_code == 302 and started.url == thread.get_absolute_url()
    first = thread.posts.get()
    as_(client, cast.org_admin)
    reply_url = reverse("committees:reply", args=[trio.public.slug, thread.pk])
    quoted = client.get(reply_url, {"citer": first.pk}).context["form"].initial["body"]
    assert "> Qui fait *quoi* ?" in quoted
    answered = client.post(reply_url, {"body": quoted + "Nous !"})
    reply = thread.posts.latest("id")
    assert answered.url == f"{thread.get_absolute_url()}?post={reply.pk}#post-{reply.pk}"
    assert "<blockquote>" in reply.body_html
    edit_url = reverse("committees:post_edit", args=[trio.public.slug, first.pk])
    assert client.get(edit_url).status_code == 403  # not their post
    assert client.post(edit_url, {"body": "Détourné"}).status_code == 403
    as_(client, cast.member)
    client.post(edit_url, {"body": "Qui fait quoi, où ?"})
    first.refresh_from_db()
    assert first.body == "Qui fait quoi, où ?" and first.revisions.count() == 1
    history = reverse("committees:post_history", args=[trio.public.slug, first.pk])
    assert client.get(history).status_code == 403
    as_(client, cast.org_admin)
    assert "Qui fait *quoi* ?" in client.get(history).content.decode()
    as_(client, cast.member)
    delete = reverse("committees:post_action", args=[trio.public.slug, first.pk, "supprimer"])
    client.post(delete)
    assert Post.objects.get(pk=first.pk).status == PostStatus.DELETED


def test_forged_posts_by_outsiders_change_nothing(client, cast, trio, threads):
    for persona in ("other_admin", "curator", "admin"):
        as_(client, getattr(cast, persona))
        for key in ("public", "restricted"):
            thread = getattr(threads, key)
            reply = reverse("committees:reply", args=[thread.committee.slug, thread.pk])
            assert client.post(reply, {"body": "Intrus"}).status_code == 403
            create = reverse("committees:thread_create", args=[thread.committee.slug])
            assert client.post(create, {"title": "Intrus", "body": "x"}).status_code == 403
        reply = reverse("committees:reply", args=[trio.private.slug, threads.private.pk])
        assert client.post(reply, {"body": "Intrus"}).status_code == 404
    as_(client, cast.member)
    for action in ("verrouiller", "epingler"):
        url = reverse("committees:thread_action", args=["ouvert", threads.public.pk, action])
        assert client.post(url).status_code == 403
    post = threads.public.posts.first()
    hide = reverse("committees:post_action", args=["ouvert", post.pk, "masquer"])
    assert client.post(hide).status_code == 403
    as_(client, None)
    assert client.post(hide).status_code == 302  # to the login page
    assert Post.objects.filter(body__contains="Intrus").count() == 0
    assert Thread.objects.filter(title="Intrus").count() == 0
    assert not Thread.objects.filter(is_locked=True).exists()
    assert not Post.objects.exclude(status=PostStatus.VISIBLE).exists()


def test_coordinator_locks_pins_and_hides_through_the_pages(client, cast, threads):
    as_(client, cast.org_admin)
    thread = threads.public
    for action in ("verrouiller", "epingler"):
        client.post(reverse("committees:thread_action", args=["ouvert", thread.pk, action]))
    thread.refresh_from_db()
    assert thread.is_locked and thread.is_pinned
    as_(client, cast.member)
    page = client.get(thread.get_absolute_url())
    assert not page.context["can_reply"]
    reply = reverse("committees:reply", args=["ouvert", thread.pk])
    assert client.get(reply).status_code == 403
    assert client.post(reply, {"body": "Trop tard"}).status_code == 403
    as_(client, cast.org_admin)
    post = thread.posts.get(author=cast.member)
    client.post(
        reverse("committees:post_action", args=["ouvert", post.pk, "masquer"]),
        {"reason": "Hors sujet"},
    )
    assert Post.objects.get(pk=post.pk).status == PostStatus.HIDDEN


def test_a_suspended_member_is_told_why_they_cannot_write(client, cast, trio, threads):
    from datetime import timedelta

    from django.utils import timezone

    trio.public.memberships.filter(user=cast.member).update(
        suspended_until=timezone.now() + timedelta(days=1)
    )
    as_(client, cast.member)
    assert client.get(threads.public.get_absolute_url()).status_code == 200
    refused = client.post(
        reverse("committees:reply", args=["ouvert", threads.public.pk]), {"body": "Encore"}
    )
    assert refused.status_code == 403 and "suspendu" in refused.content.decode()
    assert threads.public.posts.count() == 2

"""Threads and posts: who writes, edits, deletes and hides, with refusals that change nothing."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.committees.choices import PostStatus
from portal.committees.forums import services
from portal.committees.forums.models import Post, Thread, ThreadReadState
from portal.committees.models import CommitteeMembership

pytestmark = pytest.mark.django_db


def test_start_and_reply_keep_the_thread_summary(cast, trio, organisation):
    thread = services.thread_create(
        user=cast.member, committee=trio.public, title="  Impayés  ", body="Premier"
    )
    assert thread.title == "Impayés" and thread.post_count == 1
    first = thread.posts.get()
    assert first.organisation == organisation  # the author's organisation, kept on the post
    reply = services.post_create(user=cast.org_admin, thread=thread, body="Réponse")
    thread.refresh_from_db()
    assert (thread.post_count, thread.reply_count) == (2, 1)
    assert (thread.last_post_id, thread.last_poster) == (reply.pk, cast.org_admin)
    # Writing counts as reading: one's own post is not unread.
    assert ThreadReadState.objects.get(user=cast.org_admin, thread=thread).last_read_post_id == (
        reply.pk
    )


@pytest.mark.parametrize("persona", ["other_admin", "curator", "analyst", "admin"])
def test_outsiders_cannot_write(cast, trio, threads, persona):
    user = getattr(cast, persona)
    for key in ("public", "restricted", "private"):
        with pytest.raises(PermissionDenied):
            services.thread_create(
                user=user, committee=getattr(trio, key), title="Intrus", body="…"
            )
        with pytest.raises(PermissionDenied):
            services.post_create(user=user, thread=getattr(threads, key), body="Intrus")
    assert Thread.objects.count() == 3 and Post.objects.count() == 6


def test_a_suspended_member_reads_but_does_not_write(cast, trio, threads):
    CommitteeMembership.objects.filter(user=cast.member, committee=trio.public).update(
        suspended_until=timezone.now() + timedelta(days=2)
    )
    trio.public.__dict__.pop("_seats", None)
    threads.public.committee = trio.public
    with pytest.raises(PermissionDenied):
        services.post_create(user=cast.member, thread=threads.public, body="Encore")
    assert threads.public.posts.count() == 2
    # Once the date has passed, they write again.
    CommitteeMembership.objects.filter(user=cast.member, committee=trio.public).update(
        suspended_until=timezone.now() - timedelta(minutes=1)
    )
    trio.public.__dict__.pop("_seats", None)
    services.post_create(user=cast.member, thread=threads.public, body="Encore")


def test_a_locked_thread_takes_no_reply(cast, threads):
    with pytest.raises(PermissionDenied):
        services.thread_lock(user=cast.member, thread=threads.public, locked=True)
    services.thread_lock(user=cast.org_admin, thread=threads.public, locked=True)
    with pytest.raises(PermissionDenied):
        services.post_create(user=cast.member, thread=threads.public, body="Trop tard")
    with pytest.raises(PermissionDenied):
        services.post_create(user=cast.org_admin, thread=threads.public, body="Trop tard")
    assert threads.public.posts.count() == 2
    services.thread_lock(user=cast.org_admin, thread=threads.public, locked=False)
    services.post_create(user=cast.member, thread=threads.public, body="Rouvert")


def test_pin_is_for_coordinators(cast, threads):
    with pytest.raises(PermissionDenied):
        services.thread_pin(user=cast.member, thread=threads.public, pinned=True)
    services.thread_pin(user=cast.org_admin, thread=threads.public, pinned=True)
    assert Thread.objects.get(pk=threads.public.pk).is_pinned


def test_hostile_markdown_is_sanitised_when_written(cast, trio):
    hostile = (
        "<script>alert(1)</script>\n\n[clic](javascript:alert(2)) "
        '<img src=x onerror="alert(3)">\n\n![x](javascript:alert(4))\n\n'
        '<a href="#" onclick="alert(5)">a</a> **gras**'
    )
    thread = services.thread_create(
        user=cast.member, committee=trio.public, title="T", body=hostile
    )
    html = thread.posts.get().body_html
    assert "<script" not in html
    assert 'href="javascript' not in html and 'src="javascript' not in html
    assert not re.search(r"<[^>]*\son\w+=", html)  # no event handler in any tag
    assert "<strong>gras</strong>" in html


def test_empty_or_untitled_is_refused(cast, trio):
    with pytest.raises(ValidationError):
        services.thread_create(user=cast.member, committee=trio.public, title=" ", body="x")
    with pytest.raises(ValidationError):
        services.thread_create(user=cast.member, committee=trio.public, title="T", body="  ")
    assert not Thread.objects.exists()


def test_the_author_edits_and_history_is_kept(cast, threads):
    post = threads.public.posts.get(author=cast.member)
    with pytest.raises(PermissionDenied):
        services.post_edit(user=cast.org_admin, post=post, body="Réécrit par un autre")
    services.post_edit(user=cast.member, post=post, body="Réponse *corrigée*")
    post.refresh_from_db()
    assert post.body_html == "<p>Réponse <em>corrigée</em></p>\n" and post.edited_at
    assert list(post.revisions.values_list("body", flat=True)) == ["Réponse public"]


def test_delete_within_the_window_then_only_hiding(
    cast, threads, settings, django_capture_on_commit_callbacks
):
    post = threads.public.posts.get(author=cast.member)
    with pytest.raises(PermissionDenied):
        services.post_delete(user=cast.org_admin, post=post)
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    post.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.post_delete(user=cast.member, post=post)
    assert Post.objects.get(pk=post.pk).status == PostStatus.VISIBLE
    with pytest.raises(PermissionDenied):
        services.post_hide(user=cast.member, post=post, reason="non")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(user=cast.org_admin, post=post, reason="Hors sujet")
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN and post.hidden_by == cast.org_admin
    assert mail.outbox[-1].to == [cast.member.email] and "Hors sujet" in mail.outbox[-1].body
    with pytest.raises(PermissionDenied):
        services.post_edit(user=cast.member, post=post, body="Je contourne")
    services.post_unhide(user=cast.org_admin, post=post)
    assert Post.objects.get(pk=post.pk).status == PostStatus.VISIBLE
    settings.COMMITTEES_POST_DELETE_MINUTES = 30
    services.post_delete(user=cast.member, post=post)
    post.refresh_from_db()
    assert (post.status, post.body, post.body_html) == (PostStatus.DELETED, "", "")


def test_quote_prefills_a_markdown_quote(cast, threads):
    post = threads.public.posts.get(author=cast.member)
    post.body = "Ligne un\n\nLigne deux"
    quote = services.quote_of(post=post)
    assert quote.endswith("> Ligne un\n>\n> Ligne deux\n\n")
    assert cast.member.display_name in quote

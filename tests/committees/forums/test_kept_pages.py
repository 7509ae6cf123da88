"""Forum pages kept for everyone who stands alike towards the committee (portal.pagecache):
each reader still sees their own unread threads and how they follow the forum."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.committees.choices import CommitteeAccess, FollowLevel
from portal.committees.following.services import level_set
from portal.committees.forums import services as forums
from portal.committees.models import Committee, CommitteeMembership
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def kept(settings):
    settings.PAGE_CACHE_TTL = 300


@pytest.fixture
def forum(db, django_capture_on_commit_callbacks):
    """A public committee with two plain members (one audience) and two threads."""
    committee = Committee.objects.create(
        name="Comité ouvert", slug="ouvert", access=CommitteeAccess.PUBLIC
    )
    readers = [UserFactory(full_name="Anne Lectrice"), UserFactory(full_name="Bruno Lecteur")]
    for reader in readers:
        CommitteeMembership.objects.create(committee=committee, user=reader)
    with django_capture_on_commit_callbacks(execute=True):
        threads = [
            forums.thread_create(
                user=readers[0], committee=committee, title=title, body="Premier message"
            )
            for title in ("Sujet lu", "Sujet nouveau")
        ]
    return committee, readers, threads


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _unread_links(page):
    return page.count("?unread=1")


def test_each_reader_sees_their_own_unread_threads_on_a_shared_page(
    forum, django_assert_max_num_queries
):
    committee, (anne, bruno), (read, new) = forum
    address = reverse("committees:forum", args=[committee.slug])
    first, second = _client(anne), _client(bruno)
    second.get(read.get_absolute_url())  # Bruno has read one of the two threads
    assert _unread_links(first.get(address).content.decode()) == 0  # Anne wrote both
    second.get(address)  # where Bruno stands is worked out once, then kept
    with django_assert_max_num_queries(2):  # the session's person, then the reader's marks
        shared = second.get(address).content.decode()
    assert _unread_links(shared) == 1
    assert f"{new.get_absolute_url()}?unread=1" in shared
    assert f"{read.get_absolute_url()}?unread=1" not in shared
    assert "Bruno Lecteur" in shared and "Anne Lectrice" not in shared.split("<main")[0]


def test_reading_a_thread_clears_its_mark_on_the_kept_page(forum):
    committee, (anne, bruno), (read, new) = forum
    address = reverse("committees:forum", args=[committee.slug])
    _client(anne).get(address)
    second = _client(bruno)
    assert _unread_links(second.get(address).content.decode()) == 2
    second.get(new.get_absolute_url())
    page = second.get(address).content.decode()
    assert _unread_links(page) == 1 and f"{read.get_absolute_url()}?unread=1" in page


def test_each_reader_sees_how_they_follow_the_forum(forum, django_capture_on_commit_callbacks):
    committee, (anne, bruno), _ = forum
    address = reverse("committees:forum", args=[committee.slug])
    with django_capture_on_commit_callbacks(execute=True):
        level_set(user=bruno, committee=committee, level=FollowLevel.SILENT)
    assert 'value="normal" selected' in _client(anne).get(address).content.decode()
    page = _client(bruno).get(address).content.decode()
    assert 'value="silent" selected' in page and 'value="normal" selected' not in page


def test_a_thread_kept_for_its_readers_shows_each_their_new_posts_and_records_reading(
    forum, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from portal.committees.forums.models import ThreadReadState

    _, (anne, bruno), (thread, _) = forum
    second = _client(bruno)
    second.get(thread.get_absolute_url())  # Bruno has read the first post
    with django_capture_on_commit_callbacks(execute=True):
        reply = forums.post_create(user=anne, thread=thread, body="Une réponse d'Anne")
    _client(anne).get(thread.get_absolute_url())  # the page, kept for plain members
    page = second.get(thread.get_absolute_url()).content.decode()
    assert page.count('class="badge badge-new"') == 1
    assert f'href="?post={reply.pk}#post-{reply.pk}"' in page  # the first unread post
    assert "Une réponse d'Anne" in page
    state = ThreadReadState.objects.get(user=bruno, thread=thread)
    assert state.last_read_post_id == reply.pk  # reading the kept page counts
    with django_assert_max_num_queries(2):  # the session's person, how far Bruno has read
        again = second.get(thread.get_absolute_url()).content.decode()
    assert 'class="badge badge-new"' not in again and "?post=" not in again.split("<h1")[1][:600]
    # How far he has read is kept for him too: the next visit reads nothing.
    with django_assert_max_num_queries(0):
        second.get(thread.get_absolute_url())
    # A new post shows new at once, and reading it is recorded.
    with django_capture_on_commit_callbacks(execute=True):
        newer = forums.post_create(user=anne, thread=thread, body="Encore Anne")
    _client(anne).get(thread.get_absolute_url())
    page = second.get(thread.get_absolute_url()).content.decode()
    assert page.count('class="badge badge-new"') == 1
    assert ThreadReadState.objects.get(user=bruno, thread=thread).last_read_post_id == newer.pk
    again = second.get(thread.get_absolute_url()).content.decode()
    assert 'class="badge badge-new"' not in again


def test_on_a_kept_thread_only_its_author_may_edit_or_delete_a_post(
    forum, django_capture_on_commit_callbacks
):
    committee, (anne, bruno), (thread, _) = forum
    with django_capture_on_commit_callbacks(execute=True):
        mine = forums.post_create(user=bruno, thread=thread, body="Le message de Bruno")
    edit = reverse("committees:post_edit", args=[committee.slug, mine.pk])
    delete = reverse("committees:post_action", args=[committee.slug, mine.pk, "supprimer"])
    report = reverse("committees:report", args=[committee.slug, mine.pk])
    theirs = _client(anne).get(thread.get_absolute_url()).content.decode()
    assert edit not in theirs and delete not in theirs and report in theirs
    own = _client(bruno).get(thread.get_absolute_url()).content.decode()
    assert edit in own and delete in own and report not in own

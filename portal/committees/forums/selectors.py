"""Reads of the forums: the thread list, a thread's page of posts, read state.

Pages stay fast at thousands of posts: the thread's ordered post ids are read first (one
indexed query of integers), then only the page's posts with their authors and organisations.
"""

import math
from dataclasses import dataclass, field

from django.db import connections

from portal.committees.choices import PostStatus
from portal.committees.forums.models import (
    ForumCategory,
    Post,
    PostAttachment,
    Thread,
    ThreadReadState,
)

PAGE_SIZE = 20


def forum_threads(*, committee, category=None):
    """The forum's threads in its order; those of `category` alone when it is given."""
    threads = Thread.objects.filter(committee=committee)
    if category is not None:
        threads = threads.filter(category=category)
    return threads.in_forum_order().select_related("author", "last_poster", "category")


def forum_categories(*, committee):
    """The forum's categories in their order (a forum may have none)."""
    return list(ForumCategory.objects.filter(committee=committee))


def read_states(*, user, threads):
    """{thread id: last read post id} for the threads `user` has opened."""
    if user is None or not user.is_authenticated or not threads:
        return {}
    return dict(
        ThreadReadState.objects.filter(user=user, thread__in=[t.pk for t in threads]).values_list(
            "thread_id", "last_read_post_id"
        )
    )


def mark_unread(*, user, threads):
    """Set `thread.unread` on each thread: something posted since `user` last read it."""
    states = read_states(user=user, threads=threads)
    for thread in threads:
        thread.unread = (
            user is not None
            and user.is_authenticated
            and (thread.last_post_id or 0) > states.get(thread.pk, 0)
        )
    return threads


def latest_threads(*, committee, user, limit=5):
    """The committee's most recently active threads, when `user` may read its forum."""
    threads = list(
        Thread.objects.visible_to(user)
        .filter(committee=committee)
        .order_by("-last_activity_at", "-id")
        .select_related("last_poster")[:limit]
    )
    for thread in threads:
        thread.committee = committee  # their addresses need its slug
    return threads


def thread_for_reading(*, committee, thread_id):
    """The thread of this committee, or Thread.DoesNotExist."""
    return Thread.objects.select_related("author", "category").get(
        committee=committee, pk=thread_id
    )


def post_ids(*, thread):
    """The thread's post ids in reading order, from the covering index (thread, created_at, id).

    Read straight from the cursor: at thousands of posts the ORM's row iteration would
    cost more than the query itself."""
    query = Post.objects.filter(thread=thread).order_by("created_at", "id").values_list("id")
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def last_read_post_id(*, user, thread):
    if user is None or not user.is_authenticated:
        return None
    return (
        ThreadReadState.objects.filter(user=user, thread=thread)
        .values_list("last_read_post_id", flat=True)
        .first()
    )


@dataclass
class PostPage:
    """One page of a thread: its posts and where it sits among the others."""

    number: int
    count: int
    posts: list = field(default_factory=list)
    first_unread_id: int | None = None

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.count

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def has_other_pages(self):
        return self.count > 1


def page_of_post(*, ids, post_id):
    """The page number (from 1) on which a post sits, or None when it is not in the thread."""
    try:
        return ids.index(post_id) // PAGE_SIZE + 1
    except ValueError:
        return None


def first_unread(*, ids, last_read):
    """The first post after `last_read` (None: nothing new)."""
    if last_read is None:
        return ids[0] if ids else None
    return next((pk for pk in ids if pk > last_read), None)


def first_unread_after(*, thread_id, last_read):
    """The thread's first post after `last_read`, from the reading-order index."""
    return (
        Post.objects.filter(thread=thread_id, pk__gt=last_read)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
        .first()
    )


def thread_page(*, ids, number, last_read=None):
    """The posts of page `number` (clamped to the pages that exist)."""
    count = max(math.ceil(len(ids) / PAGE_SIZE), 1)
    number = min(max(number, 1), count)
    wanted = ids[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    posts = list(
        Post.objects.filter(pk__in=wanted)
        .select_related("author", "organisation", "hidden_by")
        .prefetch_related("attachments")  # the page's files, in one query
        .order_by("created_at", "id")
    )
    page = PostPage(number=number, count=count, posts=posts)
    if last_read is not None:
        page.first_unread_id = first_unread(ids=ids, last_read=last_read)
    for post in posts:
        post.is_unread = last_read is not None and post.pk > last_read
    return page


def post_for_change(*, committee, post_id):
    """A post of the committee's forum with its thread, or Post.DoesNotExist."""
    return Post.objects.select_related("thread", "thread__committee", "author").get(
        pk=post_id, thread__committee=committee
    )


def post_revisions(*, post):
    return post.revisions.select_related("replaced_by")


def attachment_for_download(*, user, committee, attachment_id, sees_hidden=False):
    """A file attached to a post of `committee`'s forum, when `user` may read the thread now
    and its post is shown (a hidden post's only to those who see hidden posts, `sees_hidden`:
    the coordinators); else PostAttachment.DoesNotExist."""
    shown = [PostStatus.VISIBLE, PostStatus.HIDDEN] if sees_hidden else [PostStatus.VISIBLE]
    return PostAttachment.objects.get(
        pk=attachment_id,
        post__thread__committee=committee,
        post__thread__in=Thread.objects.visible_to(user).values("pk"),
        post__status__in=shown,
    )

"""The parts of forum pages that are the reader's own, drawn for them on pages kept for an
audience (portal.pagecache.holes): which threads they have not read, how they follow the
forum or the thread.

Each part is a keyed personal template; its key carries what the loader needs of its row."""

from datetime import UTC, datetime

from portal.committees.following.selectors import level_of
from portal.committees.forums import selectors, services
from portal.committees.forums.forms import FollowForm
from portal.committees.forums.models import Post, Thread, ThreadReadState

THREAD_MARKS = "personal/committees/thread_marks.html"
FOLLOW = "personal/committees/follow.html"


def thread_marks_key(thread):
    return f"{thread.committee.slug}.{thread.pk}.{thread.last_post_id or 0}"


def follow_key(committee, thread=None):
    key = f"{committee.slug}.{committee.pk}"
    return key if thread is None else f"{key}.{thread.pk}"


class _Thread:
    """What a thread's marks need to be drawn, from its key."""

    def __init__(self, key, last_read):
        slug, pk, last_post_id = key.split(".")
        self.pk, self.slug = int(pk), slug
        self.unread = int(last_post_id) > last_read.get(self.pk, 0)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("committees:thread", args=[self.slug, self.pk])


def thread_marks(request, keys):
    """{key: {"thread": …}} for the threads with posts the reader has not read, in one
    query."""
    ids = [int(key.split(".")[1]) for key in keys]
    last_read = dict(
        ThreadReadState.objects.filter(user=request.user, thread__in=ids).values_list(
            "thread_id", "last_read_post_id"
        )
    )
    threads = {key: _Thread(key, last_read) for key in keys}
    return {key: {"thread": thread} for key, thread in threads.items() if thread.unread}


def follow(request, keys):
    """{key: the follow form of the forum or thread the key names, at the reader's level}."""
    drawn = {}
    for key in keys:
        slug, committee_id, *thread_id = key.split(".")
        thread_id = int(thread_id[0]) if thread_id else None
        level = level_of(user=request.user, committee=int(committee_id), thread=thread_id)
        drawn[key] = {
            "follow_form": FollowForm(initial={"level": level}) if level else None,
            "committee": {"slug": slug},
            "thread": {"pk": thread_id} if thread_id else None,
        }
    return drawn


FIRST_UNREAD = "personal/committees/first_unread.html"
POST_MARKS = "personal/committees/post_marks.html"
POST_ACTIONS = "personal/committees/post_actions.html"


def first_unread_key(thread):
    return f"{thread.pk}.{thread.last_post_id or 0}"


def post_marks_key(post):
    return f"{post.thread_id}.{post.pk}"


def post_actions_key(post, *, committee, can_reply):
    """The post's author, status and time, and whether the audience may reply."""
    return (
        f"{committee.slug}.{post.pk}.{post.author_id or 0}.{post.status}"
        f".{int(post.created_at.timestamp())}.{int(can_reply)}"
    )


def _last_read(user, thread_id):
    return (
        ThreadReadState.objects.filter(user=user, thread=thread_id)
        .values_list("last_read_post_id", flat=True)
        .first()
    )


def first_unread(request, keys):
    """{key: {"page": …}}: where the reader's first unread post of the thread is."""
    drawn = {}
    for key in keys:
        thread_id, last_post_id = (int(part) for part in key.split("."))
        last_read = _last_read(request.user, thread_id)
        found = None
        if last_read is not None and last_post_id > last_read:
            found = selectors.first_unread_after(thread_id=thread_id, last_read=last_read)
        drawn[key] = {"page": {"first_unread_id": found}}
    return drawn


def post_marks(request, keys):
    """{key: {"post": …, "page": …}} for the page's posts that are new to the reader. Drawing
    them records that the reader has read the page, as the thread's view does."""
    posts = [tuple(int(part) for part in key.split(".")) for key in keys]
    thread_id = posts[0][0]
    last_read = _last_read(request.user, thread_id)
    unread = [pk for _, pk in posts if last_read is not None and pk > last_read]
    first = unread[0] if unread else None
    services.read_state_advance(
        user=request.user,
        thread=Thread(pk=thread_id),
        post_id=max(pk for _, pk in posts),
        previous=last_read,
    )
    return {
        key: {"post": {"pk": pk, "is_unread": True}, "page": {"first_unread_id": first}}
        for key, (_, pk) in zip(keys, posts, strict=True)
        if pk in unread
    }


def post_actions(request, keys):
    """{key: {"post": …, "committee": …, "can_reply": …}}: what the reader may do with each
    post — their own to edit or delete (within the deletion window), the others' to report."""
    drawn = {}
    for key in keys:
        slug, pk, author_id, status, written, can_reply = key.split(".")
        post = Post(
            pk=int(pk),
            author_id=int(author_id) or None,
            status=status,
            created_at=datetime.fromtimestamp(int(written), tz=UTC),
        )
        post.can_delete = services.can_delete(user=request.user, post=post)
        drawn[key] = {"post": post, "committee": {"slug": slug}, "can_reply": can_reply == "1"}
    return drawn

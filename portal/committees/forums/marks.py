"""The parts of forum pages that are the reader's own, drawn for them on pages kept for an
audience (portal.pagecache.holes): which threads and posts they have not read, what they may
do with their own posts. (How they follow the forum is part of the audience: see
portal.committees.views.forum_audience.)

Each part is a keyed personal template; its key carries what the loader needs of its row."""

from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

from portal.committees.forums import selectors, services
from portal.committees.forums.models import Post, Thread, ThreadReadState
from portal.pagecache import batch, generation
from portal.pagecache.middleware import address_match

FORUM_VIEWS = {"committees:forum", "committees:thread"}


def batched_reads_key(request, user_id):
    """The reader's kept positions, read with the person on forum pages (pagecache.batch)."""
    match = address_match(request) if request.method == "GET" else None
    if match is None or match.view_name not in FORUM_VIEWS:
        return []
    return [services.reads_key(user_id)]


class _Reads:
    """The reader's last read post per thread (None: never opened), as read when the page
    was asked for: from the cache, the database for the threads it did not hold."""

    def __init__(self, request):
        self.user = request.user
        self.token = generation.of_request(request)
        asked, kept = batch.taken(request, services.reads_key(self.user.pk))
        if not asked:
            kept = cache.get(services.reads_key(self.user.pk))
        self.known = dict(kept[1]) if kept and self.token and kept[0] == self.token else {}
        self.stored = dict(self.known)

    def of(self, thread_ids):
        missing = [pk for pk in thread_ids if pk not in self.known]
        if missing:
            found = dict(
                ThreadReadState.objects.filter(user=self.user, thread__in=missing).values_list(
                    "thread_id", "last_read_post_id"
                )
            )
            for pk in missing:
                self.known[pk] = self.stored[pk] = found.get(pk)
            self.save()
        return {pk: self.known[pk] for pk in thread_ids}

    def moved(self, thread_id, post_id):
        """The reader has now read `thread_id` up to `post_id` (recorded by the services)."""
        self.stored[thread_id] = max(post_id, self.stored.get(thread_id) or 0)
        self.save()

    def save(self):
        if self.token:
            kept = (self.token, self.stored)
            cache.set(services.reads_key(self.user.pk), kept, settings.PAGE_CACHE_TTL)


def _reads(request):
    if not hasattr(request, "_forum_reads"):
        request._forum_reads = _Reads(request)
    return request._forum_reads


THREAD_MARKS = "personal/committees/thread_marks.html"


def thread_marks_key(thread):
    return f"{thread.committee.slug}.{thread.pk}.{thread.last_post_id or 0}"


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
    last_read = {pk: last or 0 for pk, last in _reads(request).of(ids).items()}
    threads = {key: _Thread(key, last_read) for key in keys}
    return {key: {"thread": thread} for key, thread in threads.items() if thread.unread}


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


def _last_read(request, thread_id):
    """How far the reader had read the thread when the page was asked for: read once for
    the page's marks (the first unread link, then the posts), before drawing them moves it."""
    return _reads(request).of([thread_id])[thread_id]


def first_unread(request, keys):
    """{key: {"page": …}}: where the reader's first unread post of the thread is."""
    drawn = {}
    for key in keys:
        thread_id, last_post_id = (int(part) for part in key.split("."))
        last_read = _last_read(request, thread_id)
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
    last_read = _last_read(request, thread_id)
    unread = [pk for _, pk in posts if last_read is not None and pk > last_read]
    first = unread[0] if unread else None
    newest = max(pk for _, pk in posts)
    if last_read is None or newest > last_read:
        services.read_state_advance(
            user=request.user, thread=Thread(pk=thread_id), post_id=newest, previous=last_read
        )
        _reads(request).moved(thread_id, newest)
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

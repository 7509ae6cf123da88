"""The forums' discussions in the knowledge base's search: the source registered with
portal.knowledge.search.sources in CommitteesConfig.ready(), and the documents it reads.

- What it finds: threads of the forums the reader may read (Thread.objects.visible_to), by
  their title or by their visible posts. A hidden or deleted post is never matched, counted or
  excerpted. The facet counts those threads; its page lists them best first, each with its
  best matching posts (MATCHES_SHOWN), excerpts marked as the resources' are (text.highlight).
- PostgreSQL: stored documents under the knowledge base's `french_unaccent` configuration,
  Thread.search_vector (the title) and Post.search_vector (the message), served by GIN indexes
  (migration 0007) and written by the forum services through search_documents_refresh();
  queries are the resources' (their stems matched as prefixes). One query counts the threads
  and gives the page's thread and post ids, grouped in SQL.
- SQLite: the resources' Python fallback: readable titles and visible posts are read in one
  query and scored in Python with the same keys.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Value
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import PostStatus
from portal.committees.forums.models import Post, Thread
from portal.committees.models import Committee
from portal.knowledge.search import postgres
from portal.knowledge.search.sources import Found, SearchSource
from portal.knowledge.search.sqlite import score_text
from portal.knowledge.search.text import highlight, mentions, query_keys

MATCHES_SHOWN = 3
TITLE_LENGTH = 200  # a thread's whole title (Thread.title's max_length)
# Ends of blocks in a post's HTML, where its plain text needs a space.
BLOCK_END = re.compile(r"(</(?:p|li|h[1-6]|blockquote|pre|td|th)>|<br\s*/?>)", re.IGNORECASE)

# The count, the page's threads and their best posts, in one query over the matches (the
# common tables are filled from the ORM's SQL): rows (kind, thread id, n, m) where a
# « total » row gives the number of threads and of posts found, a « thread » row a thread
# of the page with its number of matching posts and its place, a « post » row one of its
# best posts with its rank in the thread.
GROUPED = """
WITH posts (thread_id, id, score) AS ({posts}),
titles (thread_id, score) AS ({titles}),
threads (thread_id, score, posts) AS (
    SELECT thread_id, SUM(score), SUM(n) FROM (
        SELECT thread_id, MAX(score) AS score, COUNT(*) AS n FROM posts GROUP BY thread_id
        UNION ALL
        SELECT thread_id, score, 0 FROM titles
    ) parts GROUP BY thread_id
),
page (thread_id, posts, place) AS (
    SELECT thread_id, posts, ROW_NUMBER() OVER (ORDER BY score DESC, thread_id DESC)
    FROM threads ORDER BY score DESC, thread_id DESC LIMIT %s OFFSET %s
)
SELECT 'total', COUNT(*), CAST(COALESCE(SUM(posts), 0) AS BIGINT), 0 FROM threads
UNION ALL
SELECT 'thread', thread_id, CAST(posts AS BIGINT), place FROM page
UNION ALL
SELECT 'post', thread_id, id, rank FROM (
    SELECT thread_id, id,
        ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY score DESC, id DESC) AS rank
    FROM posts WHERE thread_id IN (SELECT thread_id FROM page)
) ranked WHERE rank <= %s
"""


def search_documents_refresh(*, threads=None, posts=None):
    """Recompute the stored documents of these threads (their titles) and posts (their
    messages). PostgreSQL only: SQLite reads the texts themselves. The forum services call it
    for what they write; bulk writers (the demo, benchmarks) for what they made."""
    if not postgres.in_use():
        return
    if threads is not None:
        threads.update(search_vector=SearchVector("title", config=postgres.CONFIG, weight="A"))
    if posts is not None:
        posts.update(search_vector=SearchVector("body", config=postgres.CONFIG, weight="C"))


def readable_threads(user):
    return Thread.objects.visible_to(user)


def searchable_posts(user):
    """The posts a search may find: visible ones of the threads `user` may read."""
    return Post.objects.filter(
        status=PostStatus.VISIBLE, thread__in=readable_threads(user).values("pk")
    )


@dataclass
class Match:
    """A thread found, on the page: how many of its posts match, the best ones' ids."""

    thread_id: int
    count: int
    post_ids: list


def _postgres(*, user, query, offset, limit):
    """(threads found, posts found, the page's matches) from the stored documents."""
    search = postgres.tsquery(query)
    rank = SearchRank(F("search_vector"), search)
    posts = (
        searchable_posts(user)
        .filter(search_vector=search)
        .annotate(score=rank)
        .order_by()
        .values_list("thread_id", "pk", "score")
    )
    titles = (
        readable_threads(user)
        .filter(search_vector=search)
        .annotate(score=rank)
        .order_by()
        .values_list("pk", "score")
    )
    posts_sql, posts_params = posts.query.sql_with_params()
    titles_sql, titles_params = titles.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            GROUPED.format(posts=posts_sql, titles=titles_sql),
            (*posts_params, *titles_params, limit, offset, MATCHES_SHOWN),
        )
        rows = cursor.fetchall()
    threads = posts_found = 0
    page, best = [], {}
    for kind, thread_id, n, m in rows:
        if kind == "total":
            threads, posts_found = thread_id, n
        elif kind == "thread":
            page.append((m, thread_id, n))
        else:
            best.setdefault(thread_id, []).append(n)
    matches = [
        Match(thread_id, count, sorted(best.get(thread_id, [])))
        for _, thread_id, count in sorted(page)
    ]
    return threads, posts_found, matches


def _sqlite(*, user, keys, offset, limit):
    """(threads found, posts found, the page's matches), scored in Python: a title counts
    three times a message's match, as the resources' title does their text's."""
    titles = readable_threads(user).order_by().values_list("pk", Value(0), "title")
    posts = searchable_posts(user).order_by().values_list("thread_id", "pk", "body")
    titles_found, posts_found = {}, {}  # thread id → its title's score; its posts' scores
    for thread_id, post_id, text in titles.union(posts, all=True):
        if not mentions(text, keys):  # a cheap scan first: most texts do not match
            continue
        if post_id:
            score = score_text(keys, title="", summary="", text=text)
            if score:
                posts_found.setdefault(thread_id, []).append((-score, -post_id))
        else:
            score = score_text(keys, title=text, summary="", text="")
            if score:
                titles_found[thread_id] = score

    def best(thread_id):  # the score of its best post
        return -min(posts_found.get(thread_id, [(0, 0)]))[0]

    ranked = sorted(
        titles_found.keys() | posts_found.keys(),
        key=lambda pk: (-(titles_found.get(pk, 0) + best(pk)), -pk),
    )
    matches = []
    for thread_id in ranked[offset : offset + limit]:
        scored = sorted(posts_found.get(thread_id, []))  # best first, then the latest
        shown = sorted(-pk for _, pk in scored[:MATCHES_SHOWN])
        matches.append(Match(thread_id, len(scored), shown))
    return len(ranked), sum(map(len, posts_found.values())), matches


def plain_text(body_html):
    """A post's text without its markup, for its excerpt."""
    return " ".join(html.unescape(strip_tags(BLOCK_END.sub(r"\1 ", body_html or ""))).split())


def _threads_of(matches, *, user, keys):
    """The page's threads, in order, each with its committee, its title marked and its best
    posts with their excerpts (read again among what `user` may read: one query each)."""
    threads = (
        readable_threads(user)
        .select_related("committee")
        .only("title", "is_demo", "committee__name", "committee__slug")
        .in_bulk([m.thread_id for m in matches])
    )
    posts = (
        Post.objects.filter(status=PostStatus.VISIBLE, thread__in=list(threads))
        .select_related("author", "organisation")
        .defer("body", "search_vector")
        .in_bulk([pk for m in matches for pk in m.post_ids])
    )
    page = []
    for match in matches:
        thread = threads.get(match.thread_id)
        if thread is None:  # no longer readable since it was counted
            continue
        thread.marked_title = highlight(thread.title, keys, length=TITLE_LENGTH)
        thread.matches = []
        for pk in match.post_ids:
            post = posts.get(pk)
            if post is not None:
                post.thread = thread  # its address needs the committee's slug
                post.excerpt = highlight(plain_text(post.body_html), keys)
                thread.matches.append(post)
        thread.match_count = match.count
        thread.more = max(match.count - len(thread.matches), 0)
        page.append(thread)
    return page


@dataclass
class Discussions(Found):
    posts: int = 0  # the matching posts of the threads found


class DiscussionsSource(SearchSource):
    name = "discussions"
    label = _("Discussions")
    template = "committees/forums/_search_results.html"

    def audience(self, user):
        """What decides the forums a person reads (Thread.objects.visible_to): the committees
        they sit on and, for restricted ones, whether they are a curator."""
        from portal.accounts.rules import is_curator

        if user is None or not user.is_authenticated:
            return "public"
        seats = sorted(Committee.objects.of(user).values_list("pk", flat=True))
        role = "curator" if is_curator(user) else "member"
        return f"{role}:" + ",".join(map(str, seats))

    def search(self, *, user, query, offset=0, limit=0):
        keys = query_keys(query)
        if not keys:
            return Discussions()
        if postgres.in_use():
            threads, posts, matches = _postgres(user=user, query=query, offset=offset, limit=limit)
        else:
            threads, posts, matches = _sqlite(user=user, keys=keys, offset=offset, limit=limit)
        items = _threads_of(matches, user=user, keys=keys) if matches else []
        return Discussions(total=threads, items=items, posts=posts)

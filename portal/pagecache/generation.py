"""The generation of the kept pages: one token, renewed after every committed write that may
show on a page.

Every database connection of every process (web, worker, management commands) runs its SQL
through `WriteWatcher`: an INSERT, UPDATE or DELETE on a table that is not bookkeeping renews
the token once its transaction commits. Watching the SQL rather than model signals also sees
`QuerySet.update()`, `bulk_create()` and raw SQL, which send no signal.
"""

import re
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "pagecache:generation"
# INSERT, INSERT OR IGNORE (SQLite's form of an ignored conflict), UPDATE, DELETE: the table.
WRITE = re.compile(
    r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE
)


def current():
    """The token pages are kept under, or None when the cache cannot be reached."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def of_request(request):
    """current(), read once per request (every kept fragment of a page asks for it)."""
    if request is None:
        return current()
    if not hasattr(request, "_pagecache_generation"):
        request._pagecache_generation = current()
    return request._pagecache_generation


def remember(request, token):
    """Record the token read for this request (with other keys, in one round trip)."""
    request._pagecache_generation = token


def renew():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def ignored_tables():
    """Tables whose writes never change a page an anonymous visitor sees (sessions, login
    attempts, read markers, job bookkeeping): PAGE_CACHE_IGNORED_MODELS."""
    return frozenset(
        apps.get_model(label)._meta.db_table for label in settings.PAGE_CACHE_IGNORED_MODELS
    )


class WriteWatcher:
    def __init__(self, connection):
        self.connection = connection
        self.ignored = None

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not settings.PAGE_CACHE_TTL or not isinstance(sql, str):
            return result
        match = WRITE.match(sql)
        if match and match.group(1) not in self._ignored():
            transaction.on_commit(renew, using=self.connection.alias)
        return result

    def _ignored(self):
        if self.ignored is None:
            self.ignored = ignored_tables()
        return self.ignored


def watch_writes(sender, connection, **kwargs):
    """connection_created: put the watcher on the connection, once."""
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(WriteWatcher(connection))

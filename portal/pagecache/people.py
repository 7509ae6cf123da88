"""The person behind a session, kept in the cache until the next write.

Django reads the session's person from the database on every request. Here that row is kept
in the cache under the generation (portal.pagecache.generation): any write to the database
renews the generation, so a changed password, a deactivated account or a new role is read
afresh on the next request. The generation and the kept row are read in one round trip, and
the session is verified against the kept row exactly as Django verifies it against a fresh
one; anything unusual (no cache, another secret, a backend no longer configured) goes
through Django's own get_user().
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from portal.pagecache import batch, generation


def _key(user_id):
    return f"pagecache:person:{user_id}"


def person(request):
    """The session's person (or AnonymousUser), read once per request."""
    if not hasattr(request, "_cached_user"):
        request._cached_user = _person(request)
    return request._cached_user


def _person(request):
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    if user_id is None or session.get(auth.BACKEND_SESSION_KEY) not in (
        settings.AUTHENTICATION_BACKENDS
    ):
        return auth.get_user(request)
    # With what the page and its header will ask for, in one round trip (batch.py).
    found = batch.read(request, user_id, [_key(user_id)])
    token = found.get(generation.GENERATION_KEY)
    kept = found.get(_key(user_id))
    if token is not None:
        generation.remember(request, token)
        if kept is not None and kept[0] == token:
            hashed = session.get(auth.HASH_SESSION_KEY)
            if hashed and constant_time_compare(hashed, kept[1].get_session_auth_hash()):
                return kept[1]
    user = auth.get_user(request)
    if token is not None and user.is_authenticated:
        # Kept under the generation read before the row: a write in between renews it.
        cache.set(_key(user.pk), (token, user), settings.PAGE_CACHE_TTL)
    return user


class KeptPersonAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, the session's person read through person()."""

    def process_request(self, request):
        super().process_request(request)
        if settings.PAGE_CACHE_TTL:
            request.user = SimpleLazyObject(lambda: person(request))

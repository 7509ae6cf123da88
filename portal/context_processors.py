from django.conf import settings
from django.core.cache import cache

from portal.pagecache import generation
from territories.geography.selectors import loaded_region

NAVIGATION_PERMISSIONS = {
    "can_invite": "accounts.invite_people",
    "can_import": "territories.import_data",
    "can_review": "knowledge.review_resource",
}


def site(request):
    """What the base template needs on every page: the loaded région, the roles that shape
    navigation."""
    # Error pages may be drawn before authentication ran (a request refused early).
    user = getattr(request, "user", None)
    if user is None:
        return {"region": loaded_region()}
    return {"region": loaded_region(), **_navigation(request, user)}


def _navigation(request, user):
    """Which role links the header shows. Three permission checks cost three queries on
    every page; they are kept per person until the next write to the database (a role given
    or taken is a write), like the pages themselves (portal.pagecache)."""
    if not user.is_authenticated:
        return dict.fromkeys(NAVIGATION_PERMISSIONS, False)
    token = generation.of_request(request) if settings.PAGE_CACHE_TTL else None
    key = f"navigation:{token}:{user.pk}"
    kept = cache.get(key) if token else None  # None: keeping is off, or the cache is away
    if kept is None:
        kept = {name: user.has_perm(perm) for name, perm in NAVIGATION_PERMISSIONS.items()}
        if token:
            cache.set(key, kept, settings.PAGE_CACHE_TTL)
    return kept

from django.conf import settings
from django.core.cache import cache

from portal.accounts.notifications import selectors as notifications
from portal.accounts.notifications import services as notification_services
from portal.pagecache import generation
from territories.geography.selectors import REGION_KEY, loaded_region

NAVIGATION_PERMISSIONS = {
    "can_invite": "accounts.invite_people",
    "can_import": "territories.import_data",
    "can_review": "knowledge.review_resource",
}


def site(request):
    """What the base template needs on every page: the loaded région, the roles that shape
    navigation, the bell's count."""
    # Error pages may be drawn before authentication ran (a request refused early).
    user = getattr(request, "user", None)
    if user is None:
        return {"region": loaded_region()}
    if not user.is_authenticated:
        anonymous = dict.fromkeys(NAVIGATION_PERMISSIONS, False)
        return {"region": loaded_region(), **anonymous, "unread_notifications": 0}
    return _header(request, user)


def _header(request, user):
    """What the header shows a person, read from the cache in one round trip (it is drawn
    on every page, kept ones included): the région, and

    - which role links: three permission checks, kept per person until the next write to the
      database (a role given or taken is a write), like the pages themselves;
    - the bell's count of unread notifications;
    - and whether they were seen in the last minutes: a page drawn for a person is the sign
      they are on the portal (the daily digest goes only to those who have not been back).
    """
    token = generation.of_request(request) if settings.PAGE_CACHE_TTL else None
    navigation_key = f"navigation:{token}:{user.pk}" if token else None
    unread_key, seen_key = (
        notification_services.unread_key(user.pk),
        notification_services.presence_key(user.pk),
    )
    keys = (REGION_KEY, navigation_key, unread_key, seen_key)
    found = cache.get_many([key for key in keys if key])
    navigation = found.get(navigation_key)
    if navigation is None:
        navigation = {name: user.has_perm(perm) for name, perm in NAVIGATION_PERMISSIONS.items()}
        if token:  # None: keeping is off, or the cache is away
            cache.set(navigation_key, navigation, settings.PAGE_CACHE_TTL)
    if not found.get(seen_key):
        notification_services.presence_record(user=user)
    unread = notifications.unread_count(user=user, cached=found.get(unread_key))
    region = loaded_region(cached=found.get(REGION_KEY))
    return {"region": region, **navigation, "unread_notifications": unread}

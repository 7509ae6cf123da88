from django.conf import settings
from django.core.cache import cache

from portal.accounts.notifications import selectors as notifications
from portal.accounts.notifications import services as notification_services
from portal.pagecache import batch, generation
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


def header_keys(request, user_id):
    """The cache keys of what the header shows a person: the région, their role links, the
    bell's count, their last presence."""
    return [
        REGION_KEY,
        f"navigation:{user_id}",
        notification_services.unread_key(user_id),
        notification_services.presence_key(user_id),
    ]


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
    keys = header_keys(request, user.pk)
    navigation_key, unread_key, seen_key = keys[1:]
    taken = [batch.taken(request, key) for key in keys] if batch.serving(request) else []
    if taken and all(asked for asked, _value in taken):  # read with the person (batch.py)
        found = {key: value for key, (_asked, value) in zip(keys, taken, strict=True)}
    else:
        found = cache.get_many(keys)
    navigation = found.get(navigation_key)
    # Kept with the generation it was worked out under: a role given or taken renews it.
    navigation = navigation[1] if navigation and token and navigation[0] == token else None
    if navigation is None:
        navigation = {name: user.has_perm(perm) for name, perm in NAVIGATION_PERMISSIONS.items()}
        if token:  # None: keeping is off, or the cache is away
            cache.set(navigation_key, (token, navigation), settings.PAGE_CACHE_TTL)
    if not found.get(seen_key):
        notification_services.presence_record(user=user)
    unread = notifications.unread_count(user=user, cached=found.get(unread_key))
    region = loaded_region(cached=found.get(REGION_KEY))
    return {"region": region, **navigation, "unread_notifications": unread}

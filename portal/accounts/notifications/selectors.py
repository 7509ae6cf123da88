from django.core.cache import cache
from django.db.models import Count

from portal.accounts.notifications import kinds
from portal.accounts.notifications.models import Notification, NotificationPreference
from portal.accounts.notifications.services import unread_key

COUNT_TTL = 3600


def unread_count(*, user, cached=None):
    """How many notifications `user` has not read; kept in the cache until one is created
    or read (services forget it). `cached`: the value already read from the cache, if any."""
    if not user.is_authenticated:
        return 0
    key = unread_key(user.pk)
    count = cached if cached is not None else cache.get(key)
    if count is None:
        per_scope = dict(
            Notification.objects.filter(recipient=user, read_at__isnull=True)
            .order_by()
            .values_list("scope")
            .annotate(count=Count("id"))
        )
        readable = kinds.readable_scopes(user, per_scope)
        count = sum(n for scope, n in per_scope.items() if scope in readable)
        cache.set(key, count, COUNT_TTL)
    return count


def notifications_for(*, user):
    """`user`'s notifications, newest first, but those of scopes they can no longer read."""
    own = Notification.objects.filter(recipient=user)
    scopes = own.order_by().values_list("scope", flat=True).distinct()
    return own.filter(scope__in=kinds.readable_scopes(user, scopes)).order_by("-created_at", "-id")


def preferences_of(*, user):
    """[(kind, chosen delivery)] for every declared kind, in the order they were declared."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [(kind, chosen.get(key, kind.default)) for key, kind in kinds.KINDS.items()]

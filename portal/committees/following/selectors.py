from django.db.models import Q

from portal.committees.choices import FollowLevel
from portal.committees.following.models import Subscription
from portal.committees.models import CommitteeMembership


def level_of(*, user, committee, thread=None):
    """How closely `user` follows the committee's forum, or the thread (its own choice, else
    the forum's, else « normal »); None for visitors. The committee and the thread may be
    given by their ids."""
    if not user.is_authenticated:
        return None
    rows = dict(
        Subscription.objects.filter(user=user, committee=committee)
        .filter(Q(thread__isnull=True) | Q(thread=thread))
        .values_list("thread_id", "level")
    )
    thread_id = getattr(thread, "pk", thread)
    if thread_id is not None and thread_id in rows:
        return rows[thread_id]
    return rows.get(None, FollowLevel.NORMAL)


def mentionable(*, committee):
    """The names the writing form proposes after @: the committee's members."""
    return sorted(
        name
        for name in CommitteeMembership.objects.filter(
            committee=committee, user__is_active=True, user__deleted_at__isnull=True
        ).values_list("user__full_name", flat=True)
        if name
    )

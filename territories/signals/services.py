"""Writes of weak signals by people: an analyst's review, following a territory."""

from territories.signals.models import SignalReview, TerritoryFollow


def signal_review_create(*, signal, status, comment, user):
    """Record an analyst's verdict on a signal; earlier verdicts are kept as its history."""
    return SignalReview.objects.create(
        territory_id=signal.territory_id,
        rule=signal.rule,
        indicator_id=signal.indicator_id,
        status=status,
        comment=comment,
        reviewed_by=user,
    )


def territory_follow(*, user, territory):
    follow, _created = TerritoryFollow.objects.get_or_create(user=user, territory=territory)
    return follow


def territory_unfollow(*, user, territory):
    TerritoryFollow.objects.filter(user=user, territory=territory).delete()

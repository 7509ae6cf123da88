"""Reads for weak signals: what the last published run raised, with the analysts' reviews."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from territories.choices import SignalStatus
from territories.pipeline.selectors import published_run_id
from territories.signals.models import SignalReview, TerritoryFollow, WeakSignal
from territories.signals.sources import qualitative_signals


@dataclass
class FlaggedTerritory:
    """A territory of the list: its signals, and their scores added up."""

    territory: object
    signals: list = field(default_factory=list)

    @property
    def score(self):
        return sum(signal.score for signal in self.signals)

    @property
    def corroborated(self):
        """Flagged both by the recompute and by the field (a committee's observation): two
        independent ways of seeing the same territory, so it ranks before the others."""
        kinds = {getattr(signal, "is_qualitative", False) for signal in self.signals}
        return len(kinds) == 2


def _key(signal):
    return (signal.territory_id, signal.rule, signal.indicator_id)


def _attach_reviews(signals):
    """Give each signal its review history (newest first) and its current status.

    One query, whatever the number of signals: a review applies to a (territory, rule,
    indicator), across runs.
    """
    territory_ids = {signal.territory_id for signal in signals}
    history = defaultdict(list)
    if territory_ids:
        reviews = (
            SignalReview.objects.filter(territory_id__in=territory_ids)
            .select_related("reviewed_by")
            .order_by("-reviewed_at", "-pk")
        )
        for review in reviews:
            history[(review.territory_id, review.rule, review.indicator_id)].append(review)
    for signal in signals:
        signal.reviews = history.get(_key(signal), [])
        signal.review_status = signal.reviews[0].status if signal.reviews else SignalStatus.NEW
        signal.review_status_label = SignalStatus(signal.review_status).label
    return signals


def _published_signals():
    return (
        WeakSignal.objects.filter(run_id=published_run_id())
        .select_related("territory", "territory__departement", "indicator")
        # Boundaries are ~24 KB of JSON each, never shown here.
        .defer("territory__geometry", "territory__departement__geometry")
        .order_by("-score", "pk")
    )


def flagged_territories(*, rule=None, level=None, status=None, user=None):
    """The territories the published run flagged or the field observed (the qualitative
    signals `user` may read, territories.signals.sources), those flagged both ways first,
    then the most flagged.

    Filters keep only the matching signals; a territory is listed if one of its signals
    matches. Three queries, and those of the sources, whatever the number of territories.
    """
    queryset = _published_signals()
    if rule:
        queryset = queryset.filter(rule=rule)
    if level:
        queryset = queryset.filter(territory__level=level)
    signals = _attach_reviews(list(queryset))
    if status:
        signals = [signal for signal in signals if signal.review_status == status]
    signals += qualitative_signals(user=user, rule=rule, level=level, status=status)
    grouped = {}
    for signal in signals:
        grouped.setdefault(
            signal.territory_id, FlaggedTerritory(territory=signal.territory)
        ).signals.append(signal)
    return sorted(
        grouped.values(),
        key=lambda item: (
            not item.corroborated,
            -item.score,
            -len(item.signals),
            item.territory.name,
        ),
    )


def signal_detail(*, pk):
    """One signal (of any run still stored) with its review history, or None."""
    signal = (
        WeakSignal.objects.select_related("territory", "indicator", "run")
        .defer("territory__geometry")
        .filter(pk=pk)
    )
    signal = signal.first()
    if signal is not None:
        _attach_reviews([signal])
    return signal


def territory_signals(*, territory):
    """The published run's signals on one territory, strongest first, with their status."""
    return _attach_reviews(list(_published_signals().filter(territory=territory)))


def territory_qualitative_signals(*, territory, user):
    """What the field says of one territory (territories.signals.sources), for `user`."""
    return qualitative_signals(user=user, territory=territory)


def is_following(*, user, territory):
    if user is None or not user.is_authenticated:
        return False
    return TerritoryFollow.objects.filter(user=user, territory=territory).exists()


def follows(*, user, level, code):
    """is_following, for a territory known by its level and code."""
    if user is None or not user.is_authenticated:
        return False
    return TerritoryFollow.objects.filter(
        user=user, territory__level=level, territory__code=code
    ).exists()


def signals_for_api():
    """The published run's signals, annotated with their current review status."""
    latest = SignalReview.objects.filter(
        territory_id=OuterRef("territory_id"),
        rule=OuterRef("rule"),
        indicator_id=OuterRef("indicator_id"),
    ).order_by("-reviewed_at", "-pk")
    return (
        WeakSignal.objects.filter(run_id=published_run_id())
        .select_related("territory", "indicator")
        .defer("territory__geometry")
        .annotate(
            review_status=Coalesce(Subquery(latest.values("status")[:1]), Value(SignalStatus.NEW))
        )
        .order_by("-score", "pk")
    )

"""Reads of field observations: the territories a committee may observe, a committee's
observations as each reader may see them, and the validated ones among the weak signals."""

from django.db.models import Prefetch, Q

from portal.accounts.rules import is_analyst, is_curator
from portal.committees.choices import CommitteeAccess, ObservationStatus
from portal.committees.models import Committee
from portal.committees.observations.models import FieldObservation, FieldObservationReview
from territories.choices import LEVEL_ORDER
from territories.geography.models import Territory
from territories.geography.selectors import territory_ancestor_ids, territory_family_ids

# Boundaries are tens of KB of JSON each, never shown with an observation.
NO_BOUNDARY = ("territory__geometry", "committee__territory__geometry")


def committee_territory_ids(*, committee):
    """Ids of the territories a committee observes: its own and those inside it (a
    département's EPCI and communes, an EPCI's communes…); none when it has no territory."""
    territory = committee.territory
    if territory is None:
        return set()
    # Its family, less what contains it.
    return territory_family_ids(territory=territory) - (
        territory_ancestor_ids(territory=territory) - {territory.pk}
    )


def covers(*, committee, territory):
    """Whether `territory` is the committee's own or lies inside it."""
    if committee.territory_id is None:
        return False
    return committee.territory_id in territory_ancestor_ids(territory=territory)


def committee_territories(*, committee):
    """The territories a committee observes, largest first then by name (the form's list)."""
    rank = {level: index for index, level in enumerate(LEVEL_ORDER)}
    territories = Territory.objects.filter(
        pk__in=committee_territory_ids(committee=committee)
    ).only("pk", "level", "code", "name")
    return sorted(territories, key=lambda t: (rank.get(t.level, 9), t.name, t.code))


def _with_everything(queryset):
    return queryset.select_related("committee", "territory", "theme", "author").defer(*NO_BOUNDARY)


def committee_observations(*, committee, user):
    """A committee's observations as `user` may list them: all for those who decide on
    them, the validated ones and their own for the others."""
    observations = FieldObservation.objects.filter(committee=committee)
    if not user.has_perm("committees.decide_observations", committee):
        mine = Q(author=user) if user.is_authenticated else Q(pk__in=[])
        observations = observations.filter(Q(status=ObservationStatus.VALIDATED) | mine)
    return _with_everything(observations)


def observation_for_reading(*, committee, pk, user):
    """One of the committee's observations if `user` may read it, else None."""
    return committee_observations(committee=committee, user=user).filter(pk=pk).first()


def review_history(*, observation):
    return list(observation.reviews.select_related("reviewed_by"))


def validated_observations(*, user, territory=None, level=None, status=None):
    """The validated observations `user` may read, the newest first, each with its reviews
    (newest first): two queries, whatever their number."""
    observations = FieldObservation.objects.validated().readable_by(user)
    if territory is not None:
        observations = observations.filter(territory=territory)
    if level:
        observations = observations.filter(territory__level=level)
    if status:
        observations = observations.filter(review_status=status)
    reviews = FieldObservationReview.objects.select_related("reviewed_by")
    return list(
        _with_everything(observations)
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .order_by("-validated_at", "-pk")
    )


def readers_audience(user):
    """A text equal for two readers who may read the same committees' observations
    (observation_readers_q): visitors; or the non-public committees one sits on, and whether
    one is a curator or analyst, who read every restricted committee's."""
    if user is None or not user.is_authenticated:
        return "visitor"
    staff = "staff" if is_curator(user) or is_analyst(user) else "member"
    seats = sorted(
        Committee.objects.of(user)
        .exclude(access=CommitteeAccess.PUBLIC)
        .values_list("pk", flat=True)
    )
    return f"{staff}:" + ",".join(map(str, seats))

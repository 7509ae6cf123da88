"""The committees' validated field observations among the territories' weak signals
(territories.signals.sources), registered in CommitteesConfig.ready()."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.committees.observations import selectors
from territories.choices import SignalRule
from territories.signals.sources import QualitativeSignal, SignalSource

# The list shows the start of what was seen; the observation's page shows it all.
EXCERPT_WORDS = 60


def review_prefix(observation):
    """The review form's prefix, on the signals list and on the observation's page alike."""
    return f"o{observation.pk}"


def origin(observation):
    """Who raised it and when, as the list and the portrait name it."""
    parts = [
        observation.committee.name,
        _("raised on %(date)s")
        % {"date": date_format(timezone.localtime(observation.created_at), "DATE_FORMAT")},
        _("seen since %(date)s") % {"date": date_format(observation.observed_since, "DATE_FORMAT")},
    ]
    if observation.people_concerned:
        parts.append(
            ngettext(
                "%(count)s person concerned",
                "%(count)s people concerned",
                observation.people_concerned,
            )
            % {"count": observation.people_concerned}
        )
    return " · ".join(parts)


class FieldObservationSource(SignalSource):
    name = "observations"
    rule = SignalRule.FIELD

    def audience(self, user):
        return selectors.readers_audience(user)

    def signals(self, *, user, territory=None, level=None, status=None):
        observations = selectors.validated_observations(
            user=user, territory=territory, level=level, status=status
        )
        return [
            QualitativeSignal(
                territory=observation.territory,
                explanation=f"{observation.theme.name} — "
                + Truncator(observation.description).words(EXCERPT_WORDS),
                origin=origin(observation),
                url=observation.get_absolute_url(),
                review_url=reverse(
                    "committees:observation_review",
                    args=[observation.committee.slug, observation.pk],
                ),
                review_status=observation.review_status,
                reviews=list(observation.reviews.all()),
                key=review_prefix(observation),
            )
            for observation in observations
        ]

"""Raising a field observation, the coordinators' decision on it, the analysts' verdict.

A member raises an observation about a territory of their committee; a coordinator
validates it, asks the author for precision (the author then changes it, and it waits for a
decision again) or discards it. Only validated observations stand among the weak signals,
where analysts review them as they review the others. Refusals raise PermissionDenied or
ValidationError and change nothing.
"""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.notifications import services as notifications
from portal.committees.choices import ObservationStatus
from portal.committees.membership.services import committee_scope
from portal.committees.observations import selectors
from portal.committees.observations.models import FieldObservation, FieldObservationReview
from portal.committees.selectors import coordinators_of
from territories.choices import SignalStatus

# Kinds of notification (registered in CommitteesConfig.ready()).
OBSERVATIONS = "committees.observations"  # to the coordinators: an observation to decide on
OBSERVATION_DECISIONS = "committees.observation_decisions"  # to its author: the decision

MAX_DESCRIPTION = 5000
MAX_PEOPLE = 10_000_000
REVIEW = "territories.review_signals"


class Decision:
    VALIDATE = "validate"
    PRECISION = "precision"
    DISCARD = "discard"


# What each decision leads to, and from where: a validated observation may still be
# withdrawn (discarded), a discarded one is closed.
DECISIONS = {
    Decision.VALIDATE: (
        ObservationStatus.VALIDATED,
        (ObservationStatus.SUBMITTED, ObservationStatus.NEEDS_PRECISION),
    ),
    Decision.PRECISION: (ObservationStatus.NEEDS_PRECISION, (ObservationStatus.SUBMITTED,)),
    Decision.DISCARD: (
        ObservationStatus.DISCARDED,
        (
            ObservationStatus.SUBMITTED,
            ObservationStatus.NEEDS_PRECISION,
            ObservationStatus.VALIDATED,
        ),
    ),
}


def check_observation(*, committee, territory, description, observed_since, people_concerned):
    """Refuse what an observation cannot say, whoever raises it: raises ValidationError."""
    errors = {}
    if territory is None:
        errors["territory"] = _("Choose the territory you observed.")
    elif committee.territory_id is None:
        errors["territory"] = _(
            "This committee has no territory yet: its coordinators must give it one before "
            "observations can be raised."
        )
    elif not selectors.covers(committee=committee, territory=territory):
        errors["territory"] = _(
            "%(territory)s is outside the committee's territory (%(own)s): choose %(own)s or "
            "a territory inside it."
        ) % {"territory": territory.name, "own": committee.territory.name}
    if not description.strip():
        errors["description"] = _("Say what you saw.")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _("Say it in at most %(count)s characters.") % {
            "count": MAX_DESCRIPTION
        }
    if observed_since is None:
        errors["observed_since"] = _("Say since when you see it.")
    elif observed_since > timezone.localdate():
        errors["observed_since"] = _("The date it started cannot be in the future.")
    if people_concerned is not None and not 1 <= people_concerned <= MAX_PEOPLE:
        errors["people_concerned"] = _(
            "Give a number of people between 1 and %(max)s, or leave it empty if unknown."
        ) % {"max": MAX_PEOPLE}
    if errors:
        raise ValidationError(errors)


def observation_raise(
    *, user, committee, territory, theme, description, observed_since, people_concerned=None
):
    """A member raises an observation; the coordinators are told it awaits their decision."""
    if not rules.test_rule("committees.raise_observation", user, committee):
        raise PermissionDenied(_("Only the committee's members can raise an observation."))
    check_observation(
        committee=committee,
        territory=territory,
        description=description,
        observed_since=observed_since,
        people_concerned=people_concerned,
    )
    with transaction.atomic():
        observation = FieldObservation.objects.create(
            committee=committee,
            territory=territory,
            theme=theme,
            description=description.strip(),
            observed_since=observed_since,
            people_concerned=people_concerned,
            author=user,
        )
        _tell_coordinators(observation, actor=user, changed=False)
    return observation


def observation_update(
    *, user, observation, territory, theme, description, observed_since, people_concerned=None
):
    """Its author changes an observation not decided yet (or whose precision was asked); it
    waits for the coordinators' decision again."""
    if user.pk is None or observation.author_id != user.pk:
        raise PermissionDenied(_("Only its author can change an observation."))
    if not rules.test_rule("committees.raise_observation", user, observation.committee):
        raise PermissionDenied(_("Only the committee's members can raise an observation."))
    check_observation(
        committee=observation.committee,
        territory=territory,
        description=description,
        observed_since=observed_since,
        people_concerned=people_concerned,
    )
    changeable = (ObservationStatus.SUBMITTED, ObservationStatus.NEEDS_PRECISION)
    with transaction.atomic():
        updated = FieldObservation.objects.filter(pk=observation.pk, status__in=changeable).update(
            territory=territory,
            theme=theme,
            description=description.strip(),
            observed_since=observed_since,
            people_concerned=people_concerned,
            status=ObservationStatus.SUBMITTED,
            updated_at=timezone.now(),
        )
        if not updated:
            raise ValidationError(
                _("The coordinators have decided on this observation: it can no longer change."),
                code="decided",
            )
        observation.refresh_from_db()
        _tell_coordinators(observation, actor=user, changed=True)
    return observation


def observation_decide(*, user, observation, decision, message=""):
    """A coordinator validates the observation, asks its author for precision (saying what
    is missing) or discards it; the author is told."""
    committee = observation.committee
    if not user.has_perm("committees.decide_observations", committee):
        raise PermissionDenied(_("Only the committee's coordinators decide on observations."))
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."), code="decision")
    message = message.strip()
    if decision == Decision.PRECISION and not message:
        raise ValidationError(
            {"message": _("Say what precision you need from its author.")}, code="message"
        )
    status, allowed = DECISIONS[decision]
    now = timezone.now()
    fields = {
        "status": status,
        "decided_by": user,
        "decided_at": now,
        "decision_message": message[:MAX_DESCRIPTION],
    }
    if status == ObservationStatus.VALIDATED:
        fields["validated_at"] = now
    with transaction.atomic():
        updated = FieldObservation.objects.filter(pk=observation.pk, status__in=allowed).update(
            **fields
        )
        if not updated:
            observation.refresh_from_db(fields=["status"])
            raise ValidationError(
                _("This observation is « %(status)s »: this decision no longer applies.")
                % {"status": observation.get_status_display()},
                code="decided",
            )
        observation.refresh_from_db()
        _tell_author(observation, actor=user)
    return observation


def observation_review(*, user, observation, status, comment=""):
    """An analyst's verdict on a validated observation, as on a weak signal; earlier verdicts
    are kept as its history."""
    if not user.has_perm(REVIEW):
        raise PermissionDenied(_("Only the analysts review weak signals."))
    readable = FieldObservation.objects.validated().readable_by(user).filter(pk=observation.pk)
    if not readable.exists():
        raise ValidationError(
            _("Only a validated observation is reviewed among the weak signals."), code="status"
        )
    if status not in SignalStatus.values or status == SignalStatus.NEW:
        raise ValidationError({"status": _("Choose a verdict.")}, code="verdict")
    with transaction.atomic():
        review = FieldObservationReview.objects.create(
            observation=observation, status=status, comment=comment.strip(), reviewed_by=user
        )
        FieldObservation.objects.filter(pk=observation.pk).update(review_status=status)
    observation.review_status = status
    return review


def _tell_coordinators(observation, *, actor, changed):
    committee = observation.committee
    with notifications.portal_language():
        if changed:
            title = _("Field observation completed in %(committee)s")
        else:
            title = _("New field observation in %(committee)s")
        body = _("%(person)s observed on %(territory)s (%(theme)s): it awaits your decision.") % {
            "person": actor.display_name,
            "territory": observation.territory.name,
            "theme": observation.theme.name,
        }
        notifications.notify(
            recipients=[seat.user for seat in coordinators_of(committee=committee)],
            kind=OBSERVATIONS,
            title=title % {"committee": committee.name},
            body=body,
            path=observation.get_absolute_url(),
            scope=committee_scope(committee),
            actor=actor,
        )


def _tell_author(observation, *, actor):
    committee = observation.committee
    names = {"committee": committee.name, "territory": observation.territory.name}
    with notifications.portal_language():
        if observation.status == ObservationStatus.VALIDATED:
            title = _("Your field observation was validated")
            body = _(
                "Your observation on %(territory)s now stands among the weak signals of the "
                "territories."
            )
        elif observation.status == ObservationStatus.NEEDS_PRECISION:
            title = _("Precision asked on your field observation")
            body = _(
                "The coordinators of %(committee)s ask you to complete your observation on "
                "%(territory)s."
            )
        else:
            title = _("Your field observation was discarded")
            body = _(
                "The coordinators of %(committee)s discarded your observation on %(territory)s."
            )
        body %= names
        if observation.decision_message:
            body += "\n\n" + _("Message from the coordinators:") + "\n"
            body += observation.decision_message
        notifications.notify(
            recipients=[observation.author],
            kind=OBSERVATION_DECISIONS,
            title=title,
            body=body,
            path=observation.get_absolute_url(),
            scope=committee_scope(committee),
            actor=actor,
        )

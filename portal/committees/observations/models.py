from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import CommitteeAccess, ObservationStatus
from territories.choices import SignalStatus


class FieldObservationQuerySet(models.QuerySet):
    def validated(self):
        return self.filter(status=ObservationStatus.VALIDATED)

    def readable_by(self, user):
        """Observations whose committee lets `user` read them (observation_readers_q)."""
        return self.filter(observation_readers_q(user))


def observation_readers_q(user):
    """The observations `user` may read, by their committee: a public committee's for
    everyone, a restricted one's for its members, the curators and the analysts, a private
    one's for its members only."""
    from portal.accounts.rules import is_analyst, is_curator
    from portal.committees.models import CommitteeMembership

    public = models.Q(committee__access=CommitteeAccess.PUBLIC)
    if user is None or not user.is_authenticated:
        return public
    # A subquery, not a join: a join on the memberships would repeat each observation.
    seats = CommitteeMembership.objects.filter(user=user).values("committee_id")
    readable = public | models.Q(committee__in=seats)
    if is_curator(user) or is_analyst(user):
        readable |= models.Q(committee__access=CommitteeAccess.RESTRICTED)
    return readable


class FieldObservation(models.Model):
    """What a committee's member saw on a territory of the committee: a qualitative weak
    signal, shown beside the statistical ones once a coordinator validates it."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    theme = models.ForeignKey(
        "knowledge.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("what was seen"))
    observed_since = models.DateField(_("since when"))
    people_concerned = models.PositiveIntegerField(
        _("people concerned"), null=True, blank=True, help_text=_("If known.")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ObservationStatus.choices,
        default=ObservationStatus.SUBMITTED,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised on"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # The coordinators' last decision, and what they wrote to the author with it.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(_("message from the coordinators"), blank=True)
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True)
    # The analysts' latest verdict (its history: FieldObservationReview), as on a weak signal.
    review_status = models.CharField(
        _("review status"), max_length=12, choices=SignalStatus.choices, default=SignalStatus.NEW
    )

    objects = FieldObservationQuerySet.as_manager()

    class Meta:
        app_label = "committees"
        verbose_name = _("field observation")
        verbose_name_plural = _("field observations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["committee", "status"]),
            models.Index(fields=["status", "territory"]),
        ]

    def __str__(self):
        return f"{self.territory_id} · {self.committee_id} ({self.status})"

    def get_absolute_url(self):
        return reverse("committees:observation", args=[self.committee.slug, self.pk])

    @property
    def is_validated(self):
        return self.status == ObservationStatus.VALIDATED


class FieldObservationReview(models.Model):
    """An analyst's verdict on a validated observation, as on a weak signal; the history is
    kept."""

    observation = models.ForeignKey(
        FieldObservation, on_delete=models.CASCADE, related_name="reviews"
    )
    status = models.CharField(max_length=12, choices=SignalStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "committees"
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self):
        return f"{self.observation_id}: {self.status}"

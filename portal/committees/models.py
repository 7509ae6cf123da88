from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import CommitteeAccess, CommitteeRole


class CommitteeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Committees `user` may know of: public and restricted ones, private ones they sit on;
        all of them for administrators and curators."""
        from portal.accounts.rules import is_curator

        if user is not None and user.is_authenticated and is_curator(user):
            return self
        listed = models.Q(access__in=[CommitteeAccess.PUBLIC, CommitteeAccess.RESTRICTED])
        if user is None or not user.is_authenticated:
            return self.filter(listed)
        return self.filter(listed | models.Q(pk__in=self.of(user).values("pk")))

    def of(self, user):
        """Committees `user` is a member (or coordinator) of."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Committee(models.Model):
    """A local committee modelled on the CLTSDS, where social workers and associations
    exchange; its members may share resources with it alone."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("identifier"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    access = models.CharField(
        _("access"), max_length=12, choices=CommitteeAccess.choices, default=CommitteeAccess.PUBLIC
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committees",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CommitteeMembership",
        related_name="committees",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("committees:detail", args=[self.slug])


class CommitteeMembership(models.Model):
    """A person sitting on a committee, as member or coordinator."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_memberships"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user"], name="committee_membership_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.committee} ({self.get_role_display()})"

    @property
    def is_coordinator(self):
        return self.role == CommitteeRole.COORDINATOR

    @property
    def is_suspended(self):
        return self.suspended_until is not None and self.suspended_until > timezone.now()


# The capabilities' models, registered under this app's label.
from portal.committees.attendance.models import WalkIn  # noqa: E402
from portal.committees.calendars.models import CalendarToken, MeetingReminder  # noqa: E402
from portal.committees.following.models import Subscription  # noqa: E402
from portal.committees.forums.models import (  # noqa: E402
    ForumCategory,
    Post,
    PostAttachment,
    PostRevision,
    Thread,
    ThreadReadState,
)
from portal.committees.meetings.models import AgendaItem, Meeting, Registration  # noqa: E402
from portal.committees.membership.models import CommitteeInvitation, JoinRequest  # noqa: E402
from portal.committees.minutes.models import Minutes, MinutesItem  # noqa: E402
from portal.committees.moderation.models import ModerationEntry, Report  # noqa: E402
from portal.committees.observations.models import (  # noqa: E402
    FieldObservation,
    FieldObservationReview,
)

__all__ = [
    "AgendaItem",
    "CalendarToken",
    "Committee",
    "CommitteeInvitation",
    "CommitteeMembership",
    "FieldObservation",
    "FieldObservationReview",
    "ForumCategory",
    "JoinRequest",
    "Meeting",
    "MeetingReminder",
    "Minutes",
    "MinutesItem",
    "ModerationEntry",
    "Post",
    "PostAttachment",
    "PostRevision",
    "Registration",
    "Report",
    "Subscription",
    "Thread",
    "ThreadReadState",
    "WalkIn",
]

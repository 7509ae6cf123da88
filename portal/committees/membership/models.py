from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import CommitteeRole, JoinRequestStatus


class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequestStatus.PENDING)


class JoinRequest(models.Model):
    """A person's request to sit on a committee, which its coordinators accept or refuse."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_join_requests"
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        app_label = "committees"
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at", "id"]
        constraints = [
            # One open request per person and committee; decided ones are kept as history.
            models.UniqueConstraint(
                fields=["committee", "user"],
                condition=models.Q(status=JoinRequestStatus.PENDING),
                name="join_request_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.committee} ({self.get_status_display()})"


class CommitteeInvitation(models.Model):
    """An e-mailed invitation to the portal (accounts.Invitation) that seats its person on a
    committee when they accept it."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="invitations"
    )
    invitation = models.OneToOneField(
        "accounts.Invitation", on_delete=models.CASCADE, related_name="committee_seat"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )

    class Meta:
        app_label = "committees"
        verbose_name = _("committee invitation")
        verbose_name_plural = _("committee invitations")

    def __str__(self):
        return f"{self.invitation.email} → {self.committee}"

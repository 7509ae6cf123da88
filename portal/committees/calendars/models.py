import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeetingReminder(models.Model):
    """A reminder already sent, so that each one goes once."""

    meeting = models.ForeignKey(
        "committees.Meeting", on_delete=models.CASCADE, related_name="sent_reminders"
    )
    minutes_before = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "committees"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "minutes_before"], name="meeting_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.meeting} −{self.minutes_before} min"


def new_token():
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in the address of a person's own calendar feed; renewing it revokes the
    old address, deleting it revokes the feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "committees"
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self):
        return f"{self.user} calendar"

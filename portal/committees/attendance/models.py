from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WalkIn(models.Model):
    """Someone who attended without registering, recorded by a coordinator."""

    meeting = models.ForeignKey(
        "committees.Meeting", on_delete=models.CASCADE, related_name="walk_ins"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # Set when the person has an account: they may then download their certificate and are
    # told when the minutes are final. Their name and organisation are kept as they were that
    # day, for the attendance list.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_walk_ins",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "committees"
        verbose_name = _("walk-in attendee")
        verbose_name_plural = _("walk-in attendees")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="walk_in_one_per_member",
            )
        ]

    def __str__(self):
        return self.name

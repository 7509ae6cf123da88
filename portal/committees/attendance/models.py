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
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "committees"
        verbose_name = _("walk-in attendee")
        verbose_name_plural = _("walk-in attendees")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

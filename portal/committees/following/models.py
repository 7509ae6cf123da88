from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import FollowLevel


class Subscription(models.Model):
    """How closely a person follows a committee's forum (no thread) or one thread; without a
    row, the thread's level is the committee's, and the committee's is « normal »."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="subscriptions"
    )
    thread = models.ForeignKey(
        "committees.Thread",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    level = models.CharField(_("level"), max_length=10, choices=FollowLevel.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "committees"
        verbose_name = _("forum subscription")
        verbose_name_plural = _("forum subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "committee"],
                condition=models.Q(thread__isnull=True),
                name="subscription_committee_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=models.Q(thread__isnull=False),
                name="subscription_thread_unique",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.thread or self.committee}: {self.level}"

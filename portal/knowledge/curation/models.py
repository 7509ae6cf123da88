"""The curation workflow's record: each step a resource went through, with its comment."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.knowledge.choices import ReviewAction


class ReviewEvent(models.Model):
    """A step of the curation workflow (submitted, changes requested, published…) with its
    comment."""

    resource = models.ForeignKey(
        "knowledge.Resource", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.resource_id} {self.action}"

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import MinutesItemKind, MinutesStatus


class Minutes(models.Model):
    """What was said at a meeting: Markdown, then decisions and actions; draft, then final."""

    meeting = models.OneToOneField(
        "committees.Meeting", on_delete=models.CASCADE, related_name="minutes"
    )
    body = models.TextField(_("minutes"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        app_label = "committees"
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"{self.meeting} ({self.get_status_display()})"

    @property
    def is_final(self):
        return self.status == MinutesStatus.FINAL


class MinutesItem(models.Model):
    """A decision or an action of the minutes; an action has a person responsible and a due
    date, and stays open on the committee's page until marked done."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=MinutesItemKind.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("text"), max_length=500)
    responsible = models.CharField(_("person responsible"), max_length=200, blank=True)
    # When the person responsible has an account: they may mark the action done themselves.
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person responsible (portal member)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_actions",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "committees"
        verbose_name = _("minutes item")
        verbose_name_plural = _("minutes items")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text

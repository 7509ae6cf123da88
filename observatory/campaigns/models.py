from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from observatory.choices import ReminderKind


class CampaignQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Campaign(models.Model):
    """The annual survey of employers: their staff on 31 December of `year`."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    reference_date = models.DateField(_("reference date"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    introduction = models.TextField(_("introduction"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="campaign_closes_after_opening",
            )
        ]

    def __str__(self):
        return str(_("Campaign %(year)s") % {"year": self.year})

    def get_absolute_url(self):
        return reverse("observatory:campaign_detail", args=[self.year])

    def is_open(self, day=None):
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on

    def is_closed(self, day=None):
        return (day or timezone.localdate()) > self.closes_on


class CampaignReminder(models.Model):
    """One of the campaign's reminders, recorded once sent so that it is never sent twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("campaign reminder")
        verbose_name_plural = _("campaign reminders")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="campaign_reminder_once")
        ]

    def __str__(self):
        return f"{self.campaign} — {self.get_kind_display()}"

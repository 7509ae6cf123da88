from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from observatory.choices import ReturnEventKind, ReturnStatus
from observatory.returns.fields import FIGURES


class ReturnQuerySet(models.QuerySet):
    def of_organisations_of(self, user):
        """Returns of the establishments of the organisations `user` acts for."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(establishment__organisation__memberships__user=user)


class Return(models.Model):
    """An establishment's answer to one campaign: a line per profession it employs.

    Created when the establishment is invited (not started). `lock_version` grows with every
    save, so that a delegate saving over a colleague's newer change is told rather than
    overwriting it; `version` counts the validated versions (a correction after validation
    starts the next one, the previous kept in ReturnVersion).
    """

    campaign = models.ForeignKey(
        "observatory.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="returns",
    )
    establishment = models.ForeignKey(
        "observatory.Establishment",
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="returns",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.NOT_STARTED
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    lock_version = models.PositiveIntegerField(default=0)
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("The delegate's comment on submitting.")
    )
    sent_back_reason = models.TextField(_("reason for sending back"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["campaign", "establishment__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "establishment"], name="return_once_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self):
        return f"{self.establishment.name} — {self.campaign.year}"

    def get_absolute_url(self):
        return reverse("observatory:return_detail", args=[self.pk])


# Far above any establishment's figure, far below the columns' limits: a typing slip (a
# SIRET typed in a headcount) gets a clear message rather than a database error.
FIGURE_MAX = 1_000_000


def _figure_field(figure):
    bounds = [MinValueValidator(0), MaxValueValidator(FIGURE_MAX)]
    if figure.decimal:
        return models.DecimalField(
            figure.label, max_digits=9, decimal_places=2, null=True, blank=True, validators=bounds
        )
    return models.PositiveIntegerField(figure.label, null=True, blank=True, validators=bounds)


class ReturnLine(models.Model):
    """The figures of one profession in one establishment's return (fields: returns.fields)."""

    return_obj = models.ForeignKey(
        Return, verbose_name=_("return"), on_delete=models.CASCADE, related_name="lines"
    )
    profession = models.ForeignKey(
        "observatory.Profession", verbose_name=_("profession"), on_delete=models.PROTECT
    )
    # One column per figure of returns.fields, which the form, the template file and the
    # coherence rules share: a figure is added there, and here by a migration.
    for _figure in FIGURES:
        locals()[_figure.name] = _figure_field(_figure)
    del _figure
    recruitment_comment = models.TextField(
        _("comment on recruitment difficulties"), blank=True, max_length=2000
    )
    justifications = models.JSONField(
        _("justifications"),
        default=dict,
        blank=True,
        help_text=_("The delegate's justification for each warning, by rule code."),
    )

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["profession__position", "profession__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_obj", "profession"], name="return_line_once_per_profession"
            )
        ]

    def __str__(self):
        return f"{self.return_obj} — {self.profession}"


class ReturnVersion(models.Model):
    """A validated version of a return, kept as it was when a correction starts the next."""

    return_obj = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    lines = models.JSONField(_("lines"), help_text=_("Profession code → figures, as validated."))
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("validated version of a return")
        verbose_name_plural = _("validated versions of returns")
        ordering = ["return_obj", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["return_obj", "number"], name="return_version_unique")
        ]

    def __str__(self):
        return f"{self.return_obj} — v{self.number}"


class ReturnEvent(models.Model):
    """A step in a return's life: started, submitted, sent back (with why), validated…"""

    return_obj = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=ReturnEventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["return_obj", "created_at", "id"]

    def __str__(self):
        return f"{self.return_obj} — {self.get_kind_display()}"


class FieldComment(models.Model):
    """An administrator's comment on one figure of a return sent back."""

    event = models.ForeignKey(ReturnEvent, on_delete=models.CASCADE, related_name="comments")
    profession = models.ForeignKey(
        "observatory.Profession", null=True, blank=True, on_delete=models.CASCADE
    )
    field = models.CharField(_("field"), max_length=60)
    text = models.CharField(_("comment"), max_length=1000)

    class Meta:
        verbose_name = _("comment on a field")
        verbose_name_plural = _("comments on fields")
        ordering = ["event", "id"]

    def __str__(self):
        return f"{self.event} — {self.field}"

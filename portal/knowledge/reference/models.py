"""The report's axes and préconisations, and the themes resources are filed under."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.knowledge.choices import PreconisationKind


def validate_slug_list(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_('A list of identifiers, such as ["taux-pauvrete"].'))


class Axis(models.Model):
    """One of the four axes of the CESER report that group its préconisations."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Preconisation(models.Model):
    """A recommendation (préconisation) of the report that the portal serves."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    axis = models.ForeignKey(
        Axis, verbose_name=_("axis"), on_delete=models.PROTECT, related_name="preconisations"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=PreconisationKind.choices)
    summary = models.TextField(_("summary"))
    portal_answer = models.TextField(_("what the portal does for it"))
    indicator_slugs = models.JSONField(
        _("indicators that bear on it"),
        default=list,
        blank=True,
        validators=[validate_slug_list],
        help_text=_("Identifiers of catalogue indicators, such as taux-pauvrete."),
    )
    # The digest of what load_reference last wrote: while the row still matches it, nobody
    # edited the row since, and the next load may write the shipped texts again.
    shipped_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("préconisation")
        verbose_name_plural = _("préconisations")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("knowledge:preconisation_detail", args=[self.number])


class Theme(models.Model):
    """A theme of the knowledge base (housing, childhood, isolation…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("identifier"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self):
        return self.name

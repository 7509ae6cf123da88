"""The observatory's reference lists, shipped as data (data/reference/observatory.json)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from observatory.choices import Severity


class Profession(models.Model):
    """A profession of social cohesion, tied to its ROME fiche and appellation."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    family = models.CharField(
        _("family"),
        max_length=150,
        help_text=_("The profession as employers name it (e.g. éducateur spécialisé)."),
    )
    rome_code = models.CharField(_("ROME code"), max_length=5)
    rome_label = models.CharField(_("ROME fiche"), max_length=200)
    rome_version = models.CharField(_("ROME version"), max_length=10)
    appellation = models.CharField(_("ROME appellation"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # What the workforce indicators set it beside (observatory.indicators): the people it
    # serves, for its density of staff, and the territory's need it answers (its portrait's
    # « besoins / ressources » section). Slugs of the territories' catalogue, so that
    # another région's catalogue in the same form serves too.
    served_indicator = models.SlugField(
        _("people served"),
        max_length=80,
        blank=True,
        help_text=_(
            "The catalogue's count of the people it serves (e.g. personnes-75-plus); "
            "empty: the whole population."
        ),
    )
    served_per = models.PositiveIntegerField(
        _("per how many people served"),
        default=10_000,
        help_text=_("Its full-time equivalents are counted per this many people served."),
    )
    need_indicator = models.SlugField(
        _("need it answers"),
        max_length=80,
        blank=True,
        help_text=_("The catalogue's indicator of the need it answers (e.g. taux-pauvrete)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("profession")
        verbose_name_plural = _("professions")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ReferenceEntry(models.Model):
    """An entry of a short reference list the returns are grouped by, known by its code."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Sector(ReferenceEntry):
    """A field of social action an establishment works in (child protection, disability…)."""

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class EmployerKind(ReferenceEntry):
    """The legal kind of an employer (association, CCAS/CIAS, département…)."""

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("kind of employer")
        verbose_name_plural = _("kinds of employer")


class CoherenceRule(models.Model):
    """A check on one line of a return: an expression over its fields that must hold.

    The expression is evaluated by `observatory.returns.coherence` with simpleeval over the
    line's fields, last year's values (`last_<field>`) and the employer's usual range
    (`low_<field>`, `high_<field>`); a rule naming a value that is not known is not checked.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    expression = models.CharField(_("expression"), max_length=500)
    fields = models.JSONField(
        _("fields"), default=list, help_text=_("The fields the message is shown next to.")
    )
    message = models.CharField(_("message"), max_length=300)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("coherence rule")
        verbose_name_plural = _("coherence rules")
        ordering = ["position", "code"]

    def __str__(self):
        return self.code

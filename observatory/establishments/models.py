from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.validators import validate_siret


class EstablishmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(closed_on__isnull=True)

    def of_organisations_of(self, user):
        """Establishments of the organisations `user` acts for."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(organisation__memberships__user=user)


class Establishment(models.Model):
    """One site of an employer (an organisation of the portal), identified by its SIRET."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="establishments",
    )
    name = models.CharField(_("name"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="establishments",
    )
    sector = models.ForeignKey(
        "observatory.Sector", verbose_name=_("sector"), on_delete=models.PROTECT
    )
    employer_kind = models.ForeignKey(
        "observatory.EmployerKind", verbose_name=_("kind of employer"), on_delete=models.PROTECT
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("A closed establishment keeps its past returns and is no longer invited."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["organisation__name", "name"]

    def __str__(self):
        return f"{self.name} ({self.siret})"

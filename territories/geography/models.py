"""Territories of one geography vintage, and the codes that changed between vintages."""

import unicodedata

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territories.choices import Level


class TerritoryQuerySet(models.QuerySet):
    def search(self, query):
        """Territories matching a name, INSEE code, SIREN or postal code."""
        query = query.strip()
        if not query:
            return self.none()
        if query.isdigit() or (len(query) in (5, 9) and query[:2].upper() in ("2A", "2B")):
            return self.filter(
                models.Q(code=query)
                | models.Q(siren=query)
                | models.Q(postal_codes__contains=query)
                | models.Q(code__startswith=query)
            )
        return self.filter(
            models.Q(name__icontains=query) | models.Q(search_name__contains=fold(query))
        )


# Letters that Unicode does not decompose into a base letter and an accent: « Plœuc » is
# typed « Ploeuc ».
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text):
    """Lower-case ASCII words, as people type a name: accents dropped, ligatures spelt out."""
    text = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    text = text.encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else " " for c in text.lower()).strip()


class Territory(models.Model):
    """A région, département, EPCI or commune of one geography vintage (e.g. COG 2026)."""

    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    code = models.CharField(_("code"), max_length=12, help_text=_("INSEE code, or SIREN for EPCI"))
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    vintage = models.PositiveSmallIntegerField(_("geography vintage"), default=2026)
    kind = models.CharField(_("kind"), max_length=20, blank=True, help_text=_("CC, CA, CU, METRO…"))
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    postal_codes = models.CharField(_("postal codes"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_total = models.PositiveIntegerField(
        _("population of the whole territory"),
        null=True,
        blank=True,
        help_text=_("For an EPCI that crosses the regional border: all its members."),
    )
    region = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    departement = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="communes_dep"
    )
    epci = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="communes_epci"
    )
    geometry = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    former_codes = models.CharField(_("former codes"), max_length=200, blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["vintage", "level", "code"], name="territory_unique_code"
            )
        ]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("territories:territory_detail", args=[self.level, self.code])

    @property
    def share_in_region(self):
        if self.population and self.population_total:
            return self.population / self.population_total
        return None


class CodeChange(models.Model):
    """A commune code of an older vintage and the code that replaces it (merger, change)."""

    old_code = models.CharField(max_length=12)
    new_code = models.CharField(max_length=12)
    from_vintage = models.PositiveSmallIntegerField()
    to_vintage = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["old_code", "from_vintage", "to_vintage"], name="code_change_unique"
            )
        ]

    def __str__(self):
        return f"{self.old_code} → {self.new_code}"

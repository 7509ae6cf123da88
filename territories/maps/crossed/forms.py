"""The crossed indicators' permalink parameters, checked by a form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from territories.choices import Level
from territories.maps.layers import MAP_LEVELS

DEFAULT_X = "taux-pauvrete"
DEFAULT_Y = "part-familles-monoparentales"


class CrossedForm(forms.Form):
    """x, y, niveau, periode_x, periode_y, couleur, territoire — as a permalink holds them.

    `catalogue` maps each indicator with maps in the published run to its name and to its
    levels and their periods ({slug: {"name": …, "levels": {level: [periods]}}}).
    """

    x = forms.ChoiceField(label=_("First indicator (horizontal axis)"))
    y = forms.ChoiceField(label=_("Second indicator (vertical axis)"))
    niveau = forms.ChoiceField(label=_("Level"))
    periode_x = forms.TypedChoiceField(
        label=_("Period of the first"), coerce=int, required=False, empty_value=None
    )
    periode_y = forms.TypedChoiceField(
        label=_("Period of the second"), coerce=int, required=False, empty_value=None
    )
    couleur = forms.ChoiceField(
        label=_("Colour the points by"),
        required=False,
        choices=[("departement", _("département")), ("bivarie", _("bivariate class"))],
    )
    territoire = forms.CharField(
        label=_("Territory to highlight (name or code)"), required=False, max_length=100
    )

    def __init__(self, data, *, catalogue, typologies=()):
        data = data.copy() if data else {}
        slugs = list(catalogue)
        if not data.get("x") and slugs:
            data["x"] = DEFAULT_X if DEFAULT_X in catalogue else slugs[0]
        if not data.get("y") and slugs:
            # The second defaults to another indicator than the first.
            others = [slug for slug in slugs if slug != data["x"]] or slugs
            data["y"] = DEFAULT_Y if DEFAULT_Y in others else others[0]
        data.setdefault("niveau", Level.EPCI)
        super().__init__(data)
        self.catalogue = catalogue
        choices = [(slug, entry["name"]) for slug, entry in catalogue.items()]
        self.fields["x"].choices = choices
        self.fields["y"].choices = choices
        self.fields["niveau"].choices = [(lvl, Level(lvl).label) for lvl in MAP_LEVELS]
        periods = sorted({p for e in catalogue.values() for ps in e["levels"].values() for p in ps})
        period_choices = [("", _("latest"))] + [(p, p) for p in reversed(periods)]
        self.typologies = {f"typologie:{t.slug}": t for t in typologies}
        self.fields["couleur"].choices = [
            *self.fields["couleur"].choices,
            *(
                (key, _("typology “%(name)s”") % {"name": t.name})
                for key, t in self.typologies.items()
            ),
        ]
        self.fields["periode_x"].choices = period_choices
        self.fields["periode_y"].choices = period_choices

    def _period(self, slug, level, name, cleaned):
        available = self.catalogue[slug]["levels"].get(level, [])
        if not available:
            self.add_error(
                "niveau",
                _("“%(indicator)s” has no map at this level.")
                % {"indicator": self.catalogue[slug]["name"]},
            )
            return None
        period = cleaned.get(name)
        if period is None:
            return max(available)
        if period not in available:
            self.add_error(
                name,
                _("“%(indicator)s” is given for %(periods)s at this level.")
                % {
                    "indicator": self.catalogue[slug]["name"],
                    "periods": ", ".join(map(str, available)),
                },
            )
        return period

    def clean(self):
        cleaned = super().clean()
        x, y, level = cleaned.get("x"), cleaned.get("y"), cleaned.get("niveau")
        if x and y and x == y:
            self.add_error("y", _("Choose two different indicators."))
        if x and y and level:
            cleaned["periode_x"] = self._period(x, level, "periode_x", cleaned)
            cleaned["periode_y"] = self._period(y, level, "periode_y", cleaned)
        cleaned["couleur"] = cleaned.get("couleur") or "departement"
        typology = self.typologies.get(cleaned["couleur"])
        if typology is not None and level and typology.level != level:
            self.add_error(
                "couleur",
                _("The typology “%(name)s” classes the territories of another level.")
                % {"name": typology.name},
            )
        cleaned["typology"] = typology
        return cleaned

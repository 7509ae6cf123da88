"""The explorer's permalink parameters, checked by a form.

Every parameter falls back to a usable value when it is wrong, so that the explorer always
draws a map; the form's errors say what was wrong, in the page's language.
"""

import itertools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from territories.choices import ClassificationMethod, Level
from territories.maps.classification import CLASS_COUNTS

DEFAULT = {
    "indicator": "taux-chomage-15-64",
    "level": Level.EPCI,
    "period": None,
    "method": ClassificationMethod.QUANTILES,
    "classes": 5,
    "breaks": [],
}


def parse_breaks(text):
    """Manual class bounds: numbers in increasing order; (bounds, problem)."""
    parts = [p.strip() for p in text.replace(";", " ").split() if p.strip()]
    if not parts:
        return [], _("Give the manual class bounds, e.g. “5 10 15”.")
    try:
        values = [float(p.replace(",", ".")) for p in parts]
    except ValueError:
        return [], _("Manual bounds must be numbers.")
    if any(b <= a for a, b in itertools.pairwise(values)):
        return [], _("Manual bounds must be in increasing order.")
    if len(values) > 6:
        return [], _("At most 6 manual bounds (7 classes).")
    return values, None


class ExplorerForm(forms.Form):
    """indicateur, detail, niveau, periode, methode, classes and bornes, as a permalink holds
    them.

    `catalogue` maps each indicator with maps in the published run to its levels and their
    periods, and a detail to its headline ({slug: {"levels": {level: [periods]},
    "variant_of": slug or None}}). A parameter left out takes its default value; one given
    but wrong is an error, and the state falls back to a usable value.

    `detail` is what the explorer's second select sends without script: one of the details
    of `indicateur` (a permalink may also name a detail as `indicateur` itself). A detail of
    another indicator, which the form sends when only the first select was changed, is left
    out without an error.
    """

    indicateur = forms.CharField(required=False, strip=False)
    detail = forms.CharField(required=False, strip=False)
    niveau = forms.CharField(required=False, strip=False)
    periode = forms.CharField(required=False, strip=False)
    methode = forms.CharField(required=False, strip=False)
    classes = forms.CharField(required=False, strip=False)
    bornes = forms.CharField(required=False, strip=False)

    def __init__(self, data, *, catalogue):
        super().__init__(data)
        self.catalogue = catalogue

    def _given(self, name, default):
        return self.cleaned_data[name] if name in self.data else default

    def _headline(self):
        if self.cleaned_data.get("indicateur") in self.catalogue:
            return self.cleaned_data["indicateur"]
        if DEFAULT["indicator"] in self.catalogue:
            return DEFAULT["indicator"]
        return next(iter(self.catalogue), None)

    def _indicator(self):
        return self.cleaned_data.get("detail") or self._headline()

    def _levels(self):
        slug = self._indicator()
        return self.catalogue[slug]["levels"] if slug else {}

    def _level(self):
        levels = self._levels()
        if self.cleaned_data.get("niveau") in levels:
            return self.cleaned_data["niveau"]
        return DEFAULT["level"] if DEFAULT["level"] in levels else next(iter(levels), None)

    def clean_indicateur(self):
        slug = self._given("indicateur", DEFAULT["indicator"])
        if slug not in self.catalogue:
            raise ValidationError(_("Unknown indicator “%(value)s”.") % {"value": slug[:80]})
        return slug

    def clean_detail(self):
        slug = self._given("detail", "")
        if not slug:
            return ""
        if slug not in self.catalogue:
            raise ValidationError(_("Unknown indicator “%(value)s”.") % {"value": slug[:80]})
        return slug if self.catalogue[slug].get("variant_of") == self._headline() else ""

    def clean_niveau(self):
        level = self._given("niveau", DEFAULT["level"])
        levels = self._levels()
        if levels and level not in levels and "niveau" in self.data:
            if level == Level.COMMUNE and Level.EPCI in levels:
                raise ValidationError(
                    _(
                        "This indicator's values start at the EPCI level: there is none for "
                        "communes."
                    )
                )
            raise ValidationError(
                _("This indicator has no map at level “%(value)s”.") % {"value": level[:40]}
            )
        return level

    def clean_periode(self):
        period = self._given("periode", None)
        level = self._level()
        if level is None or period is None:
            return None
        if not period.isdigit() or int(period) not in self._levels()[level]:
            raise ValidationError(_("No map for period “%(value)s”.") % {"value": period[:10]})
        return int(period)

    def clean_methode(self):
        method = self._given("methode", DEFAULT["method"])
        if method not in ClassificationMethod.values:
            raise ValidationError(
                _("Unknown classification method “%(value)s”.") % {"value": method[:40]}
            )
        return method

    def clean_classes(self):
        classes = self._given("classes", str(DEFAULT["classes"]))
        if not classes.isdigit() or int(classes) not in CLASS_COUNTS:
            raise ValidationError(
                _("The number of classes must be between %(low)s and %(high)s.")
                % {"low": min(CLASS_COUNTS), "high": max(CLASS_COUNTS)}
            )
        return int(classes)

    def clean_bornes(self):
        if self.cleaned_data.get("methode") != ClassificationMethod.MANUAL:
            return []
        breaks, problem = parse_breaks(self._given("bornes", ""))
        if problem:
            raise ValidationError(problem)
        return breaks

    def state(self):
        """The state to draw: what was asked where it is right, defaults elsewhere."""
        self.is_valid()
        state = dict(DEFAULT)
        state["indicator"] = self._indicator()
        if state["indicator"] is None:
            return state
        state["level"] = self._level()
        state["period"] = self.cleaned_data.get("periode") or self._levels()[state["level"]][-1]
        state["method"] = self.cleaned_data.get("methode", DEFAULT["method"])
        state["classes"] = self.cleaned_data.get("classes", DEFAULT["classes"])
        if state["method"] == ClassificationMethod.MANUAL:
            if "bornes" in self.cleaned_data:
                state["breaks"] = self.cleaned_data["bornes"]
            else:
                state["method"], state["breaks"] = DEFAULT["method"], []
        return state

    def error_list(self):
        """The problems, one sentence each, in the order of the parameters (with no map at
        all, only the indicator's)."""
        names = self.fields if self._indicator() is not None else ["indicateur"]
        return [str(error) for name in names for error in self.errors.get(name, [])]

"""Forms of the analysts' pages: composite index builder, typology definition, labels."""

import itertools
from operator import attrgetter

from django import forms
from django.utils.translation import gettext_lazy as _

from territories.analyses import services as analysis_services
from territories.analyses.models import Typology
from territories.catalogue.models import Indicator
from territories.choices import ClusteringMethod, Level, Normalisation, Polarity


def indicator_choices():
    return Indicator.objects.headlines_first()


class IndicatorChoiceIterator(forms.models.ModelChoiceIterator):
    """Indicators grouped by theme, each theme's headline indicators before the details
    (whose names are complete: « Taux de vacance — Aide à domicile »)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        if not queryset._prefetch_related_lookups:
            queryset = queryset.iterator()
        for theme, indicators in itertools.groupby(queryset, key=attrgetter("theme")):
            yield (theme, [self.choice(indicator) for indicator in indicators])


class IndicatorChoiceField(forms.ModelChoiceField):
    iterator = IndicatorChoiceIterator


class ComponentForm(forms.Form):
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    period = forms.IntegerField(label=_("Period (year)"), min_value=1900, max_value=2100)
    weight = forms.FloatField(label=_("Weight"))
    reverse = forms.BooleanField(
        label=_("Reverse (a higher value is less fragile)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicator_choices()


class VariableForm(forms.Form):
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    period = forms.IntegerField(label=_("Period (year)"), min_value=1900, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicator_choices()


class RowsFormSet(forms.BaseFormSet):
    """Rows left blank are ignored; the filled ones are returned as dicts."""

    def rows(self):
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


ComponentFormSet = forms.formset_factory(ComponentForm, formset=RowsFormSet, extra=3)
VariableFormSet = forms.formset_factory(VariableForm, formset=RowsFormSet, extra=3)


class CompositeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.COMMUNE)
    period = forms.IntegerField(
        label=_("Period (year) of the index"), min_value=1900, max_value=2100
    )
    normalisation = forms.ChoiceField(
        label=_("Normalisation"), choices=Normalisation.choices, initial=Normalisation.ZSCORE
    )
    polarity = forms.ChoiceField(
        label=_("Polarity"), choices=Polarity.choices, initial=Polarity.HIGHER_IS_WORSE
    )

    def __init__(self, *args, formset, **kwargs):
        super().__init__(*args, **kwargs)
        self.formset = formset

    def clean(self):
        data = super().clean()
        # The components are checked here, with the level, so that every problem with the
        # definition shows at the top of the form.
        if not self.formset.is_valid():
            return data
        data["components"] = self.formset.rows()
        for problem in analysis_services.composite_problems(
            level=data.get("level"), components=data["components"]
        ):
            self.add_error(None, problem)
        return data


class TypologyForm(forms.ModelForm):
    class Meta:
        model = Typology
        fields = ["name", "slug", "description", "level", "method", "k", "k_max", "seed"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, formset, **kwargs):
        super().__init__(*args, **kwargs)
        self.formset = formset
        self.fields["method"].choices = ClusteringMethod.choices

    def clean(self):
        data = super().clean()
        if not self.formset.is_valid():
            return data
        data["variables"] = self.formset.rows()
        for problem in analysis_services.typology_problems(
            level=data.get("level"),
            k=data.get("k"),
            k_max=data.get("k_max"),
            variables=data["variables"],
        ):
            self.add_error(None, problem)
        return data


class LabelsForm(forms.Form):
    """One label per class of the published result."""

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        for profile in classes:
            self.fields[f"class_{profile['number']}"] = forms.CharField(
                label=_("Class %(number)s") % {"number": profile["number"]},
                max_length=200,
                required=False,
                initial=profile.get("label", ""),
            )

    def labels(self):
        return {
            int(name.removeprefix("class_")): value for name, value in self.cleaned_data.items()
        }

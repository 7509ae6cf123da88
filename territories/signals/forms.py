from django import forms
from django.utils.translation import gettext_lazy as _

from territories.choices import Level, SignalRule, SignalStatus

ANY = [("", _("All"))]
DETECTED = [SignalRule.TREND, SignalRule.THRESHOLD, SignalRule.OUTLIER, SignalRule.HALO]


class SignalFilterForm(forms.Form):
    """Filters of the weak signals list; an unknown value is ignored rather than refused."""

    rule = forms.ChoiceField(label=_("Rule"), required=False, choices=ANY + SignalRule.choices)
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=ANY + [c for c in Level.choices if c[0] != Level.REGION],
    )
    status = forms.ChoiceField(
        label=_("Review status"), required=False, choices=ANY + SignalStatus.choices
    )

    def filters(self):
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class SignalReviewForm(forms.Form):
    """An analyst's verdict on a signal: "to review" is where every signal starts."""

    status = forms.ChoiceField(
        label=_("Verdict"),
        choices=[c for c in SignalStatus.choices if c[0] != SignalStatus.NEW],
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import ReportReason
from portal.committees.moderation.services import SLOW_MODES


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Details (required for « Other »)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason, told to the author"), required=False, max_length=500)


def _slow_label(seconds):
    if not seconds:
        return _("No slow mode")
    return _("One post every %(minutes)s minutes") % {"minutes": seconds // 60}


class SlowForm(forms.Form):
    seconds = forms.TypedChoiceField(
        label=_("Slow mode"),
        coerce=int,
        choices=[(seconds, _slow_label(seconds)) for seconds in SLOW_MODES],
    )


class MoveForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Move to"), queryset=None)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = committees

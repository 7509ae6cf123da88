from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("A word for the coordinators (optional)"),
        help_text=_("Who you are, what you would bring to the committee or expect from it."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the person (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SeatForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_(
            "A person with an account on the portal is seated at once; anyone else receives "
            "an invitation to create one, and is seated on accepting it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class SuspendForm(forms.Form):
    until = forms.DateField(
        label=_("Suspended until (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_until(self):
        day = self.cleaned_data["until"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The end of a suspension must be in the future."))
        return day

    def until_moment(self):
        """The end of the chosen day, in the portal's time zone."""
        day = self.cleaned_data["until"]
        return timezone.make_aware(datetime.combine(day, time.max))

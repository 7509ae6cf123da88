from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.choices import Delivery


class PreferencesForm(forms.Form):
    """One choice of delivery per kind of notification."""

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, delivery in preferences:
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, initial=delivery
            )


class MarkReadForm(forms.Form):
    notification = forms.IntegerField(required=False, min_value=1, label=_("Notification"))

from django import forms


class TerritorySearchForm(forms.Form):
    """A name, INSEE code, SIREN or postal code; a longer text is cut, not refused."""

    q = forms.CharField(required=False)

    def clean_q(self):
        return self.cleaned_data["q"][:100]

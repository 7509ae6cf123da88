from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as stdnum_siret

from observatory.establishments.selectors import commune_resolve
from observatory.reference.models import EmployerKind, Sector
from portal.accounts.validators import validate_siret


def _choice_text(commune):
    # As the person may type it back (the code in brackets decides), then its département.
    if commune.departement is None:
        return str(commune)
    return f"{commune} — {commune.departement.name}"


class EstablishmentForm(forms.Form):
    """An establishment as its organisation's admin declares it; the commune is typed as a
    name or an INSEE code and resolved here (cleaned_data["commune"] is a Territory)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        help_text=_("The establishment's own SIRET: 14 digits (spaces allowed)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    commune = forms.CharField(
        label=_("Commune"),
        max_length=200,
        help_text=_("Where the establishment is: the commune's name or its INSEE code."),
    )
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all())
    employer_kind = forms.ModelChoiceField(
        label=_("Kind of employer"), queryset=EmployerKind.objects.all()
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_siret(self):
        siret = stdnum_siret.compact(self.cleaned_data["siret"])
        validate_siret(siret)
        return siret

    def clean_commune(self):
        query = self.cleaned_data["commune"]
        match = commune_resolve(query)
        if match.commune is not None:
            return match.commune
        if not match.choices:
            raise ValidationError(
                _(
                    "No commune matches “%(query)s”. Type the commune's name or its INSEE "
                    "code (five characters)."
                ),
                params={"query": query},
                code="unknown_commune",
            )
        choices = " ; ".join(_choice_text(commune) for commune in match.choices)
        if match.more:
            message = _(
                "“%(query)s” matches many communes, among them: %(choices)s. Type more of "
                "the name, or the INSEE code of the one you mean."
            )
        else:
            message = _(
                "“%(query)s” matches several communes: %(choices)s. Type the one you mean as "
                "shown, with its code in brackets, or its INSEE code."
            )
        raise ValidationError(
            message, params={"query": query, "choices": choices}, code="ambiguous_commune"
        )


class EstablishmentEditForm(EstablishmentForm):
    """The same, with the closing of the establishment."""

    closed_on = forms.DateField(
        label=_("Closed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Leave empty while the establishment is open. A closed establishment keeps its "
            "returns and is no longer invited to campaigns."
        ),
    )

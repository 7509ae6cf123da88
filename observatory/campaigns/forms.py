from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from observatory.campaigns import selectors
from observatory.establishments.models import Establishment
from observatory.reference.models import Sector
from territories.choices import Level
from territories.geography.models import Territory

# Campaigns of the observatory count staff from these years on.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class CampaignEditForm(forms.Form):
    """A campaign's dates and introduction (the service checks them together)."""

    reference_date = _date_field(
        _("Reference date"),
        required=False,
        help_text=_("The day staff are counted on. Left empty: 31 December of the year."),
    )
    opens_on = _date_field(_("Opens on"), help_text=_("From this day, returns can be filled in."))
    closes_on = _date_field(_("Closes on"), help_text=_("The last day returns can be submitted."))
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the employers read when invited and in the opening e-mail."),
    )


class CampaignForm(CampaignEditForm):
    """A new campaign: its year as well."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("The year whose staff the returns describe; it names the campaign."),
    )

    field_order = ["year", "reference_date", "opens_on", "closes_on", "introduction"]


class InviteCriteriaForm(forms.Form):
    """Invite the establishments of a sector, of a territory (a département or an EPCI),
    or of a sector in a territory."""

    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("All sectors"),
    )
    territory = forms.TypedChoiceField(
        label=_("Territory"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A département or an EPCI: the establishments whose commune is in it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = selectors.territory_choices()
        self.fields["territory"].choices = [
            ("", _("All territories")),
            (
                _("Départements"),
                [(t.pk, f"{t.name} ({t.code})") for t in levels[Level.DEPARTEMENT]],
            ),
            (_("EPCI"), [(t.pk, t.name) for t in levels[Level.EPCI]]),
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("sector") and not cleaned.get("territory"):
            raise ValidationError(_("Choose a sector, a territory, or both."), code="no_criterion")
        if cleaned.get("territory"):
            cleaned["territory"] = Territory.objects.only("level", "code", "name").get(
                pk=cleaned["territory"]
            )
        return cleaned


class EstablishmentPickForm(forms.Form):
    """Invite establishments one by one, ticked in the results of a search."""

    establishments = forms.ModelMultipleChoiceField(
        label=_("Establishments"),
        queryset=Establishment.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one establishment to invite.")},
    )

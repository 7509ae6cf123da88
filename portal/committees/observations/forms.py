from django import forms
from django.utils.translation import gettext_lazy as _

from portal.committees.observations import selectors
from portal.committees.observations.services import MAX_DESCRIPTION, MAX_PEOPLE, Decision
from portal.knowledge.reference.models import Theme
from territories.choices import Level
from territories.geography.models import Territory


class ObservationForm(forms.Form):
    """What a member saw on a territory of the committee. The territory is offered from the
    committee's own; any other is refused by the service with a sentence saying why."""

    territory = forms.CharField(label=_("Territory"))
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), empty_label=_("Choose a theme")
    )
    description = forms.CharField(
        label=_("What was seen"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What you and the people you work with see, in a few sentences. Name nobody: "
            "describe situations, not persons."
        ),
    )
    observed_since = forms.DateField(
        label=_("Since when"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Roughly: the first day of the month is enough."),
    )
    people_concerned = forms.IntegerField(
        label=_("How many people are concerned"),
        required=False,
        min_value=1,
        max_value=MAX_PEOPLE,
        help_text=_("If known; an estimate is welcome."),
    )

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        groups = {}
        for territory in selectors.committee_territories(committee=committee):
            groups.setdefault(Level(territory.level).label, []).append(
                (str(territory.pk), territory.name)
            )
        self.fields["territory"].widget = forms.Select(
            choices=[("", _("Choose a territory")), *groups.items()]
        )

    def clean_territory(self):
        value = self.cleaned_data["territory"]
        territory = (
            Territory.objects.filter(pk=value).defer("geometry").first()
            if (value.isascii() and value.isdigit() and len(value) < 19)
            else None
        )
        if territory is None:
            raise forms.ValidationError(_("Choose a territory from the list."))
        return territory

    def fields_for_service(self):
        return {name: self.cleaned_data[name] for name in self.fields}

    @classmethod
    def initial_from(cls, observation):
        return {
            "territory": str(observation.territory_id),
            "theme": observation.theme_id,
            "description": observation.description,
            "observed_since": observation.observed_since,
            "people_concerned": observation.people_concerned,
        }


class DecisionForm(forms.Form):
    """A coordinator's decision on an observation."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.VALIDATE, _("Validate: it joins the weak signals of the territories")),
            (Decision.PRECISION, _("Ask its author for precision")),
            (Decision.DISCARD, _("Discard it")),
        ],
    )
    message = forms.CharField(
        label=_("Message to its author"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you ask for precision: say what is missing."),
    )

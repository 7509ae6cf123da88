from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.accounts.rules import is_curator
from portal.committees.choices import MinutesItemKind
from portal.committees.minutes.models import MinutesItem
from portal.knowledge.choices import Visibility
from portal.knowledge.markdown import validate_markdown
from portal.knowledge.models import Preconisation, Theme
from portal.knowledge.resources.forms import ResourceForm

# The préconisation the capitalisation of exchanges serves (CLTSDS).
CAPITALISATION_PRECONISATION = 12


class MinutesForm(forms.Form):
    body = forms.CharField(
        label=_("Minutes (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        validators=[validate_markdown],
        help_text=_("What was said. Decisions and actions are listed below, one per line."),
    )


class ItemForm(forms.Form):
    # A blank first choice: a line left alone sends nothing, and is skipped.
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *MinutesItemKind.choices])
    text = forms.CharField(
        label=_("Text"), max_length=MinutesItem._meta.get_field("text").max_length
    )
    responsible = forms.CharField(
        label=_("Person responsible"),
        required=False,
        max_length=MinutesItem._meta.get_field("responsible").max_length,
        help_text=_("For an action: a name, or choose a member below."),
    )
    responsible_user = forms.ModelChoiceField(
        label=_("Person responsible among the members"),
        required=False,
        queryset=get_user_model().objects.none(),
        help_text=_("They may then mark the action done themselves."),
    )
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["responsible_user"].queryset = members

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == MinutesItemKind.ACTION:
            if not cleaned.get("responsible") and not cleaned.get("responsible_user"):
                self.add_error("responsible", _("An action needs a person responsible."))
            if not cleaned.get("due_on") and "due_on" not in self.errors:
                self.add_error("due_on", _("An action needs a due date."))
        return cleaned


class BaseItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, members=None, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        # Any line left (or made) empty is skipped, the draft's own lines included.
        return {**super().get_form_kwargs(index), "members": self.members, "empty_permitted": True}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            members=self.members,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def items(self):
        """The filled rows, in order, for the service."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


ItemFormSet = forms.formset_factory(
    ItemForm, formset=BaseItemFormSet, extra=3, max_num=100, validate_max=True, can_delete=True
)


def items_initial(minutes):
    if minutes is None:
        return []
    return [
        {
            "kind": item.kind,
            "text": item.text,
            "responsible": item.responsible,
            "responsible_user": item.responsible_user_id,
            "due_on": item.due_on,
        }
        for item in minutes.items.all()
    ]


class CapitaliseForm(forms.Form):
    """What the meeting report carries in the knowledge base: the coordinator chooses."""

    title = forms.CharField(label=_("Title"), max_length=250)
    summary = forms.CharField(
        label=_("Summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.COMMITTEE,
        widget=forms.RadioSelect,
        help_text=_("« One committee »: this committee's members alone."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preconisations = forms.ModelMultipleChoiceField(
        label=_("Préconisations"),
        queryset=Preconisation.objects.order_by("number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    committee_territory = forms.BooleanField(label="", required=False, initial=True)
    territory_codes = forms.CharField(
        label=_("Other territories"),
        required=False,
        help_text=_("INSEE codes or SIREN separated by spaces."),
    )

    def __init__(self, *args, user, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        committee = meeting.committee
        if is_curator(user):
            organisations = Organisation.objects.order_by("name")
        else:
            organisations = Organisation.objects.filter(memberships__user=user).order_by("name")
            self.fields["organisation"].required = True
        self.fields["organisation"].queryset = organisations
        self.has_organisation = is_curator(user) or organisations.exists()
        self.territory = committee.territory
        if self.territory is None:
            del self.fields["committee_territory"]
        else:
            self.fields["committee_territory"].label = _(
                "The committee's territory: %(territory)s"
            ) % {"territory": self.territory.name}
        if not self.is_bound:
            if organisations.count() == 1:
                self.fields["organisation"].initial = organisations.first()
            self.fields["title"].initial = _("Minutes: %(title)s") % {"title": meeting.title}
            self.fields["preconisations"].initial = list(
                Preconisation.objects.filter(number=CAPITALISATION_PRECONISATION)
            )

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "visibility": data["visibility"],
            "organisation": data["organisation"],
            "themes": data["themes"],
            "preconisations": data["preconisations"],
            "territories": [
                *([self.territory] if data.get("committee_territory") else []),
                *(t for t in data["territory_codes"] if t != self.territory),
            ],
        }

    # The same reading of codes as a resource's own form.
    clean_territory_codes = ResourceForm.clean_territory_codes

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import CommitteeAccess, MeetingVisibility
from portal.committees.meetings.models import AgendaItem, Meeting
from portal.committees.meetings.services import MAX_CAPACITY, check_meeting
from portal.knowledge.markdown import validate_markdown

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

REMINDER_CHOICES = [
    (7 * 24 * 60, _("One week before")),
    (24 * 60, _("The day before (24 hours)")),
    (2 * 60, _("Two hours before")),
    (60, _("One hour before")),
    (15, _("Fifteen minutes before")),
]


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and time picked in the browser, read in the portal's time zone (Europe/Paris)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_FORMAT, **kwargs)


def _datetime_field(label, *, required, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(),
    )


class MeetingForm(forms.ModelForm):
    starts_at = _datetime_field(_("Start"), required=True, help_text=_("Paris time."))
    ends_at = _datetime_field(_("End"), required=True)
    registration_opens_at = _datetime_field(
        _("Registration opens"), required=False, help_text=_("Empty: open from now.")
    )
    registration_closes_at = _datetime_field(
        _("Registration closes"), required=False, help_text=_("Empty: until the start.")
    )
    online_url = forms.URLField(
        label=_("Link to join online"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Shown only to the people holding a place."),
    )
    reminders = forms.TypedMultipleChoiceField(
        label=_("Reminders to registered people"),
        choices=REMINDER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "description",
            "mode",
            "address",
            "online_url",
            "starts_at",
            "ends_at",
            "visibility",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "question",
            "offer_hours",
            "reminders",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "description": _(
                "Markdown: **bold**, *italics*, lists with -, links [text](https://…)."
            ),
        }

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.committee = committee
        capacity = self.fields["capacity"]
        capacity.min_value, capacity.max_value = 1, MAX_CAPACITY
        capacity.validators += [MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
        capacity.widget.attrs.update(min=1, max=MAX_CAPACITY)
        self.fields["offer_hours"].min_value = 1
        self.fields["offer_hours"].widget.attrs["min"] = 1
        visibility = self.fields["visibility"]
        if committee.access == CommitteeAccess.PRIVATE:
            allowed = [MeetingVisibility.MEMBERS]
        elif committee.access == CommitteeAccess.RESTRICTED:
            allowed = [MeetingVisibility.MEMBERS, MeetingVisibility.LOGGED_IN]
        else:
            allowed = list(MeetingVisibility)
        visibility.choices = [(value.value, value.label) for value in allowed]

    def clean_description(self):
        description = self.cleaned_data["description"]
        validate_markdown(description)
        return description

    def clean_offer_hours(self):
        hours = self.cleaned_data["offer_hours"]
        if hours is None or not 1 <= hours <= 24 * 14:
            raise ValidationError(_("Between 1 hour and two weeks."))
        return hours

    def clean_reminders(self):
        return sorted(set(self.cleaned_data["reminders"]), reverse=True)

    def clean(self):
        data = super().clean()
        probe = Meeting(
            committee=self.instance.committee,
            **{name: data[name] for name in self.Meta.fields if name in data},
        )
        try:
            check_meeting(probe)
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def fields_for_service(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "duration_minutes", "speaker"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].min_value = 1
        self.fields["duration_minutes"].widget.attrs["min"] = 1


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=3, max_num=30, validate_max=True)


def agenda_from(formset):
    """The agenda items the formset holds, in order, blank lines left out."""
    return [
        {
            "title": form.cleaned_data["title"],
            "duration_minutes": form.cleaned_data["duration_minutes"],
            "speaker": form.cleaned_data.get("speaker", ""),
        }
        for form in formset.forms
        if form.cleaned_data and form.cleaned_data.get("title")
    ]


def agenda_initial(meeting):
    return [
        {"title": item.title, "duration_minutes": item.duration_minutes, "speaker": item.speaker}
        for item in meeting.agenda_items.all()
    ]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), required=False, max_length=500)

    def __init__(self, *args, question="", **kwargs):
        super().__init__(*args, **kwargs)
        if question:
            self.fields["answer"].label = question


class RegisterSomeoneForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of a person with an account on the portal"),
    )


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("Empty: no limit."),
    )


class ReopenForm(forms.Form):
    closes_at = _datetime_field(
        _("Registration closes"), required=False, help_text=_("Empty: until the start.")
    )


class AgendaFilterForm(forms.Form):
    """The regional agenda's filters; choices are what the reader may see."""

    comite = forms.ChoiceField(label=_("Committee"), required=False)
    territoire = forms.ChoiceField(label=_("Territory"), required=False)
    mois = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("For example 2026-12."),
    )
    passees = forms.BooleanField(label=_("Past meetings"), required=False)

    def __init__(self, *args, committees, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comite"].choices = [("", _("All"))] + [(c.slug, c.name) for c in committees]
        self.fields["territoire"].choices = [("", _("All"))] + [
            (f"{t.level}:{t.code}", t.name) for t in territories
        ]

    def clean_mois(self):
        month = self.cleaned_data["mois"].strip()
        if not month:
            return None
        try:
            year, number = (int(part) for part in month.split("-"))
        except ValueError:
            raise ValidationError(_("Write the month as 2026-12.")) from None
        if not (1 <= number <= 12 and 2000 <= year <= 2100):
            raise ValidationError(_("Write the month as 2026-12."))
        return (year, number)

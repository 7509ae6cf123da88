from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.accounts.rules import is_curator
from portal.knowledge.choices import ResourceKind, Visibility
from portal.knowledge.markdown import validate_markdown
from portal.knowledge.models import Resource
from portal.knowledge.resources.attachments import attachment_check
from portal.knowledge.resources.audiences import committee_audience
from territories.models import Indicator, Territory


class ResourceForm(forms.ModelForm):
    territory_codes = forms.CharField(
        label=_("Territories"),
        required=False,
        help_text=_("INSEE codes or SIREN separated by spaces."),
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.order_by("name"),
        to_field_name="slug",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    external_url = forms.URLField(
        label=_("Address of the external reference"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Resource
        fields = [
            "kind",
            "title",
            "summary",
            "body",
            "external_url",
            "organisation",
            "authors",
            "themes",
            "preconisations",
            "indicators",
            "visibility",
            "committee",
            "review_date",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
            "themes": forms.CheckboxSelectMultiple,
            "preconisations": forms.CheckboxSelectMultiple,
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["body"].validators.append(validate_markdown)
        users = get_user_model().objects.filter(is_active=True).order_by("full_name")
        if is_curator(user):
            organisations = Organisation.objects.order_by("name")
        else:
            organisations = Organisation.objects.filter(memberships__user=user).order_by("name")
            users = users.filter(
                memberships__organisation__in=organisations.values("pk")
            ).distinct()
            self.fields["organisation"].required = True
        self.fields["organisation"].queryset = organisations
        committees = committee_audience().may_share_with(user)
        self.fields["committee"].queryset = committees.order_by("name")
        self.fields["committee"].help_text = _(
            "For the visibility « One committee »: the committee whose members alone may "
            "read it (one you sit on)."
        )
        self.fields["authors"].queryset = users
        self.fields["authors"].required = False
        self.fields["authors"].help_text = _("You are one of the authors.")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["territory_codes"].initial = " ".join(
                self.instance.territories.values_list("code", flat=True)
            )
        elif organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def clean_territory_codes(self):
        territories, unknown = [], []
        for token in self.cleaned_data["territory_codes"].split():
            matches = Territory.objects.search(token)
            exact = [t for t in matches[:20] if token in (t.code, t.siren)]
            found = exact[:1] or (list(matches[:2]) if matches.count() == 1 else [])
            if found:
                territories.append(found[0])
            else:
                unknown.append(token)
        if unknown:
            raise forms.ValidationError(
                _("Unknown or ambiguous territories: %(codes)s") % {"codes": " ".join(unknown)}
            )
        return territories

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ResourceKind.EXTERNAL_REFERENCE and not cleaned.get(
            "external_url"
        ):
            self.add_error(
                "external_url", _("An external reference needs the address it refers to.")
            )
        if cleaned.get("visibility") == Visibility.COMMITTEE:
            if not cleaned.get("committee") and "committee" not in self.errors:
                self.add_error("committee", _("Choose the committee that may read this resource."))
        else:
            cleaned["committee"] = None
        return cleaned

    def service_arguments(self):
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["territories"] = data.pop("territory_codes")
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, WebP, DOCX, XLSX, ODT or ODS; 20 MB at most."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        attachment_check(uploaded=uploaded)
        return uploaded


class RevisionsCompareForm(forms.Form):
    """Which two revisions to compare (?de=…&a=…); a value that is not a number is ignored."""

    de = forms.IntegerField(required=False, min_value=1)
    a = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()

    def value(self, name):
        return self.cleaned_data.get(name)

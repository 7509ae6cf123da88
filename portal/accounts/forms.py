from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.choices import MembershipRole
from portal.accounts.models import Organisation


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)


class InvitePersonForm(forms.Form):
    """An administrator invites a person to the portal, optionally into an organisation."""

    email = forms.EmailField(label=_("E-mail address"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Leave empty to invite the person to the portal only."),
    )
    role = forms.ChoiceField(
        label=_("Role in the organisation"),
        choices=MembershipRole.choices,
        initial=MembershipRole.DELEGATE,
    )


class InviteDelegateForm(forms.Form):
    """An organisation admin invites a delegate of their organisation."""

    email = forms.EmailField(label=_("E-mail address"))


class InviteOrganisationForm(forms.ModelForm):
    """An administrator registers an organisation and invites its first admin."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(
        label=_("E-mail address of its admin"),
        help_text=_("This person receives the invitation and manages the organisation."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "rna", "territory", "website", "description"]


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "rna", "territory", "website", "description"]


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Type your password to confirm."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not correct."))
        return password

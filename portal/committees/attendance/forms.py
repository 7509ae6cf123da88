from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.committees.attendance.models import WalkIn


class WalkInForm(forms.Form):
    """Someone who came without a place: a portal member by their address, or a name."""

    email = forms.EmailField(
        label=_("E-mail address, if they have an account on the portal"), required=False
    )
    name = forms.CharField(
        label=_("Name"), required=False, max_length=WalkIn._meta.get_field("name").max_length
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=WalkIn._meta.get_field("organisation").max_length,
    )

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        cleaned["person"] = None
        if email:
            person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
            if person is None:
                self.add_error("email", _("Nobody has an account with this address."))
            cleaned["person"] = person
        elif not self.errors and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("Give the name of the person who came, or their address."))
        return cleaned

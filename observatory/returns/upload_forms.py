from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from observatory.returns.uploads import MAX_BYTES

ACCEPTED = (".xlsx", ".csv", ".txt", ".tsv")
# Kinds of file people do have, and what to do with them.
SAVE_AS = (".xls", ".ods", ".numbers", ".xlsm")


def upload_max_bytes():
    """The territories imports' limit, and at most MAX_BYTES: a return file is small."""
    return min(MAX_BYTES, settings.IMPORT_MAX_BYTES)


class ReturnUploadForm(forms.Form):
    """The campaign's template, filled: refused by size and kind before anything is read."""

    file = forms.FileField(
        label=_("Filled template"),
        help_text=_(
            "XLSX, or CSV (semicolon or comma, decimal comma or point, UTF-8 or Windows-1252)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = upload_max_bytes()
        if uploaded.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
            )
        suffix = Path(uploaded.name).suffix.lower()
        if suffix in SAVE_AS:
            raise forms.ValidationError(
                _(
                    "%(suffix)s files are not read: save it from your spreadsheet as XLSX "
                    "(Excel workbook) or CSV, then upload that."
                )
                % {"suffix": suffix}
            )
        if suffix not in ACCEPTED:
            raise forms.ValidationError(
                _("Unsupported file type %(suffix)s: upload the template as XLSX or CSV.")
                % {"suffix": suffix or "?"}
            )
        return uploaded

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from territories.catalogue.models import Indicator
from territories.choices import ImportKind, Level
from territories.imports.options import ImportOptions
from territories.imports.reading import SUPPORTED

MAPPING_LINE = re.compile(
    r"^\s*(?P<column>[^=@]+?)\s*=\s*(?P<indicator>[\w-]+)\s*(?:@\s*(?P<period>\d{4}))?\s*$"
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (comma or semicolon, decimal point or comma, UTF-8 or Latin-1), XLSX, "
            "GeoJSON, GeoPackage or zipped shapefile."
        ),
    )
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportKind.choices, initial=ImportKind.VALUES
    )
    level = forms.ChoiceField(
        label=_("Level of the territories"), choices=Level.choices, initial=Level.COMMUNE
    )
    code_column = forms.CharField(
        label=_("Column of the codes"),
        max_length=100,
        help_text=_("INSEE code, or SIREN for EPCI."),
    )
    code_vintage = forms.IntegerField(
        label=_("Geography of the codes (year)"),
        initial=2026,
        min_value=1999,
        max_value=2100,
        help_text=_("Codes of an older geography are mapped to today's communes."),
    )
    period = forms.IntegerField(
        label=_("Period (year) of the values"), required=False, min_value=1900, max_value=2100
    )
    mapping = forms.CharField(
        label=_("Columns to import"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One line per column: COLUMN = indicator-identifier, optionally @year. "
            "Example: TP6021 = taux-pauvrete @2021"
        ),
    )
    period_column = forms.CharField(
        label=_("Column of the periods (long layout)"),
        required=False,
        max_length=100,
        help_text=_(
            "For a file with one row per code and year (code, year, value): the column of the "
            "years. Then give the value column below, or one mapping line "
            "“value-column = indicator”."
        ),
    )
    indicator_column = forms.CharField(
        label=_("Column of the indicators (long layout)"),
        required=False,
        max_length=100,
        help_text=_("Optional: a column naming the indicator of each row (identifier or name)."),
    )
    value_column = forms.CharField(
        label=_("Column of the values (long layout)"), required=False, max_length=100
    )
    name_column = forms.CharField(label=_("Column of the names"), required=False, max_length=100)
    population_column = forms.CharField(
        label=_("Column of the population"), required=False, max_length=100
    )
    departement_column = forms.CharField(
        label=_("Column of the département code"), required=False, max_length=100
    )
    epci_column = forms.CharField(
        label=_("Column of the EPCI SIREN"), required=False, max_length=100
    )
    new_column = forms.CharField(
        label=_("Column of the new codes (code changes)"),
        required=False,
        max_length=100,
        help_text=_("The former codes are read from the column of the codes above."),
    )
    from_vintage = forms.IntegerField(
        label=_("Former geography (year, code changes)"),
        required=False,
        min_value=1999,
        max_value=2100,
    )
    to_vintage = forms.IntegerField(
        label=_("New geography (year, code changes)"),
        required=False,
        min_value=1999,
        max_value=2100,
    )
    confirm_moves = forms.BooleanField(
        label=_("Confirm boundaries that move by several kilometres"), required=False
    )
    confirm_renames = forms.BooleanField(
        label=_("Confirm the renaming of territories already loaded"), required=False
    )
    accept_valid_rows = forms.BooleanField(
        label=_("Import the valid rows anyway"),
        required=False,
        help_text=_(
            "By default a single row with a problem refuses the whole file and nothing changes."
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "size": filesizeformat(uploaded.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        if Path(uploaded.name).suffix.lower() not in SUPPORTED:
            raise forms.ValidationError(
                _(
                    "Unsupported file type. Accepted: CSV, XLSX, GeoJSON, GeoPackage, "
                    "zipped shapefile."
                )
            )
        return uploaded

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportKind.VALUES:
            columns = []
            for number, line in enumerate((data.get("mapping") or "").splitlines(), start=1):
                if not line.strip():
                    continue
                match = MAPPING_LINE.match(line)
                if not match:
                    self.add_error(
                        "mapping", _("Line %(n)s is not “COLUMN = indicator”.") % {"n": number}
                    )
                    continue
                period = match["period"] or data.get("period")
                if data.get("period_column"):
                    period = period or 0
                elif not period:
                    self.add_error(
                        "mapping",
                        _("Line %(n)s: give a period (@year) or a default period.") % {"n": number},
                    )
                    continue
                columns.append(
                    {
                        "column": match["column"],
                        "indicator": match["indicator"],
                        "period": int(period),
                    }
                )
            long_ready = data.get("period_column") and (
                columns or (data.get("indicator_column") and data.get("value_column"))
            )
            if not columns and not long_ready and not self.errors.get("mapping"):
                self.add_error("mapping", _("Say which columns to import."))
            known = set(
                Indicator.objects.filter(slug__in=[c["indicator"] for c in columns]).values_list(
                    "slug", flat=True
                )
            )
            for column in columns:
                if column["indicator"] not in known:
                    self.add_error(
                        "mapping",
                        _("Unknown indicator “%(slug)s”.") % {"slug": column["indicator"]},
                    )
            data["columns"] = columns
        elif data.get("kind") == ImportKind.GEOGRAPHY and not data.get("name_column"):
            data["geometry_only"] = True
        elif data.get("kind") == ImportKind.CODE_CHANGES:
            for name in ("new_column", "from_vintage", "to_vintage"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("Needed for code changes."))
            if (data.get("from_vintage") or 0) >= (data.get("to_vintage") or 9999):
                self.add_error("to_vintage", _("The new geography must come after the former."))
        return data

    def options(self):
        """The typed options, checked, as the JSON DataImport keeps."""
        return ImportOptions.from_dict(self._raw_options()).as_dict()

    def _raw_options(self):
        data = self.cleaned_data
        options = {
            "level": data["level"],
            "code_column": data["code_column"].strip(),
            "code_vintage": data["code_vintage"],
            "accept_valid_rows": data["accept_valid_rows"],
        }
        if data["kind"] == ImportKind.VALUES:
            options["columns"] = data["columns"]
            for key in ("period_column", "indicator_column", "value_column"):
                if data.get(key):
                    options[key] = data[key].strip()
        elif data["kind"] == ImportKind.CODE_CHANGES:
            options["old_column"] = options["code_column"]
            options["new_column"] = data["new_column"].strip()
            options["from_vintage"] = data["from_vintage"]
            options["to_vintage"] = data["to_vintage"]
        else:
            for key in ("name_column", "population_column", "departement_column", "epci_column"):
                if data.get(key):
                    options[key] = data[key].strip()
            options["geometry_only"] = data.get("geometry_only", False)
            options["confirm_moves"] = data.get("confirm_moves", False)
            options["confirm_renames"] = data.get("confirm_renames", False)
        return options

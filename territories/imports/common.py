"""What every import shares: all-or-nothing, and a report of the rows it could not place.

A reading problem of the whole file (empty, truncated, wrong type, missing columns) fails the
import and changes nothing. Rows that cannot be placed (unknown code, non-numeric value,
negative count, duplicate) are listed one by one in the report with their line and reason,
and by default a single one refuses the whole file; the `accept_valid_rows` option (an
explicit choice, recorded on the import) writes the valid rows anyway.
"""

from django.utils.translation import gettext as _

from territories.choices import Level
from territories.imports.options import ImportOptions
from territories.imports.reading import FileProblem, read_file


class ImportFailed(Exception):
    """The import changed nothing; `report` says why."""

    def __init__(self, message, report=None):
        super().__init__(message)
        self.report = report or {}


def checked_options(options):
    """The options as an ImportOptions, checked once; a wrong option fails the import."""
    try:
        return ImportOptions.from_dict(options)
    except ValueError as exc:
        raise ImportFailed(str(exc)) from exc


def normalize_code(value, level):
    code = str(value).strip().upper()
    if code.endswith(".0"):
        code = code[:-2]
    if level == Level.COMMUNE and code.isdigit() and len(code) == 4:
        code = "0" + code  # a spreadsheet dropped the leading zero
    if level == Level.DEPARTEMENT and code.isdigit() and len(code) == 1:
        code = "0" + code
    return code


def line_numbers(frame, suffix):
    if suffix in (".geojson", ".json", ".gpkg", ".zip"):
        return [_("feature %(number)s") % {"number": i + 1} for i in range(len(frame))]
    return [str(i + 2) for i in range(len(frame))]


def require_columns(frame, columns):
    missing = [column for column in columns if column and column not in frame.columns]
    if missing:
        raise ImportFailed(
            _("Column(s) not found in the file: %(missing)s. Columns present: %(present)s.")
            % {"missing": ", ".join(missing), "present": ", ".join(frame.columns[:40])}
        )


def read_for_import(path, original_name):
    try:
        return read_file(path, original_name)
    except FileProblem as exc:
        raise ImportFailed(str(exc)) from exc

"""Downloads of tables and maps: the one exporter behind the values API
(/api/v1/values/?download=csv|geojson), the map explorer's and the crossed indicators'
exports, and the observatory dashboard's.

People's downloads come in three forms (TABLE_FORMATS, table_response()): « CSV », the
international form (`,` between cells, `.` before decimals, UTF-8 without BOM); « CSV (Excel,
français) », what a French spreadsheet opens right (`;`, decimal comma, UTF-8 with a BOM,
CRLF); and XLSX, the data in a first sheet and the parameters (source, vintage, choices,
date, demonstration data) in a « Paramètres » sheet. A CSV holds the header and the rows only:
its parameters are in the XLSX and on the page it was downloaded from.

The values API's CSV, read by programs, keeps its own form (csv_response(): `;`, a first line
of comments). GeoJSON is a FeatureCollection with its metadata. Every form neutralises
spreadsheet formulas (CSV injection).
"""

import csv
import io
import json
import math
from decimal import Decimal

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The forms of a people's download, as the `fmt` of its address: « CSV », « CSV (Excel,
# français) », XLSX.
TABLE_FORMATS = ("csv", "csv-fr", "xlsx")


def csv_safe(value):
    """Neutralise spreadsheet formulas in exported cells (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(*, comments, columns, rows, filename):
    """The values API's CSV, for programs (its form stays as it is): `;` between cells, a
    line of comments (each a cell starting with #), the column names, then the rows
    (sequences of cells in the order of the columns; None is written empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([f"# {comment}" for comment in comments])
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe("" if cell is None else cell) for cell in row])
    return _attachment(HttpResponse(buffer.getvalue(), content_type=CSV_TYPE), filename)


def _number(value):
    """A number as French spreadsheets read it: decimal comma, no thousands separator."""
    if isinstance(value, float | Decimal):
        return repr(float(value)).replace(".", ",")
    return value


def _cell(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return csv_safe(str(value) if isinstance(value, Promise) else value)


def csv_bytes(*, columns, rows, french=False):
    """A table as CSV: the header, then the rows (None is written empty); `french` for the
    form French spreadsheets open right."""
    buffer = io.StringIO()
    if french:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow([_cell(c) for c in columns])
    for row in rows:
        cells = [_cell(cell) for cell in row]
        writer.writerow([_number(cell) for cell in cells] if french else cells)
    return buffer.getvalue().encode("utf-8")


def workbook_bytes(sheets):
    """An XLSX workbook of [(title, header, rows)], one sheet each: bold, frozen header and
    cells neutralised as in CSV (openpyxl would otherwise store `=…` as a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def cell(value):
        if value is None:
            return None
        value = _cell(value)
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    workbook = Workbook()
    for index, (title, header, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = str(title)[:31]
        sheet.append([cell(h) for h in header])
        for heading in sheet[1]:
            heading.font = Font(bold=True)
        for row in rows:
            sheet.append([cell(value) for value in row])
        sheet.freeze_panes = "A2"
        for column, heading in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(
                max(12, len(str(heading)) + 2), 40
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(*, fmt, columns, rows, parameters, filename):
    """A people's download of a table in one of TABLE_FORMATS: `parameters` are (label,
    value) pairs, written to the XLSX's « Paramètres » sheet; `filename` has no extension."""
    rows = list(rows)
    if fmt == "xlsx":
        content = workbook_bytes(
            [
                (_("Data"), columns, rows),
                (_("Parameters"), [_("Parameter"), _("Value")], parameters),
            ]
        )
        return _attachment(HttpResponse(content, content_type=XLSX_TYPE), f"{filename}.xlsx")
    french = fmt == "csv-fr"
    content = csv_bytes(columns=columns, rows=rows, french=french)
    name = f"{filename}-excel-fr.csv" if french else f"{filename}.csv"
    return _attachment(HttpResponse(content, content_type=CSV_TYPE), name)


def geojson_response(*, features, metadata, filename):
    """A GeoJSON download: a FeatureCollection of the features, with its metadata."""
    document = {"type": "FeatureCollection", "metadata": metadata, "features": features}
    return _attachment(
        HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/geo+json"),
        filename,
    )


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

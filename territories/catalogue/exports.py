"""Downloads of values as CSV or GeoJSON: the one exporter behind the values API
(/api/v1/values/?download=csv|geojson) and the map explorer's export.

CSV is semicolon-separated (what French spreadsheets expect), opens with a line of comments
saying what the file holds, and neutralises spreadsheet formulas (CSV injection). GeoJSON is
a FeatureCollection with its metadata.
"""

import csv
import io
import json

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """Neutralise spreadsheet formulas in exported cells (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(*, comments, columns, rows, filename):
    """A CSV download: a line of comments (each a cell starting with #), the column names,
    then the rows (sequences of cells in the order of the columns; None is written empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([f"# {comment}" for comment in comments])
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe("" if cell is None else cell) for cell in row])
    return _attachment(
        HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8"), filename
    )


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

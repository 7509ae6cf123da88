"""Reading uploaded files into tables, with the checks that give a clear error.

Everything here runs inside Celery tasks (imports), never in a request.
"""

import csv
import io
import json
import math
import zipfile
from pathlib import Path

import charset_normalizer
import pandas as pd
from django.utils.translation import gettext as _

TABULAR = {".csv", ".txt", ".tsv", ".xlsx"}
GEOGRAPHIC = {".geojson", ".json", ".gpkg", ".zip"}
SUPPORTED = TABULAR | GEOGRAPHIC
SECRET_MARKERS = {"s", "secret", "c"}
MISSING_MARKERS = {"", "nd", "na", "n/a", "nan", "-", "null"}


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, in French."""


def read_file(path, original_name):
    """Read a CSV, XLSX, GeoJSON, GeoPackage or zipped shapefile.

    Returns (DataFrame of strings, GeoSeries or None, notes). Geometries come back in WGS84.
    """
    path = Path(path)
    suffix = Path(original_name).suffix.lower()
    if suffix not in SUPPORTED:
        raise FileProblem(
            _(
                "Unsupported file type %(suffix)s. Accepted: CSV, XLSX, GeoJSON, GeoPackage, "
                "zipped shapefile."
            )
            % {"suffix": suffix or "?"}
        )
    head = path.read_bytes()[:8192]
    if not head.strip():
        raise FileProblem(_("The file is empty."))
    if suffix in (".csv", ".txt", ".tsv") and head.startswith(b"PK\x03\x04"):
        if not _zip_has(path, "xl/workbook.xml"):
            raise FileProblem(_("This file is not a text (CSV) file, despite its extension."))
        suffix = ".xlsx"  # an Excel workbook saved under a .csv name: read it as one
    _check_content_matches(suffix, head, path)
    if suffix in (".csv", ".txt", ".tsv"):
        frame = _read_csv(path)
        geometry, notes = None, []
    elif suffix == ".xlsx":
        frame = _read_xlsx(path)
        geometry, notes = None, []
    else:
        frame, geometry, notes = _read_geo(path, suffix)
    frame.columns = [str(column).strip() for column in frame.columns]
    if len(frame.columns) == 0:
        raise FileProblem(_("The file has no columns."))
    if frame.empty:
        raise FileProblem(_("The file has a header but no data rows."))
    return frame, geometry, notes


def _check_content_matches(suffix, head, path):
    is_zip = head.startswith(b"PK\x03\x04")
    if suffix in (".csv", ".txt", ".tsv"):
        if is_zip or b"\x00" in head:
            raise FileProblem(_("This file is not a text (CSV) file, despite its extension."))
    elif suffix == ".xlsx":
        if not is_zip or not _zip_has(path, "xl/workbook.xml"):
            raise FileProblem(
                _("This file is not an Excel (XLSX) workbook, despite its extension.")
            )
    elif suffix in (".geojson", ".json"):
        if not head.lstrip().startswith(b"{"):
            raise FileProblem(_("This file is not a GeoJSON file, despite its extension."))
    elif suffix == ".gpkg":
        if not head.startswith(b"SQLite format 3\x00"):
            raise FileProblem(_("This file is not a GeoPackage, despite its extension."))
    elif suffix == ".zip" and not is_zip:
        raise FileProblem(_("This file is not a zip archive, despite its extension."))


def _zip_has(path, name):
    try:
        with zipfile.ZipFile(path) as archive:
            return name in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _decode(raw):
    """Text of the file, its encoding detected by charset-normalizer; refused if none fits."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        raise FileProblem(
            _(
                "The file's text encoding could not be recognised: save it as CSV in UTF-8 "
                "(or Latin-1 / Windows-1252)."
            )
        )
    return str(best)


def _read_csv(path):
    text = _decode(Path(path).read_bytes())
    sample = text[:20000]
    header = sample.split("\n", 1)[0]
    try:
        separator = csv.Sniffer().sniff(header + "\n", delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {sep: header.count(sep) for sep in (";", "\t", ",", "|")}
        separator = max(counts, key=counts.get)
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise FileProblem(_("The file is empty."))
    width = len(rows[0])
    ragged = [
        _("line %(line)s has %(found)s fields, the header has %(expected)s")
        % {"line": number, "found": len(row), "expected": width}
        for number, row in enumerate(rows[1:], start=2)
        if len(row) != width and any(cell.strip() for cell in row)
    ]
    if ragged:
        raise FileProblem(
            _(
                "Some lines do not have as many fields as the header "
                "(separator “%(sep)s”): %(lines)s."
            )
            % {"sep": "tab" if separator == "\t" else separator, "lines": "; ".join(ragged[:50])}
        )
    body = [[cell.strip() for cell in row] for row in rows[1:] if any(c.strip() for c in row)]
    return pd.DataFrame(body, columns=[cell.strip() for cell in rows[0]], dtype=str)


def _read_xlsx(path):
    try:
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:
        raise FileProblem(
            _("The Excel workbook could not be read: it is damaged or protected by a password.")
        ) from exc


def _read_geo(path, suffix):
    import geopandas as gpd
    import shapely

    notes = []
    if suffix in (".geojson", ".json"):
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = getattr(exc, "lineno", None)
            raise FileProblem(
                _("The GeoJSON file is not valid JSON (truncated?) near line %(line)s.")
                % {"line": where or "?"}
            ) from exc
        if document.get("type") != "FeatureCollection" or not isinstance(
            document.get("features"), list
        ):
            raise FileProblem(_("The GeoJSON file must be a FeatureCollection."))
        if not document["features"]:
            raise FileProblem(_("The file has a header but no data rows."))
        declared_crs = document.get("crs")
        source = path
    elif suffix == ".zip":
        source, declared_crs = _shapefile_in(path), True
    else:
        source, declared_crs = path, True
    try:
        frame = gpd.read_file(source)
    except Exception as exc:
        raise FileProblem(
            _("The geographic file could not be read: it is damaged or not in a known format.")
        ) from exc
    if frame.empty:
        raise FileProblem(_("The file has a header but no data rows."))
    if frame.crs is None or (suffix in (".geojson", ".json") and not declared_crs):
        if _looks_projected(frame):
            raise FileProblem(
                _(
                    "The coordinates are not longitudes and latitudes, and the file does not say "
                    'which projection it uses. Add its CRS (e.g. a .prj file, or a "crs" member) '
                    "or export it in WGS84."
                )
            )
        frame = frame.set_crs(4326, allow_override=True)
    elif frame.crs.to_epsg() != 4326:
        notes.append(_("Reprojected from %(crs)s to WGS84.") % {"crs": frame.crs.to_string()})
        frame = frame.to_crs(4326)
    geometry = frame.geometry
    invalid = ~shapely.is_valid(geometry.values) & ~geometry.isna()
    repaired = []
    if invalid.any():
        geometry = geometry.copy()
        for index in geometry.index[invalid]:
            reason = shapely.is_valid_reason(geometry[index])
            geometry[index] = shapely.make_valid(geometry[index])
            repaired.append((index, reason))
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(str)
    attributes = attributes.replace({"None": "", "nan": ""})
    attributes.attrs["repaired"] = repaired
    return attributes, geometry, notes


def _shapefile_in(path):
    try:
        with zipfile.ZipFile(path) as archive:
            original = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise FileProblem(_("The zip archive is damaged.")) from exc
    names = [name.lower() for name in original]
    shapefiles = [name for name in names if name.endswith(".shp")]
    if not shapefiles:
        raise FileProblem(_("The zip archive holds no shapefile (.shp)."))
    stem = shapefiles[0][:-4]
    missing = [part for part in (".shx", ".dbf") if stem + part not in names]
    if missing:
        raise FileProblem(
            _("The shapefile is incomplete: %(parts)s missing from the archive.")
            % {"parts": ", ".join(missing)}
        )
    return f"zip://{path}!{original[names.index(shapefiles[0])]}"


def _looks_projected(frame):
    minx, miny, maxx, maxy = frame.total_bounds
    if any(math.isnan(v) for v in (minx, miny, maxx, maxy)):
        return False
    return not (
        -180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90
    )


def parse_number(text):
    """(value, status, problem) for one cell: INSEE markers are values, not errors."""
    cell = str(text).strip()
    lowered = cell.lower()
    if lowered in SECRET_MARKERS:
        return None, "secret", None
    if lowered in MISSING_MARKERS:
        return None, "missing", None
    cleaned = cell.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None, None, _("“%(value)s” is not a number") % {"value": cell[:40]}
    if math.isnan(value) or math.isinf(value):
        return None, "missing", None
    return value, "ok", None

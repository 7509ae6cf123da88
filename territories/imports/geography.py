"""Import of territories of one level: attributes (name, population, parents) and/or
boundaries."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from territories.choices import Level
from territories.geography.models import Territory
from territories.imports.common import (
    ImportFailed,
    checked_options,
    line_numbers,
    normalize_code,
    read_for_import,
    require_columns,
)
from territories.imports.reading import parse_number

GEOGRAPHY_FIELDS = {
    "name_column": "name",
    "siren_column": "siren",
    "kind_column": "kind",
    "postal_codes_column": "postal_codes",
    "former_codes_column": "former_codes",
}

FORMULA_STARTS = ("=", "+", "-", "@")


def geography_import(*, path, original_name, options, progress=None):
    """Create or update territories (attributes and/or boundaries) of one level."""
    import shapely

    progress = progress or (lambda percent, message: None)
    options = checked_options(options)
    level, vintage = options.level, options.vintage
    code_column = options.code_column
    frame, geometry, notes = read_for_import(path, original_name)
    suffix = "." + original_name.rsplit(".", 1)[-1].lower()
    lines = line_numbers(frame, suffix)
    columns = [code_column] + [
        getattr(options, k)
        for k in (
            *GEOGRAPHY_FIELDS,
            "population_column",
            "population_total_column",
            "departement_column",
            "epci_column",
            "area_column",
        )
    ]
    require_columns(frame, columns)
    if not code_column:
        raise ImportFailed(_("Say which column holds the codes."))

    existing = {t.code: t for t in Territory.objects.filter(level=level, vintage=vintage)}
    parents = {
        lvl: dict(Territory.objects.filter(level=lvl, vintage=vintage).values_list("code", "id"))
        for lvl in (Level.REGION, Level.DEPARTEMENT, Level.EPCI)
    }
    region_id = parents[Level.REGION].get(options.region_code)
    if options.region_code and region_id is None and level != Level.REGION:
        raise ImportFailed(
            _("Region %(code)s is not loaded: import the region first.")
            % {"code": options.region_code}
        )
    if geometry is not None:
        _check_extent(geometry, existing.values(), vintage)
    rejected, repaired, renamed, report_moves = [], [], [], []
    for index, reason in frame.attrs.get("repaired", []):
        code = normalize_code(frame[code_column].iloc[index], level) if code_column else ""
        repaired.append({"line": lines[index], "code": code, "reason": reason})
    to_save, seen = [], {}
    for index, row in enumerate(frame.to_dict("records")):
        code = normalize_code(row[code_column], level)
        if not code:
            rejected.append({"line": lines[index], "code": "", "reason": _("no code")})
            continue
        if code in seen:
            rejected.append(
                {
                    "line": lines[index],
                    "code": code,
                    "reason": _("duplicate of line %(line)s") % {"line": lines[seen[code]]},
                }
            )
            continue
        seen[code] = index
        territory = existing.get(code)
        old_name = territory.name if territory is not None else ""
        old_geometry = territory.geometry if territory is not None else None
        if territory is None:
            if options.geometry_only:
                rejected.append(
                    {
                        "line": lines[index],
                        "code": code,
                        "reason": _("unknown territory: import its attributes first"),
                    }
                )
                continue
            territory = Territory(level=level, code=code, vintage=vintage)
        problem = _apply_attributes(territory, row, options, parents, region_id)
        if not problem and old_name and territory.name != old_name:
            if options.confirm_renames:
                renamed.append({"line": lines[index], "code": code, "from": old_name})
            else:
                problem = _(
                    "renamed from “%(old)s” to “%(new)s”: confirm the renamings to accept it"
                ) % {"old": old_name, "new": territory.name}
        if problem:
            rejected.append({"line": lines[index], "code": code, "reason": problem})
            continue
        if geometry is not None:
            shape = geometry.iloc[index]
            if (
                shape is None
                or shape.is_empty
                or shape.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection")
            ):
                rejected.append(
                    {"line": lines[index], "code": code, "reason": _("no usable polygon")}
                )
                continue
            if shape.geom_type == "GeometryCollection":
                polygons = [g for g in shape.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
                if not polygons:
                    rejected.append(
                        {
                            "line": lines[index],
                            "code": code,
                            "reason": _("the repaired geometry holds no polygon"),
                        }
                    )
                    continue
                shape = shapely.union_all(polygons)
            moved = _moved_km(old_geometry, shape)
            if moved is not None and moved > settings.IMPORT_MAX_MOVE_KM:
                if not options.confirm_moves:
                    rejected.append(
                        {
                            "line": lines[index],
                            "code": code,
                            "reason": _(
                                "the boundary moves %(km)s km from the previous one: confirm "
                                "the moves to accept it"
                            )
                            % {"km": round(moved, 1)},
                        }
                    )
                    continue
                report_moves.append({"line": lines[index], "code": code, "km": round(moved, 1)})
            territory.geometry = shapely.geometry.mapping(shape)
        if not territory.name:
            rejected.append({"line": lines[index], "code": code, "reason": _("no name")})
            continue
        to_save.append(territory)

    report = {
        "rows": len(frame),
        "accepted": len(to_save),
        "rejected": rejected,
        "repaired": repaired,
        "renamed": renamed,
        "moved": report_moves,
        "notes": [str(n) for n in notes],
    }
    if rejected and not options.accept_valid_rows:
        raise ImportFailed(
            _(
                "%(count)s row(s) have a problem: nothing was imported. Correct the file, or "
                "choose to import the valid rows anyway."
            )
            % {"count": len(rejected)},
            report,
        )
    if not to_save:
        raise ImportFailed(_("No row could be imported."), report)
    progress(60, _("Writing the territories"))
    with transaction.atomic():
        for territory in to_save:
            territory.save()
    if level == Level.COMMUNE:
        report["without_epci"] = list(
            Territory.objects.filter(level=level, vintage=vintage, epci__isnull=True).values_list(
                "code", flat=True
            )
        )
    return report


def _apply_attributes(territory, row, options, parents, region_id):
    for option, field in GEOGRAPHY_FIELDS.items():
        column = getattr(options, option)
        if column:
            value = str(row.get(column, "")).strip()
            setattr(territory, field, value.replace("|", " ") if field.endswith("codes") else value)
    if territory.name.startswith(FORMULA_STARTS):
        return _(
            "the name “%(name)s” starts with %(sign)s, as a spreadsheet formula would: refused"
        ) % {"name": territory.name[:60], "sign": territory.name[0]}
    for option, field in (
        ("population_column", "population"),
        ("population_total_column", "population_total"),
    ):
        column = getattr(options, option)
        if column:
            value, _status, problem = parse_number(row.get(column, ""))
            if problem or (value is not None and value < 0):
                return _("population “%(value)s” is not a count") % {"value": row.get(column)}
            setattr(territory, field, round(value) if value is not None else None)
    if options.area_column:
        value, _status, problem = parse_number(row.get(options.area_column, ""))
        if problem:
            return problem
        territory.area_km2 = value
    if region_id and territory.level != Level.REGION:
        territory.region_id = region_id
    for option, level in (("departement_column", Level.DEPARTEMENT), ("epci_column", Level.EPCI)):
        column = getattr(options, option)
        if not column:
            continue
        code = normalize_code(row.get(column, ""), level)
        if not code:
            setattr(territory, f"{level}_id", None)
            continue
        if code not in parents[level]:
            return _("unknown %(level)s %(code)s") % {"level": Level(level).label, "code": code}
        setattr(territory, f"{level}_id", parents[level][code])
    return None


def _moved_km(old_geometry, shape):
    """Geodesic distance (km, on the WGS84 ellipsoid: valid anywhere) between the centroids of
    the previous boundary and the new one; None without a previous boundary."""
    import shapely
    from pyproj import Geod

    if not old_geometry:
        return None
    old = shapely.geometry.shape(old_geometry)
    if old.is_empty:
        return None
    a, b = old.centroid, shape.centroid
    _f, _b, metres = Geod(ellps="WGS84").inv(a.x, a.y, b.x, b.y)
    return metres / 1000


def _bounds_text(bounds):
    return "[" + ", ".join(f"{value:.3f}" for value in bounds) + "]"


def _check_extent(geometry, existing, vintage):
    """Refuse boundaries outside the area already loaded (or, for a first import, the area
    IMPORT_FIRST_EXTENT in settings), naming the box found and the one expected; a file whose
    box fits once its axes are swapped is in latitude/longitude order."""
    import shapely

    found = geometry.total_bounds
    if any(value != value for value in found):  # NaN: no geometry at all
        return
    shapes = [t.geometry for t in existing if t.geometry]
    if not shapes:
        shapes = list(
            Territory.objects.filter(vintage=vintage, geometry__isnull=False)
            .exclude(level=Level.COMMUNE)
            .values_list("geometry", flat=True)[:200]
        )
    if shapes:
        minx, miny, maxx, maxy = shapely.GeometryCollection(
            [shapely.geometry.shape(g) for g in shapes]
        ).bounds
    else:
        minx, miny, maxx, maxy = settings.IMPORT_FIRST_EXTENT
    margin = settings.IMPORT_EXTENT_MARGIN_DEGREES
    expected = (minx - margin, miny - margin, maxx + margin, maxy + margin)

    def inside(box):
        return (
            box[0] >= expected[0]
            and box[1] >= expected[1]
            and box[2] <= expected[2]
            and box[3] <= expected[3]
        )

    if inside(found):
        return
    values = {"found": _bounds_text(found), "expected": _bounds_text(expected)}
    if inside((found[1], found[0], found[3], found[2])):
        raise ImportFailed(
            _(
                "The coordinates are in latitude/longitude order; longitude comes first in "
                "GeoJSON. Box found %(found)s, expected within %(expected)s "
                "(west, south, east, north)."
            )
            % values
        )
    raise ImportFailed(
        _(
            "The boundaries lie outside the expected area: box found %(found)s, expected "
            "within %(expected)s (west, south, east, north)."
        )
        % values
    )

"""Import of territories of one level: attributes (name, population, parents) and/or
boundaries."""

import dataclasses

import shapely
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


@dataclasses.dataclass
class Place:
    """What a geography import changes: the territories of one level and their parents."""

    existing: dict
    parents: dict
    region_id: int | None


def geography_import(*, path, original_name, options, progress=None):
    """Create or update territories (attributes and/or boundaries) of one level.

    Steps: read the file, find where it lands (the level's territories and their parents),
    check each row — attributes, renaming, boundary — then, once the whole file is found
    good or its valid rows accepted, write in one transaction.
    """
    progress = progress or (lambda percent, message: None)
    options = checked_options(options)
    frame, geometry, notes = read_for_import(path, original_name)
    lines = line_numbers(frame, "." + original_name.rsplit(".", 1)[-1].lower())
    _require(frame, options)
    place = _place(options)
    if geometry is not None:
        _check_extent(geometry, place.existing.values(), options.vintage)
    report = {
        "rows": len(frame),
        "rejected": [],
        "repaired": _repaired(frame, lines, options),
        "renamed": [],
        "moved": [],
        "notes": [str(n) for n in notes],
    }
    to_save = _check_rows(frame, geometry, lines, options, place, report)
    report["accepted"] = len(to_save)
    if report["rejected"] and not options.accept_valid_rows:
        raise ImportFailed(
            _(
                "%(count)s row(s) have a problem: nothing was imported. Correct the file, or "
                "choose to import the valid rows anyway."
            )
            % {"count": len(report["rejected"])},
            report,
        )
    if not to_save:
        raise ImportFailed(_("No row could be imported."), report)
    progress(60, _("Writing the territories"))
    _write(to_save, options, report)
    return report


def _require(frame, options):
    if not options.code_column:
        raise ImportFailed(_("Say which column holds the codes."))
    columns = [options.code_column] + [
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


def _place(options):
    level, vintage = options.level, options.vintage
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
    existing = {t.code: t for t in Territory.objects.filter(level=level, vintage=vintage)}
    return Place(existing=existing, parents=parents, region_id=region_id)


def _repaired(frame, lines, options):
    """The geometries the reader had to repair, with their line and code."""
    return [
        {
            "line": lines[index],
            "code": normalize_code(frame[options.code_column].iloc[index], options.level),
            "reason": reason,
        }
        for index, reason in frame.attrs.get("repaired", [])
    ]


def _check_rows(frame, geometry, lines, options, place, report):
    """The territories to save; every row's problem goes to the report."""
    to_save, seen = [], {}
    for index, row in enumerate(frame.to_dict("records")):
        code = normalize_code(row[options.code_column], options.level)
        shape = geometry.iloc[index] if geometry is not None else None
        territory = None
        if not code:
            problem = _("no code")
        elif code in seen:
            problem = _("duplicate of line %(line)s") % {"line": lines[seen[code]]}
        else:
            seen[code] = index
            territory, problem = _check_row(code, row, shape, geometry is not None, options, place)
        if problem:
            report["rejected"].append({"line": lines[index], "code": code, "reason": problem})
            continue
        line = {"line": lines[index], "code": code}
        if getattr(territory, "renamed_from", None):
            report["renamed"].append(line | {"from": territory.renamed_from})
        if getattr(territory, "moved_km", None) is not None:
            report["moved"].append(line | {"km": territory.moved_km})
        to_save.append(territory)
    return to_save


def _check_row(code, row, shape, with_geometry, options, place):
    """(territory with the row applied, None) or (None, the reason it is refused)."""
    territory = place.existing.get(code)
    if territory is None:
        if options.geometry_only:
            return None, _("unknown territory: import its attributes first")
        territory = Territory(level=options.level, code=code, vintage=options.vintage)
    old_name, old_geometry = territory.name, territory.geometry
    problem = _apply_attributes(territory, row, options, place.parents, place.region_id)
    if problem:
        return None, problem
    if old_name and territory.name != old_name:
        if not options.confirm_renames:
            return None, _(
                "renamed from “%(old)s” to “%(new)s”: confirm the renamings to accept it"
            ) % {"old": old_name, "new": territory.name}
        territory.renamed_from = old_name
    if with_geometry:
        shape, problem = _polygon(shape)
        if problem:
            return None, problem
        moved = _moved_km(old_geometry, shape)
        if moved is not None and moved > settings.IMPORT_MAX_MOVE_KM:
            if not options.confirm_moves:
                return None, _(
                    "the boundary moves %(km)s km from the previous one: confirm "
                    "the moves to accept it"
                ) % {"km": round(moved, 1)}
            territory.moved_km = round(moved, 1)
        territory.geometry = shapely.geometry.mapping(shape)
    if not territory.name:
        return None, _("no name")
    return territory, None


def _polygon(shape):
    """(the row's polygons, None) or (None, why there is no usable polygon)."""
    if (
        shape is None
        or shape.is_empty
        or shape.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection")
    ):
        return None, _("no usable polygon")
    if shape.geom_type == "GeometryCollection":
        polygons = [g for g in shape.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polygons:
            return None, _("the repaired geometry holds no polygon")
        shape = shapely.union_all(polygons)
    return shape, None


def _write(to_save, options, report):
    with transaction.atomic():
        for territory in to_save:
            territory.save()
    if options.level == Level.COMMUNE:
        report["without_epci"] = list(
            Territory.objects.filter(
                level=options.level, vintage=options.vintage, epci__isnull=True
            ).values_list("code", flat=True)
        )


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

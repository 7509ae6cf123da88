"""Import of territories of one level: attributes (name, population, parents) and/or
boundaries."""

from django.db import transaction
from django.utils.translation import gettext as _

from territories.choices import Level
from territories.geography.models import Territory
from territories.imports.common import (
    DEFAULT_VINTAGE,
    ImportFailed,
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
    level = options.get("level")
    if level not in Level.values:
        raise ImportFailed(_("Choose the level of the territories in the file."))
    vintage = int(options.get("vintage", DEFAULT_VINTAGE))
    code_column = options.get("code_column")
    frame, geometry, notes = read_for_import(path, original_name)
    suffix = "." + original_name.rsplit(".", 1)[-1].lower()
    lines = line_numbers(frame, suffix)
    columns = [code_column] + [
        options.get(k)
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
    region_id = parents[Level.REGION].get(str(options.get("region_code", "")))
    if options.get("region_code") and region_id is None and level != Level.REGION:
        raise ImportFailed(
            _("Region %(code)s is not loaded: import the region first.")
            % {"code": options["region_code"]}
        )
    rejected, repaired = [], []
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
        if territory is None:
            if options.get("geometry_only"):
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
        "notes": [str(n) for n in notes],
    }
    if rejected and not options.get("accept_valid_rows"):
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
        column = options.get(option)
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
        column = options.get(option)
        if column:
            value, _status, problem = parse_number(row.get(column, ""))
            if problem or (value is not None and value < 0):
                return _("population “%(value)s” is not a count") % {"value": row.get(column)}
            setattr(territory, field, round(value) if value is not None else None)
    if options.get("area_column"):
        value, _status, problem = parse_number(row.get(options["area_column"], ""))
        if problem:
            return problem
        territory.area_km2 = value
    if region_id and territory.level != Level.REGION:
        territory.region_id = region_id
    for option, level in (("departement_column", Level.DEPARTEMENT), ("epci_column", Level.EPCI)):
        column = options.get(option)
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

"""Imports of indicator values, geography and code changes, all-or-nothing.

A reading problem of the whole file (empty, truncated, wrong type, missing columns) fails the
import and changes nothing. Rows that cannot be placed (unknown code, non-numeric value,
negative count, duplicate) are rejected one by one and listed in the report with their line
and reason; with the `strict` option a single rejected row fails the whole import.
"""

import re
from collections import defaultdict

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from territories.choices import Aggregation, Level, ValueStatus
from territories.imports.reading import FileProblem, parse_number, read_file
from territories.models import CodeChange, Indicator, IndicatorValue, Territory

EXPRESSION = re.compile(r"^[\w\s\.\+\-\*/\(\)]+$")
DEFAULT_VINTAGE = 2026


class ImportFailed(Exception):
    """The import changed nothing; `report` says why."""

    def __init__(self, message, report=None):
        super().__init__(message)
        self.report = report or {}


def normalize_code(value, level):
    code = str(value).strip().upper()
    if code.endswith(".0"):
        code = code[:-2]
    if level == Level.COMMUNE and code.isdigit() and len(code) == 4:
        code = "0" + code  # a spreadsheet dropped the leading zero
    if level == Level.DEPARTEMENT and code.isdigit() and len(code) == 1:
        code = "0" + code
    return code


def _line_numbers(frame, suffix):
    if suffix in (".geojson", ".json", ".gpkg", ".zip"):
        return [_("feature %(number)s") % {"number": i + 1} for i in range(len(frame))]
    return [str(i + 2) for i in range(len(frame))]


def _require_columns(frame, columns):
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


def code_mapping(*, from_vintage, to_vintage):
    if from_vintage >= to_vintage:
        return {}
    return dict(
        CodeChange.objects.filter(from_vintage=from_vintage, to_vintage=to_vintage).values_list(
            "old_code", "new_code"
        )
    )


# ----------------------------------------------------------------------------- values


def values_import(*, path, original_name, options, source_import=None, progress=None):
    """Import indicator values; returns the report. Raises ImportFailed, changing nothing."""
    progress = progress or (lambda percent, message: None)
    level = options.get("level", Level.COMMUNE)
    vintage = int(options.get("vintage", DEFAULT_VINTAGE))
    code_vintage = int(options.get("code_vintage", vintage))
    code_column = options.get("code_column")
    mappings = options.get("columns") or []
    derived = options.get("derived") or {}
    if not code_column or not mappings:
        raise ImportFailed(_("Say which column holds the codes and which columns to import."))

    progress(5, _("Reading the file"))
    frame, _geometry, notes = read_for_import(path, original_name)
    suffix = "." + original_name.rsplit(".", 1)[-1].lower()
    lines = _line_numbers(frame, suffix)
    source_columns = {m["column"] for m in mappings} - set(derived)
    for expression in derived.values():
        if not EXPRESSION.match(expression):
            raise ImportFailed(_("Invalid formula: %(formula)s") % {"formula": expression})
        source_columns |= set(re.findall(r"[A-Za-z_]\w*", expression))
    _require_columns(frame, [code_column, *sorted(source_columns)])

    slugs = {m["indicator"] for m in mappings}
    indicators = {
        i.slug: i
        for i in Indicator.objects.filter(slug__in=slugs).select_related("numerator", "denominator")
    }
    unknown = sorted(slugs - set(indicators))
    if unknown:
        raise ImportFailed(_("Unknown indicator(s): %(slugs)s.") % {"slugs": ", ".join(unknown)})
    for mapping in mappings:
        try:
            mapping["period"] = int(mapping.get("period") or options.get("period"))
        except (TypeError, ValueError) as exc:
            raise ImportFailed(
                _("No period given for column %(column)s.") % {"column": mapping["column"]}
            ) from exc

    progress(20, _("Checking the rows"))
    rejected = {}  # row index -> reason
    values, statuses = {}, {}
    for column in sorted(source_columns):
        parsed = [parse_number(cell) for cell in frame[column].tolist()]
        values[column] = np.array([p[0] if p[0] is not None else np.nan for p in parsed])
        statuses[column] = np.array([p[1] or "error" for p in parsed], dtype=object)
        for index, (_value, _status, problem) in enumerate(parsed):
            if problem and index not in rejected:
                rejected[index] = _("column %(column)s: %(problem)s") % {
                    "column": column,
                    "problem": problem,
                }
    numeric = pd.DataFrame(values)
    for name, expression in derived.items():
        used = re.findall(r"[A-Za-z_]\w*", expression)
        values[name] = numeric.eval(expression, engine="python").to_numpy(dtype=float)
        status = np.full(len(frame), "ok", dtype=object)
        for column in used:
            status = np.where(statuses[column] == "missing", "missing", status)
        for column in used:
            status = np.where(statuses[column] == "secret", "secret", status)
        status = np.where(np.isinf(values[name]), "missing", status)
        values[name] = np.where(status == "ok", values[name], np.nan)
        statuses[name] = status

    for mapping in mappings:
        indicator = indicators[mapping["indicator"]]
        if indicator.aggregation != Aggregation.SUM or indicator.signed:
            continue
        negative = np.nan_to_num(values[mapping["column"]], nan=0) < 0
        for index in np.flatnonzero(negative):
            rejected.setdefault(
                int(index),
                _("column %(column)s: a count cannot be negative (%(value)s)")
                % {"column": mapping["column"], "value": values[mapping["column"]][index]},
            )

    codes = [normalize_code(value, level) for value in frame[code_column].tolist()]
    seen = {}
    for index, code in enumerate(codes):
        if not code:
            rejected.setdefault(index, _("no code"))
        elif code in seen:
            rejected.setdefault(
                index,
                _("duplicate of line %(line)s (same code %(code)s)")
                % {"line": lines[seen[code]], "code": code},
            )
        else:
            seen[code] = index

    mapping_codes = code_mapping(from_vintage=code_vintage, to_vintage=vintage)
    territory_ids = dict(
        Territory.objects.filter(level=level, vintage=vintage).values_list("code", "id")
    )
    placed, remapped = {}, []
    for index, code in enumerate(codes):
        if index in rejected:
            continue
        target = mapping_codes.get(code, code)
        if target not in territory_ids:
            rejected[index] = _("unknown %(level)s code %(code)s in geography %(vintage)s") % {
                "level": Level(level).label,
                "code": code,
                "vintage": vintage,
            }
            continue
        if target != code:
            remapped.append({"line": lines[index], "from": code, "to": target})
        placed[index] = territory_ids[target]

    report = {
        "rows": len(frame),
        "accepted": len(placed),
        "rejected": [
            {"line": lines[i], "code": codes[i], "reason": str(reason)}
            for i, reason in sorted(rejected.items())
        ],
        "remapped": remapped,
        "notes": [str(n) for n in notes],
        "indicators": {},
    }
    if options.get("strict") and rejected:
        raise ImportFailed(
            _("%(count)s row(s) rejected: nothing was imported (strict mode).")
            % {"count": len(rejected)},
            report,
        )
    if not placed:
        raise ImportFailed(_("No row could be imported."), report)

    progress(50, _("Merging and writing the values"))
    records, rows_of = {}, defaultdict(list)
    for index, territory_id in placed.items():
        for mapping in mappings:
            key = (territory_id, indicators[mapping["indicator"]].pk, mapping["period"])
            rows_of[key].append((index, mapping["column"]))
            records[key] = (values[mapping["column"]][index], statuses[mapping["column"]][index])
    merged = {key: rows for key, rows in rows_of.items() if len(rows) > 1}
    report["merged"] = _merge_communes(records, merged, indicators, mappings, values, statuses)

    rows = []
    for (territory_id, indicator_id, period), (value, status) in records.items():
        known = status == ValueStatus.OK and not np.isnan(value)
        rows.append(
            IndicatorValue(
                indicator_id=indicator_id,
                territory_id=territory_id,
                period=period,
                value=float(value) if known else None,
                status=ValueStatus.OK if known else (status if status != "ok" else "missing"),
                source_import=source_import,
            )
        )
    for mapping in mappings:
        indicator = indicators[mapping["indicator"]]
        mine = [r for r in rows if r.indicator_id == indicator.pk and r.period == mapping["period"]]
        report["indicators"][f"{indicator.slug}@{mapping['period']}"] = {
            status: sum(1 for r in mine if r.status == status)
            for status in (ValueStatus.OK, ValueStatus.SECRET, ValueStatus.MISSING)
        }
    with transaction.atomic():
        IndicatorValue.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["indicator", "territory", "period"],
            update_fields=["value", "status", "source_import"],
        )
    progress(95, _("Values written"))
    return report


def _merge_communes(records, merged, indicators, mappings, values, statuses):
    """Rows that land on one commune after a merger: counts add up; rates are rebuilt from
    the counts of the same file (numerator and denominator, or rate × denominator); a value
    that cannot be rebuilt (a median, a share without its base) becomes unknown."""
    by_pk = {i.pk: i for i in indicators.values()}
    column_of = {(m["indicator"], m["period"]): m["column"] for m in mappings}
    notes = []

    def known(column, rows):
        return all(statuses[column][i] == "ok" for i in rows)

    for key, entries in merged.items():
        _territory_id, indicator_id, period = key
        indicator = by_pk[indicator_id]
        rows = [index for index, _column in entries]
        column = entries[0][1]
        result = (np.nan, "missing")
        num_column = indicator.numerator and column_of.get((indicator.numerator.slug, period))
        den_column = indicator.denominator and column_of.get((indicator.denominator.slug, period))
        if indicator.aggregation == Aggregation.SUM and known(column, rows):
            result = (float(np.sum(values[column][rows])), "ok")
        elif indicator.aggregation in (Aggregation.RATIO, Aggregation.WEIGHTED_MEAN) and den_column:
            den = values[den_column][rows]
            if num_column and known(num_column, rows) and known(den_column, rows) and den.sum():
                result = (indicator.scale * values[num_column][rows].sum() / den.sum(), "ok")
            elif known(column, rows) and known(den_column, rows) and den.sum():
                result = (float((values[column][rows] * den).sum() / den.sum()), "ok")
        records[key] = result
        notes.append(
            {"indicator": indicator.slug, "period": period, "rows": len(rows), "result": result[1]}
        )
    return notes


# ----------------------------------------------------------------------------- geography

GEOGRAPHY_FIELDS = {
    "name_column": "name",
    "siren_column": "siren",
    "kind_column": "kind",
    "postal_codes_column": "postal_codes",
    "former_codes_column": "former_codes",
}


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
    lines = _line_numbers(frame, suffix)
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
    _require_columns(frame, columns)
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
        repaired.append({"line": lines[index], "reason": reason})
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
    if options.get("strict") and rejected:
        raise ImportFailed(
            _("%(count)s row(s) rejected: nothing was imported (strict mode).")
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


# ----------------------------------------------------------------------------- code changes


def code_changes_import(*, path, original_name, options, progress=None):
    frame, _geometry, _notes = read_for_import(path, original_name)
    old, new = options.get("old_column"), options.get("new_column")
    _require_columns(frame, [old, new])
    try:
        from_vintage, to_vintage = int(options["from_vintage"]), int(options["to_vintage"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ImportFailed(_("Give the vintages the codes come from and go to.")) from exc
    pairs = {
        (normalize_code(a, Level.COMMUNE), normalize_code(b, Level.COMMUNE))
        for a, b in zip(frame[old], frame[new], strict=True)
        if str(a).strip() and str(b).strip()
    }
    with transaction.atomic():
        for old_code, new_code in pairs:
            CodeChange.objects.update_or_create(
                old_code=old_code,
                from_vintage=from_vintage,
                to_vintage=to_vintage,
                defaults={"new_code": new_code},
            )
    return {"rows": len(frame), "accepted": len(pairs), "rejected": []}

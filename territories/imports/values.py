"""Import of indicator values: columns mapped to indicators and periods, codes of an older
geography mapped to today's communes, rows that land on one merged commune combined.

All-or-nothing, with a report of the rejected rows (see territories.imports.common).
"""

import dataclasses
import re
from collections import defaultdict

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from territories.catalogue.models import Indicator, IndicatorValue
from territories.choices import Aggregation, Level, ValueStatus
from territories.geography.models import Territory
from territories.imports.code_changes import code_mapping
from territories.imports.common import (
    ImportFailed,
    checked_options,
    line_numbers,
    normalize_code,
    read_for_import,
    require_columns,
)
from territories.imports.reading import parse_number

EXPRESSION = re.compile(r"^[\w\s\.\+\-\*/\(\)]+$")


@dataclasses.dataclass
class Batch:
    """A values file on its way in: what each step found, for the next one."""

    options: object
    frame: pd.DataFrame = None
    lines: list = None
    notes: list = dataclasses.field(default_factory=list)
    mappings: list = dataclasses.field(default_factory=list)
    derived: dict = dataclasses.field(default_factory=dict)
    source_columns: set = dataclasses.field(default_factory=set)
    indicators: dict = dataclasses.field(default_factory=dict)
    values: dict = dataclasses.field(default_factory=dict)
    statuses: dict = dataclasses.field(default_factory=dict)
    codes: list = dataclasses.field(default_factory=list)
    rejected: dict = dataclasses.field(default_factory=lambda: defaultdict(list))
    long_rejected: list = dataclasses.field(default_factory=list)
    placed: dict = dataclasses.field(default_factory=dict)
    remapped: list = dataclasses.field(default_factory=list)

    def reject(self, index, column, value, reason):
        """Every (column, value, reason) found on a row is kept, to list them all."""
        self.rejected[index].append((column, value, reason))


def values_import(*, path, original_name, options, source_import=None, progress=None):
    """Import indicator values; returns the report. Raises ImportFailed, changing nothing.

    Five steps, each short: read the file, check every cell, place the codes on today's
    territories, then — once the whole file is found good, or the analyst accepted its valid
    rows — merge the rows landing on one commune and write.
    """
    progress = progress or (lambda percent, message: None)
    batch = Batch(options=checked_options(options))
    progress(5, _("Reading the file"))
    _read(batch, path, original_name)
    progress(20, _("Checking the rows"))
    _check(batch)
    _place(batch)
    report = _report(batch)
    if (batch.rejected or batch.long_rejected) and not batch.options.accept_valid_rows:
        raise ImportFailed(
            _(
                "%(count)s row(s) have a problem: nothing was imported. Correct the file, or "
                "choose to import the valid rows anyway."
            )
            % {"count": len(batch.rejected) + len(batch.long_rejected)},
            report,
        )
    if not batch.placed:
        raise ImportFailed(_("No row could be imported."), report)
    progress(50, _("Merging and writing the values"))
    records, report["merged"] = _merge(batch)
    report["indicators"] = _write(batch, records, source_import)
    progress(95, _("Values written"))
    return report


def _read(batch, path, original_name):
    """The file as a frame, its line numbers, and the columns and indicators it maps."""
    options = batch.options
    batch.mappings = [dataclasses.asdict(mapping) for mapping in options.columns]
    batch.derived = options.derived_formulas
    long_layout = bool(options.period_column)
    if not options.code_column or not (batch.mappings or long_layout):
        raise ImportFailed(_("Say which column holds the codes and which columns to import."))
    batch.frame, _geometry, batch.notes = read_for_import(path, original_name)
    suffix = "." + original_name.rsplit(".", 1)[-1].lower()
    batch.lines = line_numbers(batch.frame, suffix)
    if long_layout:
        batch.frame, batch.lines, batch.mappings, batch.long_rejected = _long_to_wide(
            batch.frame, batch.lines, options, options.level
        )
    batch.source_columns = {m["column"] for m in batch.mappings} - set(batch.derived)
    for expression in batch.derived.values():
        if not EXPRESSION.match(expression):
            raise ImportFailed(_("Invalid formula: %(formula)s") % {"formula": expression})
        batch.source_columns |= set(re.findall(r"[A-Za-z_]\w*", expression))
    require_columns(batch.frame, [options.code_column, *sorted(batch.source_columns)])

    slugs = {m["indicator"] for m in batch.mappings}
    batch.indicators = {
        i.slug: i
        for i in Indicator.objects.filter(slug__in=slugs).select_related("numerator", "denominator")
    }
    unknown = sorted(slugs - set(batch.indicators))
    if unknown:
        raise ImportFailed(_("Unknown indicator(s): %(slugs)s.") % {"slugs": ", ".join(unknown)})
    for mapping in batch.mappings:
        try:
            mapping["period"] = int(mapping.get("period") or options.period)
        except (TypeError, ValueError) as exc:
            raise ImportFailed(
                _("No period given for column %(column)s.") % {"column": mapping["column"]}
            ) from exc


def _check(batch):
    """Every cell read as a number or a status; bad cells, negative counts, missing and
    repeated codes rejected with their line."""
    frame, values, statuses = batch.frame, batch.values, batch.statuses
    for column in sorted(batch.source_columns):
        parsed = [parse_number(cell) for cell in frame[column].tolist()]
        values[column] = np.array([p[0] if p[0] is not None else np.nan for p in parsed])
        statuses[column] = np.array([p[1] or "error" for p in parsed], dtype=object)
        for index, (_value, _status, problem) in enumerate(parsed):
            if problem:
                batch.reject(index, column, frame[column].iloc[index], problem)
    numeric = pd.DataFrame(values)
    for name, expression in batch.derived.items():
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

    for mapping in batch.mappings:
        indicator = batch.indicators[mapping["indicator"]]
        if indicator.aggregation != Aggregation.SUM or indicator.signed:
            continue
        negative = np.nan_to_num(values[mapping["column"]], nan=0) < 0
        for index in np.flatnonzero(negative):
            value = values[mapping["column"]][index]
            cell = frame[mapping["column"]].iloc[index] if mapping["column"] in frame else value
            batch.reject(
                int(index),
                mapping["column"],
                cell,
                _("a count cannot be negative (%(value)s)") % {"value": value},
            )

    code_column, level = batch.options.code_column, batch.options.level
    batch.codes = [normalize_code(value, level) for value in frame[code_column].tolist()]
    seen = {}
    for index, code in enumerate(batch.codes):
        if not code:
            batch.reject(index, code_column, "", _("no code"))
        elif code in seen:
            batch.reject(
                index,
                code_column,
                code,
                _("duplicate of line %(line)s (same code %(code)s)")
                % {"line": batch.lines[seen[code]], "code": code},
            )
        else:
            seen[code] = index


def _place(batch):
    """Each good row's territory in today's geography, through the code changes."""
    options = batch.options
    level, vintage = options.level, options.vintage
    mapping_codes = code_mapping(from_vintage=options.codes_vintage, to_vintage=vintage)
    territory_ids = dict(
        Territory.objects.filter(level=level, vintage=vintage).values_list("code", "id")
    )
    for index, code in enumerate(batch.codes):
        if not code:
            continue
        target = mapping_codes.get(code, code)
        if target not in territory_ids:
            batch.reject(
                index,
                options.code_column,
                code,
                _("unknown %(level)s code %(code)s in geography %(vintage)s")
                % {"level": Level(level).label, "code": code, "vintage": vintage},
            )
            continue
        if index in batch.rejected:
            continue
        if target != code:
            batch.remapped.append({"line": batch.lines[index], "from": code, "to": target})
        batch.placed[index] = territory_ids[target]


def _report(batch):
    return {
        "rows": len(batch.frame),
        "accepted": len(batch.placed),
        "rejected": batch.long_rejected
        + [
            {
                "line": batch.lines[i],
                "code": batch.codes[i],
                "column": column,
                "value": str(value)[:60],
                "reason": str(reason),
            }
            for i, problems in sorted(batch.rejected.items())
            for column, value, reason in problems
        ],
        "remapped": batch.remapped,
        "notes": [str(n) for n in batch.notes],
        "indicators": {},
    }


def _merge(batch):
    """(territory, indicator, period) → (value, status), rows landing on one commune merged."""
    records, rows_of = {}, defaultdict(list)
    absent = batch.frame.attrs.get("absent", set())  # long layout: no row for that period
    for index, territory_id in batch.placed.items():
        for mapping in batch.mappings:
            if (index, mapping["column"]) in absent:
                continue
            key = (territory_id, batch.indicators[mapping["indicator"]].pk, mapping["period"])
            rows_of[key].append((index, mapping["column"]))
            records[key] = (
                batch.values[mapping["column"]][index],
                batch.statuses[mapping["column"]][index],
            )
    merged = {key: rows for key, rows in rows_of.items() if len(rows) > 1}
    summary = _merge_communes(
        records, merged, batch.indicators, batch.mappings, batch.values, batch.statuses
    )
    return records, summary


def _write(batch, records, source_import):
    """Write the values in one transaction; the counts by status of each column imported."""
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
    counts = {}
    for mapping in batch.mappings:
        indicator = batch.indicators[mapping["indicator"]]
        mine = [r for r in rows if r.indicator_id == indicator.pk and r.period == mapping["period"]]
        counts[f"{indicator.slug}@{mapping['period']}"] = {
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
    return counts


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


def _long_to_wide(frame, lines, options, level):
    """A long (tidy) file — one row per code, period and, optionally, indicator — turned into
    one column per (indicator, period). Indicators are named by their identifier or their
    name in the catalogue. Returns (wide frame, its lines, mappings, rejected rows); the
    same (code, period, indicator) twice is rejected naming both lines."""
    code_column, period_column = options.code_column, options.period_column
    indicator_column, value_column = options.indicator_column, options.value_column
    fixed = dataclasses.asdict(options.columns[0]) if options.columns else {}
    value_column = value_column or fixed.get("column", "")
    require_columns(frame, [code_column, period_column, indicator_column, value_column])
    if not value_column or not (indicator_column or fixed.get("indicator")):
        raise ImportFailed(
            _("Long layout: say which column holds the values, and which indicator they are.")
        )
    catalogue = {}
    for slug, name in Indicator.objects.values_list("slug", "name"):
        catalogue[slug.lower()] = slug
        catalogue.setdefault(name.strip().lower(), slug)
    rejected, seen, cells, first_line = [], {}, defaultdict(dict), {}
    for index, row in enumerate(frame.to_dict("records")):
        line, code = lines[index], normalize_code(row[code_column], level)
        named = str(row[indicator_column]).strip() if indicator_column else fixed["indicator"]
        slug = catalogue.get(named.lower())
        period_text = str(row[period_column]).strip()
        problem = None
        if not code:
            problem = _("no code")
        elif slug is None:
            problem = _("column %(column)s: unknown indicator “%(value)s”") % {
                "column": indicator_column,
                "value": named[:60],
            }
        elif not (period_text.isdigit() and 1900 <= int(period_text) <= 2100):
            problem = _("column %(column)s: “%(value)s” is not a year") % {
                "column": period_column,
                "value": period_text[:20],
            }
        elif parse_number(row[value_column])[2]:
            # Checked here, on its own line: once the file is turned wide, a cell would be
            # reported at the first line of its code.
            problem = _("column %(column)s: %(problem)s") % {
                "column": value_column,
                "problem": parse_number(row[value_column])[2],
            }
        else:
            key = (code, int(period_text), slug)
            if key in seen:
                problem = _(
                    "same code %(code)s, period %(period)s and indicator %(indicator)s as "
                    "line %(line)s"
                ) % {"code": code, "period": key[1], "indicator": slug, "line": seen[key]}
            else:
                seen[key] = line
                cells[code][f"{slug}@{key[1]}"] = row[value_column]
                first_line.setdefault(code, line)
        if problem:
            rejected.append({"line": line, "code": code, "reason": str(problem)})
    columns = sorted({column for values in cells.values() for column in values})
    wide = pd.DataFrame(
        [
            {code_column: code, **{c: values.get(c, "") for c in columns}}
            for code, values in cells.items()
        ],
        columns=[code_column, *columns],
        dtype=str,
    )
    wide.attrs["absent"] = {
        (index, column)
        for index, values in enumerate(cells.values())
        for column in columns
        if column not in values
    }
    mappings = [
        {"column": c, "indicator": c.rsplit("@", 1)[0], "period": int(c.rsplit("@", 1)[1])}
        for c in columns
    ]
    if wide.empty:
        raise ImportFailed(
            _("%(count)s row(s) have a problem: nothing was imported.") % {"count": len(rejected)},
            {"rows": len(frame), "accepted": 0, "rejected": rejected},
        )
    return wide, [first_line[code] for code in cells], mappings, rejected

"""The dashboard's figures for one year and profession, as CSV or XLSX, with what they are.

Both carry the région's table (every profession) and the EPCI's table (the chosen
profession, beside the poverty rate). A secret cell reads « secret statistique » and holds no
number; an unavailable one reads « nd », as INSEE writes it. Rows of demonstration data say
so in their last column, « Remarque », as the observatory's other exports do.

CSV, for French spreadsheets: UTF-8 with a BOM, `;` between cells, spreadsheet formulas
neutralised, and a first line of comments giving the parameters (as the map exports do),
then one table whose « niveau » column tells the région's rows from the EPCI's. XLSX: a
sheet per table and the parameters in a sheet of their own.
"""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from observatory.dashboard import figures
from observatory.dashboard.selectors import TENSION
from observatory.indicators.definitions import ALL_PROFESSIONS
from territories.catalogue.exports import csv_safe
from territories.choices import Level

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(choice, fmt):
    profession = "tous-metiers" if choice.profession == ALL_PROFESSIONS else choice.profession
    return f"observatoire-tableau-de-bord-{choice.year}-{profession}.{fmt}"


def exported(found, decimals):
    """A cell as exported: its value rounded as published, or the word for its absence."""
    if found.known:
        return round(found.value, decimals) if decimals else round(found.value)
    if found.secret:
        return _("secret statistique")
    return "nd"


def parameters(data, found, choice):
    """[(key, label, value)]: what the file holds and where it comes from."""
    tension = data["indicators"].get((TENSION, choice.profession)) or data["indicators"].get(
        (TENSION, ALL_PROFESSIONS)
    )
    poverty = figures.poverty_column(data, found)
    rows = [
        ("year", _("Year"), choice.year),
        ("profession", _("Profession"), figures.profession_name(data, choice.profession)),
        ("profession_code", _("Profession code"), choice.profession),
        ("region", _("Région"), (data["region"] or {}).get("name", "")),
        ("run", _("Published recompute"), data["run_id"]),
        (
            "source",
            _("Source"),
            f"{tension.source} ({tension.source_vintage})" if tension else "",
        ),
        ("poverty", _("Poverty rate"), f"{poverty['name']} ({poverty['period'] or 'nd'})"),
        (
            "poverty_source",
            _("Source of the poverty rate"),
            f"{poverty['info'].source} ({poverty['info'].source_vintage})"
            if poverty["info"]
            else "",
        ),
        ("exported_at", _("Exported on"), timezone.now().isoformat(timespec="seconds")),
    ]
    if data["is_demo"]:
        rows.append(("demo", _("Remark"), _("Fictitious demonstration data")))
    return rows


def _tables(data, found, choice):
    """(columns, région rows, EPCI rows), the rows as lists of exported cells."""
    columns = figures.columns(data)
    poverty = figures.poverty_column(data, found)
    remark = _("Fictitious demonstration data") if data["is_demo"] else ""
    region = data["region"] or {"code": "", "name": ""}
    region_poverty = data["poverty_region"].get(poverty["period"])
    region_rows = [
        [
            Level.REGION.value,
            region["code"],
            region["name"],
            "" if row["code"] == ALL_PROFESSIONS else row["code"],
            row["name"],
            *(exported(c, col["decimals"]) for c, col in zip(row["cells"], columns, strict=True)),
            exported(region_poverty, poverty["decimals"]) if region_poverty else "nd",
            remark,
        ]
        for row in figures.region_rows(data, choice.year)
    ]
    profession_name = figures.profession_name(data, choice.profession)
    profession_code = "" if choice.profession == ALL_PROFESSIONS else choice.profession
    epci_rows = [
        [
            Level.EPCI.value,
            row["code"],
            row["name"],
            profession_code,
            profession_name,
            *(exported(c, col["decimals"]) for c, col in zip(row["cells"], columns, strict=True)),
            exported(row["poverty"], poverty["decimals"]),
            remark,
        ]
        for row in figures.epci_rows(data, found)
    ]
    return columns, poverty, region_rows, epci_rows


def csv_bytes(data, found, choice):
    columns, _poverty, region_rows, epci_rows = _tables(data, found, choice)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    comments = [f"# {key}: {value}" for key, _label, value in parameters(data, found, choice)]
    writer.writerow([csv_safe(comment) for comment in comments])
    writer.writerow(
        [
            "niveau",
            "code",
            "territoire",
            "code_metier",
            "metier",
            *(c["measure"] for c in columns),
            "taux-pauvrete",
            "remarque",
        ]
    )
    for row in [*region_rows, *epci_rows]:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(data, found, choice):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns, poverty, region_rows, epci_rows = _tables(data, found, choice)
    headings = [f"{c['name']} ({c['unit']})" for c in columns]
    poverty_heading = f"{poverty['name']} ({poverty['unit']}, {poverty['period'] or 'nd'})"
    workbook = Workbook()
    sheets = [
        (
            workbook.active,
            _("Région"),
            [_("Profession code"), _("Profession"), *headings, poverty_heading, _("Remark")],
            [row[3:] for row in region_rows],
        ),
        (
            workbook.create_sheet(),
            _("EPCI"),
            [_("SIREN"), _("EPCI"), *headings, poverty_heading, _("Remark")],
            [row[1:3] + row[5:] for row in epci_rows],
        ),
        (
            workbook.create_sheet(),
            _("Parameters"),
            [_("Parameter"), _("Value")],
            [[label, value] for _key, label, value in parameters(data, found, choice)],
        ),
    ]
    for sheet, title, header, rows in sheets:
        sheet.title = title[:31]
        sheet.append([csv_safe(str(h)) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([csv_safe(value) for value in row])
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(12, len(str(heading)) + 2), 40
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The dashboard's figures for one year and profession, as CSV or XLSX, with what they are.

Both carry the région's table (every profession) and the EPCI's table (the chosen
profession, beside the poverty rate). A secret cell reads « secret statistique » and holds no
number; an unavailable one reads « nd », as INSEE writes it. Rows of demonstration data say
so in their last column, « Remarque », as the observatory's other exports do.

The three forms of every table download (territories.catalogue.exports): « CSV »
(international) and « CSV (Excel, français) » hold one table whose « niveau » column tells the
région's rows from the EPCI's, header and rows only; XLSX has a sheet per table and the
parameters in a sheet of their own.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from observatory.dashboard import figures
from observatory.dashboard.selectors import TENSION
from observatory.indicators.definitions import ALL_PROFESSIONS
from territories.catalogue import exports
from territories.choices import Level

CSV_TYPE = exports.CSV_TYPE
XLSX_TYPE = exports.XLSX_TYPE
FORMATS = exports.TABLE_FORMATS


def filename(choice, fmt):
    profession = "tous-metiers" if choice.profession == ALL_PROFESSIONS else choice.profession
    stem = f"observatoire-tableau-de-bord-{choice.year}-{profession}"
    return f"{stem}-excel-fr.csv" if fmt == "csv-fr" else f"{stem}.{fmt}"


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


def csv_bytes(data, found, choice, *, french=False):
    """Both tables as one CSV; `french` for the form French spreadsheets open right."""
    columns, _poverty, region_rows, epci_rows = _tables(data, found, choice)
    header = [
        "niveau",
        "code",
        "territoire",
        "code_metier",
        "metier",
        *(c["measure"] for c in columns),
        "taux-pauvrete",
        "remarque",
    ]
    return exports.csv_bytes(columns=header, rows=[*region_rows, *epci_rows], french=french)


def xlsx_bytes(data, found, choice):
    columns, poverty, region_rows, epci_rows = _tables(data, found, choice)
    headings = [f"{c['name']} ({c['unit']})" for c in columns]
    poverty_heading = f"{poverty['name']} ({poverty['unit']}, {poverty['period'] or 'nd'})"
    return exports.workbook_bytes(
        [
            (
                _("Région"),
                [_("Profession code"), _("Profession"), *headings, poverty_heading, _("Remark")],
                [row[3:] for row in region_rows],
            ),
            (
                _("EPCI"),
                [_("SIREN"), _("EPCI"), *headings, poverty_heading, _("Remark")],
                [row[1:3] + row[5:] for row in epci_rows],
            ),
            (
                _("Parameters"),
                [_("Parameter"), _("Value")],
                [[label, value] for _key, label, value in parameters(data, found, choice)],
            ),
        ]
    )

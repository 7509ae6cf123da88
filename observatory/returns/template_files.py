"""The campaign's template file for an organisation (XLSX or CSV): a row per invited
establishment and profession, pre-filled with what is known, which the delegates fill in a
spreadsheet and upload (observatory.returns.uploads reads it back).

Pre-filling, per establishment: the current return's lines when it already has some, else
the answers of its latest earlier campaign (the lines as they stand if submitted or
validated, else its last validated version), else a single row naming the establishment,
for the delegate to complete with a profession code.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from observatory.reference.models import Profession
from observatory.returns.coherence import answered_figures
from observatory.returns.fields import FIGURES, NAMES
from observatory.returns.models import Return
from territories.catalogue.exports import csv_safe

SIRET, ESTABLISHMENT, PROFESSION, PROFESSION_NAME, COMMENT = (
    "siret",
    "etablissement",
    "code_metier",
    "metier",
    "commentaire_recrutement",
)
COLUMNS = (SIRET, ESTABLISHMENT, PROFESSION, PROFESSION_NAME, *NAMES, COMMENT)
# Columns there to be read by people; the upload does not need them.
INFORMATIVE = (ESTABLISHMENT, PROFESSION_NAME)
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Rows given the spreadsheet's checks (codes from the list, numbers ≥ 0) beyond the filled.
VALIDATED_ROWS = 1000

CURRENT, PREVIOUS, NOTHING = "current", "previous", "nothing"


@dataclass
class TemplateEntry:
    """One invited establishment in the template: its return and what pre-fills it."""

    return_obj: Return
    source: str  # CURRENT, PREVIOUS or NOTHING
    source_year: int | None = None
    lines: list = field(default_factory=list)  # (Profession, {figure: value}, comment)

    @property
    def establishment(self):
        return self.return_obj.establishment


def template_entries(*, campaign, organisation):
    """The organisation's establishments invited to `campaign`, each with its pre-filling."""
    returns = list(
        Return.objects.filter(campaign=campaign, establishment__organisation=organisation)
        .select_related("establishment", "campaign")
        .prefetch_related("lines__profession")
        .order_by("establishment__name", "establishment__siret")
    )
    earlier = _earlier_answers(
        establishment_ids=[ret.establishment_id for ret in returns], year=campaign.year
    )
    entries = []
    for ret in returns:
        current = list(ret.lines.all())
        if current:
            lines = [
                (line.profession, {n: getattr(line, n) for n in NAMES}, line.recruitment_comment)
                for line in current
            ]
            entries.append(TemplateEntry(ret, CURRENT, campaign.year, lines))
        elif ret.establishment_id in earlier:
            year, lines = earlier[ret.establishment_id]
            entries.append(TemplateEntry(ret, PREVIOUS, year, lines))
        else:
            entries.append(TemplateEntry(ret, NOTHING))
    return entries


def _earlier_answers(*, establishment_ids, year):
    """{establishment id: (year, lines)} from each establishment's latest earlier campaign
    that it answered. Comments on recruitment are not carried over: they speak of their
    year."""
    professions = {profession.code: profession for profession in Profession.objects.all()}
    past_returns = (
        Return.objects.filter(establishment_id__in=establishment_ids, campaign__year__lt=year)
        .select_related("campaign")
        .prefetch_related("lines__profession", "versions")
        .order_by("-campaign__year")
    )
    found = {}
    for past in past_returns:
        if past.establishment_id in found:
            continue
        figures = answered_figures(past)
        if not figures:
            continue
        lines = [
            (professions[code], values, "")
            for code, values in figures.items()
            if code in professions
        ]
        lines.sort(key=lambda line: (line[0].position, line[0].name))
        if lines:
            found[past.establishment_id] = (past.campaign.year, lines)
    return found


def is_demo(*, campaign, organisation, entries):
    return (
        campaign.is_demo
        or organisation.is_demo
        or any(entry.establishment.is_demo for entry in entries)
    )


def _rows(entries):
    """The template's data rows as lists of values in the order of COLUMNS."""
    for entry in entries:
        establishment = entry.establishment
        if not entry.lines:
            # Names the establishment; ignored on upload until a profession code is given.
            yield [establishment.siret, establishment.name, "", ""] + [None] * len(NAMES) + [""]
            continue
        for profession, values, comment in entry.lines:
            yield [
                establishment.siret,
                establishment.name,
                profession.code,
                profession.name,
                *(_number(values.get(name)) for name in NAMES),
                comment,
            ]


def _number(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _demo_row():
    # Only an informative column is filled: the upload skips the row.
    label = _("Fictitious demonstration data")
    return ["", label] + [""] * (len(COLUMNS) - 2)


def template_filename(*, campaign, organisation, fmt):
    return f"observatoire-{campaign.year}-{organisation.slug}.{fmt}"


def template_csv(*, campaign, organisation, entries):
    """The template as CSV for French spreadsheets: UTF-8 with a BOM, `;`, decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    if is_demo(campaign=campaign, organisation=organisation, entries=entries):
        writer.writerow(_demo_row())
    for row in _rows(entries):
        writer.writerow([csv_safe(_csv_cell(cell)) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        text = format(Decimal(str(value)).normalize(), "f")
        return text.replace(".", ",")
    return value


def template_xlsx(*, campaign, organisation, entries):
    """The template as an Excel workbook: a sheet to fill, the professions, a notice."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_names()["return"]
    professions = list(Profession.objects.all())
    rows = list(_rows(entries))
    if is_demo(campaign=campaign, organisation=organisation, entries=entries):
        rows.insert(0, _demo_row())
    _declaration_sheet(sheet, rows, len(professions))
    _professions_sheet(workbook.create_sheet(sheet_names()["professions"]), professions)
    _notice_sheet(
        workbook.create_sheet(sheet_names()["notice"]),
        campaign=campaign,
        organisation=organisation,
        entries=entries,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_names():
    """The workbook's sheets: the first is the one the upload reads."""
    return {
        "return": pgettext("template sheet", "Return"),
        "professions": pgettext("template sheet", "Professions"),
        "notice": pgettext("template sheet", "Notice"),
    }


def _declaration_sheet(sheet, rows, profession_count):
    bold = Font(bold=True)
    labels = {figure.name: figure for figure in FIGURES}
    for column, name in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = bold
        cell.comment = Comment(_column_help(name, labels), "Cohésion")
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = _width(name)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    for row in sheet.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "@"  # a SIRET is text: leading zeros and all 14 digits kept
    sheet.freeze_panes = "E2"
    _validations(sheet, profession_count)


def _column_help(name, labels):
    if name in labels:
        figure = labels[name]
        kind = _("decimal, two places") if figure.decimal else _("whole number")
        return f"{figure.label} ({kind})"
    return {
        SIRET: _("SIRET of the establishment (14 digits)"),
        ESTABLISHMENT: _("Name of the establishment (for reading; not read back)"),
        PROFESSION: _("Code of the profession: see the “%(sheet)s” sheet")
        % {"sheet": sheet_names()["professions"]},
        PROFESSION_NAME: _("Name of the profession (for reading; not read back)"),
        COMMENT: _("Comment on recruitment difficulties (optional)"),
    }[name]


def _width(name):
    return {SIRET: 17, ESTABLISHMENT: 30, PROFESSION: 26, PROFESSION_NAME: 30, COMMENT: 50}.get(
        name, max(len(name) + 3, 10)
    )


def _validations(sheet, profession_count):
    last = VALIDATED_ROWS + 1
    code_column = get_column_letter(COLUMNS.index(PROFESSION) + 1)
    codes = DataValidation(
        type="list",
        formula1=f"'{sheet_names()['professions']}'!$A$2:$A${profession_count + 1}",
        allow_blank=True,
        error=_("Choose a code from the “%(sheet)s” sheet.")
        % {"sheet": sheet_names()["professions"]},
        showErrorMessage=True,
    )
    codes.add(f"{code_column}2:{code_column}{last}")
    whole = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        error=_("A whole number, 0 or more, is expected."),
        showErrorMessage=True,
    )
    decimal = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        error=_("A number, 0 or more, is expected."),
        showErrorMessage=True,
    )
    for figure in FIGURES:
        letter = get_column_letter(COLUMNS.index(figure.name) + 1)
        (decimal if figure.decimal else whole).add(f"{letter}2:{letter}{last}")
    for validation in (codes, whole, decimal):
        sheet.add_data_validation(validation)


def _professions_sheet(sheet, professions):
    bold = Font(bold=True)
    sheet.append([_("code"), _("name"), _("ROME code"), _("ROME fiche")])
    for cell in sheet[1]:
        cell.font = bold
    for profession in professions:
        sheet.append(
            [profession.code, profession.name, profession.rome_code, profession.rome_label]
        )
    for letter, width in zip("ABCD", (32, 48, 12, 48), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _notice_sheet(sheet, *, campaign, organisation, entries):
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90

    def line(*values, font=None):
        sheet.append(list(values))
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"
            if font:
                cell.font = font

    line(
        _("Observatory of social-cohesion professions — campaign %(year)s")
        % {"year": campaign.year},
        font=Font(bold=True, size=14),
    )
    if is_demo(campaign=campaign, organisation=organisation, entries=entries):
        line(_("Fictitious demonstration data"), font=Font(bold=True, color="9C0006"))
    line(_("Organisation"), organisation.name)
    line(_("Reference date"), _("staff on %(date)s") % {"date": _date(campaign.reference_date)})
    line(
        _("Returns"),
        _("from %(opens)s to %(closes)s")
        % {"opens": _date(campaign.opens_on), "closes": _date(campaign.closes_on)},
    )
    line()
    line(_("How to fill it"), font=bold)
    for number, text in enumerate(how_to_fill(), start=1):
        line(str(number), text)
    line()
    line(_("Establishments invited and what pre-fills them"), font=bold)
    for entry in entries:
        line(f"{entry.establishment.siret} — {entry.establishment.name}", source_text(entry))
    line()
    line(_("Columns"), font=bold)
    labels = {figure.name: figure for figure in FIGURES}
    for name in COLUMNS:
        line(name, _column_help(name, labels))


def how_to_fill():
    """The notice's steps, in the language of the moment."""
    sheets = sheet_names()
    return [
        _(
            "One row per establishment and profession, in the “%(sheet)s” sheet. Keep the "
            "column names and the SIRETs; the columns etablissement and metier are there to be "
            "read and are not read back."
        )
        % {"sheet": sheets["return"]},
        _("code_metier: a code from the “%(sheet)s” sheet. Add a row for each profession.")
        % {"sheet": sheets["professions"]},
        _(
            "Figures: whole numbers, except full-time equivalents and posts (decimals, two "
            "places). Write 0 when there is none; a cell left empty is saved empty, and every "
            "figure is needed before the return is submitted."
        ),
        _(
            "The file replaces the lines of each establishment it names: delete a row to "
            "remove that profession from the return. An establishment the file does not name "
            "is left as it is."
        ),
        _(
            "Comments on recruitment difficulties are not carried over from last year: they "
            "speak of the year."
        ),
        _(
            "Save as XLSX, or as CSV (semicolon or comma, UTF-8 or Windows-1252), and upload "
            "it on the portal. The file is checked as a whole: if anything is wrong, nothing "
            "is changed and every problem is listed with its line."
        ),
        _(
            "Then open each return on the portal: its coherence checks are shown next to the "
            "figures; justify the warnings and submit it."
        ),
    ]


def source_text(entry):
    """What pre-fills an establishment's rows, in a sentence."""
    if entry.source == CURRENT:
        return _("Your return's current lines for this campaign.")
    if entry.source == PREVIOUS:
        return _("Your answers of the %(year)s campaign: check and update them.") % {
            "year": entry.source_year
        }
    return _(
        "Nothing yet: give a profession code on its row, and add a row for each other "
        "profession you employ."
    )


def _date(day):
    return formats.date_format(day, "d/m/Y")

"""The attendance's documents: the list as CSV for a spreadsheet, the sign-in sheet to print
and the certificate a participant gives their employer (PDF, drawn with ReportLab).

Texts come in the active language. The PDFs embed Bitstream Vera, shipped with ReportLab,
rather than the 14 standard fonts, whose Latin-1 encoding drops characters people's names
may hold; people's text is escaped, since ReportLab's paragraphs read a markup of their own.
"""

import csv
import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.committees.meetings import texts

FONT, BOLD = "CohesionVera", "CohesionVera-Bold"
# Spreadsheet software runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters Vera lacks, or that a PDF reader shows badly, and what stands for them.
SPACES = str.maketrans({"\u202f": "\u00a0", "\u2009": " ", "\u200b": ""})
BLANK_LINES = 8


@cache
def _fonts():
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    return True


def _styles():
    _fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=15)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=18, leading=22),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=12),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", parent=body, fontSize=10, leading=12),
    }


def _plain(text):
    """People's text for a paragraph: printable, escaped."""
    text = "".join(c for c in str(text).translate(SPACES) if c.isprintable() or c == "\n")
    return escape(text).replace("\n", "<br/>")


def _pdf(story, *, title, subject):
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=title,
        subject=subject,
        author="Cohésion",
        creator="Cohésion",
        lang=translation.get_language(),
        # The same bytes for the same content: no time stamp, no random document id.
        invariant=1,
    )
    document.build(story)
    return buffer.getvalue()


def duration(meeting):
    """« 2 h 30 », « 45 min »."""
    minutes = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": minutes}
    if not minutes:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": minutes}


def _place(meeting):
    parts = []
    if meeting.in_person and meeting.address:
        parts.append(meeting.address)
    if meeting.online:
        parts.append(_("online"))
    return " · ".join(parts)


def sign_in_sheet(*, meeting, rows):
    """The sheet people sign as they come in: one line per place held and walk-in recorded,
    then blank lines for those not yet known."""
    styles = _styles()
    story = [
        Paragraph(_plain(_("Sign-in sheet")), styles["title"]),
        Spacer(1, 0.3 * cm),
        Paragraph(_plain(f"{meeting.title} — {meeting.committee.name}"), styles["heading"]),
        Paragraph(_plain(texts.when(meeting)), styles["body"]),
    ]
    place = _place(meeting)
    if place:
        story.append(Paragraph(_plain(place), styles["body"]))
    story.append(Spacer(1, 0.5 * cm))
    cell = styles["cell"]
    header = [
        Paragraph(_plain(_("Name")), cell),
        Paragraph(_plain(_("Organisation")), cell),
        Paragraph(_plain(_("Signature")), cell),
    ]
    lines = [
        [Paragraph(_plain(row["name"]), cell), Paragraph(_plain(row["organisation"]), cell), ""]
        for row in rows
    ]
    lines += [["", "", ""] for _line in range(BLANK_LINES)]
    table = Table(
        [header, *lines],
        colWidths=[6 * cm, 6 * cm, 5 * cm],
        rowHeights=[None] + [1.1 * cm] * len(lines),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)
    story += [
        Spacer(1, 0.4 * cm),
        Paragraph(
            _plain(
                _("%(count)s people expected. Printed on %(date)s.")
                % {
                    "count": len(rows),
                    "date": formats.date_format(timezone.localdate(), "j F Y"),
                }
            ),
            styles["small"],
        ),
    ]
    return _pdf(story, title=_("Sign-in sheet"), subject=meeting.title)


def certificate(*, meeting, name, organisation, coordinators, reference):
    """The attendance certificate of one participant, for their employer."""
    styles = _styles()
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    story = [
        Paragraph(_plain(_("Attendance certificate")), styles["title"]),
        Spacer(1, 1 * cm),
        Paragraph(
            _plain(
                _("The committee « %(committee)s » certifies that")
                % {"committee": meeting.committee.name}
            ),
            styles["body"],
        ),
        Spacer(1, 0.3 * cm),
        Paragraph(f"<b>{_plain(name)}</b>", styles["heading"]),
    ]
    if organisation:
        story.append(
            Paragraph(
                _plain(_("of %(organisation)s") % {"organisation": organisation}),
                styles["body"],
            )
        )
    story += [
        Spacer(1, 0.3 * cm),
        Paragraph(
            _plain(
                _("attended the meeting « %(title)s »") % {"title": meeting.title},
            ),
            styles["body"],
        ),
    ]
    if start.date() == end.date():
        when = _("on %(day)s, from %(start)s to %(end)s") % {
            "day": formats.date_format(start, "l j F Y"),
            "start": formats.time_format(start, "H:i"),
            "end": formats.time_format(end, "H:i"),
        }
    else:
        when = texts.when(meeting)
    story.append(Paragraph(_plain(when), styles["body"]))
    story.append(
        Paragraph(
            _plain(_("Duration: %(duration)s") % {"duration": duration(meeting)}),
            styles["body"],
        )
    )
    place = _place(meeting)
    if place:
        story.append(Paragraph(_plain(_("Place: %(place)s") % {"place": place}), styles["body"]))
    story.append(Spacer(1, 1 * cm))
    if coordinators:
        story.append(
            Paragraph(
                _plain(
                    _("For the committee's coordinators: %(names)s")
                    % {"names": ", ".join(coordinators)}
                ),
                styles["body"],
            )
        )
    story += [
        Spacer(1, 0.5 * cm),
        Paragraph(
            _plain(
                _("Issued by the Cohésion portal on %(date)s. Reference: %(reference)s.")
                % {
                    "date": formats.date_format(timezone.localdate(), "j F Y"),
                    "reference": reference,
                }
            ),
            styles["small"],
        ),
    ]
    return _pdf(story, title=_("Attendance certificate"), subject=meeting.title)


def _cell(value):
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def attendance_csv(*, meeting, rows):
    """The attendance list for a French spreadsheet: UTF-8 with a BOM, `;` between cells."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Name"), _("Organisation"), _("E-mail"), _("Came as"), _("Present")])
    for row in rows:
        writer.writerow(
            _cell(value)
            for value in (
                row["name"],
                row["organisation"],
                row["email"],
                _("walk-in") if row["walk_in"] else _("registered"),
                _("yes") if row["present"] else _("no"),
            )
        )
    return buffer.getvalue().encode("utf-8")

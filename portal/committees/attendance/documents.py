"""The attendance's documents: the list as CSV for a spreadsheet, the sign-in sheet to print
and the certificate a participant gives their employer (PDF, drawn with ReportLab in the
embedded fonts of portal.accounts.pdf).

Texts come in the active language.
"""

import csv
import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from portal.accounts import pdf
from portal.accounts.pdf import plain
from portal.committees.meetings import texts

# Spreadsheet software runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BLANK_LINES = 8


def _styles():
    return pdf.paragraph_styles(
        body=(11, 15), title=(18, 22), heading=(12, 15), small=(9, 12), cell=(10, 12)
    )


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
        Paragraph(plain(_("Sign-in sheet")), styles["title"]),
        Spacer(1, 0.3 * cm),
        Paragraph(plain(f"{meeting.title} — {meeting.committee.name}"), styles["heading"]),
        Paragraph(plain(texts.when(meeting)), styles["body"]),
    ]
    place = _place(meeting)
    if place:
        story.append(Paragraph(plain(place), styles["body"]))
    story.append(Spacer(1, 0.5 * cm))
    cell = styles["cell"]
    header = [
        Paragraph(plain(_("Name")), cell),
        Paragraph(plain(_("Organisation")), cell),
        Paragraph(plain(_("Signature")), cell),
    ]
    lines = [
        [Paragraph(plain(row["name"]), cell), Paragraph(plain(row["organisation"]), cell), ""]
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
            plain(
                _("%(count)s people expected. Printed on %(date)s.")
                % {
                    "count": len(rows),
                    "date": formats.date_format(timezone.localdate(), "j F Y"),
                }
            ),
            styles["small"],
        ),
    ]
    return pdf.document(story, title=_("Sign-in sheet"), subject=meeting.title)


def certificate(*, meeting, name, organisation, coordinators, reference):
    """The attendance certificate of one participant, for their employer."""
    styles = _styles()
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    story = [
        Paragraph(plain(_("Attendance certificate")), styles["title"]),
        Spacer(1, 1 * cm),
        Paragraph(
            plain(
                _("The committee « %(committee)s » certifies that")
                % {"committee": meeting.committee.name}
            ),
            styles["body"],
        ),
        Spacer(1, 0.3 * cm),
        Paragraph(f"<b>{plain(name)}</b>", styles["heading"]),
    ]
    if organisation:
        story.append(
            Paragraph(
                plain(_("of %(organisation)s") % {"organisation": organisation}),
                styles["body"],
            )
        )
    story += [
        Spacer(1, 0.3 * cm),
        Paragraph(
            plain(
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
    story.append(Paragraph(plain(when), styles["body"]))
    story.append(
        Paragraph(
            plain(_("Duration: %(duration)s") % {"duration": duration(meeting)}),
            styles["body"],
        )
    )
    place = _place(meeting)
    if place:
        story.append(Paragraph(plain(_("Place: %(place)s") % {"place": place}), styles["body"]))
    story.append(Spacer(1, 1 * cm))
    if coordinators:
        story.append(
            Paragraph(
                plain(
                    _("For the committee's coordinators: %(names)s")
                    % {"names": ", ".join(coordinators)}
                ),
                styles["body"],
            )
        )
    story += [
        Spacer(1, 0.5 * cm),
        Paragraph(
            plain(
                _("Issued by the Cohésion portal on %(date)s. Reference: %(reference)s.")
                % {
                    "date": formats.date_format(timezone.localdate(), "j F Y"),
                    "reference": reference,
                }
            ),
            styles["small"],
        ),
    ]
    return pdf.document(story, title=_("Attendance certificate"), subject=meeting.title)


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

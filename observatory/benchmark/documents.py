"""The benchmark as a PDF for the organisation's board (drawn with ReportLab in the embedded
fonts of portal.accounts.pdf, as the committees' documents are): the page's content, dated,
with its source and the secrecy rule.
"""

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from observatory.benchmark import texts
from portal.accounts import pdf
from portal.accounts.pdf import plain

# Measure, value, then per group: position, first quartile, median, third quartile, employers.
WIDTHS = [4.6 * cm, 1.8 * cm] + [4.2 * cm, 1.5 * cm, 1.5 * cm, 1.5 * cm, 1.4 * cm] * 2
GREY = colors.HexColor("#e8e8e8")


def _styles():
    styles = pdf.paragraph_styles(
        body=(10, 13), title=(16, 20), heading=(12, 15), small=(8, 10), cell=(8, 10)
    )
    body = styles["body"]
    return styles | {
        "subheading": ParagraphStyle("subheading", parent=body, fontName=pdf.BOLD, fontSize=10),
        "head": ParagraphStyle("head", parent=body, fontName=pdf.BOLD, fontSize=8, leading=10),
        "notice": ParagraphStyle(
            "notice", parent=body, fontName=pdf.BOLD, textColor=colors.HexColor("#8a5a00")
        ),
    }


def _table(block, benchmark, styles):
    cell, head = styles["cell"], styles["head"]

    def p(text, style=cell):
        return Paragraph(plain(text), style)

    kinds = [label for _kind, label in benchmark.kinds]
    header_groups = [p(_("Measure"), head), p(_("Your value"), head)]
    for label in kinds:
        header_groups += [p(label, head), "", "", "", ""]
    header = ["", ""]
    for _label in kinds:
        header += [
            p(_("Position"), head),
            p(_("First quartile"), head),
            p(_("Median"), head),
            p(_("Third quartile"), head),
            p(_("Employers"), head),
        ]
    data = [header_groups, header]
    spans = [
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 0), (1, 1)),
        ("SPAN", (2, 0), (6, 0)),
        ("SPAN", (7, 0), (11, 0)),
    ]
    for index, row in enumerate(block.rows, start=2):
        line = [p(row.measure.name), p(row.value)]
        for offset, comparison in enumerate(row.comparisons):
            column = 2 + 5 * offset
            if comparison is None:
                line += [p(_("no group")), "", "", "", ""]
                spans.append(("SPAN", (column, index), (column + 4, index)))
            elif not comparison.shown:
                line += [p(comparison.secret_text), "", "", "", ""]
                spans.append(("SPAN", (column, index), (column + 4, index)))
                spans.append(("BACKGROUND", (column, index), (column + 4, index), GREY))
            else:
                if comparison.median:
                    quartiles = [p(comparison.q1), p(comparison.median), p(comparison.q3)]
                else:
                    quartiles = [p(comparison.quartiles_text), "", ""]
                    spans.append(("SPAN", (column + 1, index), (column + 3, index)))
                line += [p(comparison.position_text), *quartiles, p(comparison.employers)]
        data.append(line)
    table = Table(data, colWidths=WIDTHS, repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 1), GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                *spans,
            ]
        )
    )
    return table


def benchmark_report(*, organisation, benchmark, day):
    """The PDF of `benchmark` (selectors.benchmark_of), dated `day`."""
    styles = _styles()
    story = [
        Paragraph(
            plain(
                _("Comparison with similar employers — %(organisation)s")
                % {"organisation": organisation.name}
            ),
            styles["title"],
        ),
        Spacer(1, 0.2 * cm),
    ]
    if benchmark.year is not None:
        story.append(
            Paragraph(plain(_("Year %(year)s") % {"year": benchmark.year}), styles["heading"])
        )
    story.append(
        Paragraph(
            plain(_("Drawn up on %(date)s.") % {"date": formats.date_format(day, "j F Y")}),
            styles["body"],
        )
    )
    if benchmark.demo:
        story.append(Paragraph(plain(texts.demo()), styles["notice"]))
    story += [
        Spacer(1, 0.2 * cm),
        Paragraph(plain(texts.source(benchmark)), styles["small"]),
        Paragraph(plain(texts.method()), styles["small"]),
        Paragraph(plain(texts.secrecy()), styles["small"]),
        Spacer(1, 0.4 * cm),
    ]
    if benchmark.year is None:
        story.append(Paragraph(plain(texts.nothing_yet()), styles["body"]))
    for item in benchmark.establishments:
        establishment = item.establishment
        story += [
            Paragraph(
                plain(f"{establishment.name} — {establishment.commune.name}"), styles["heading"]
            ),
            Paragraph(plain(texts.groups(item)), styles["small"]),
            Spacer(1, 0.2 * cm),
        ]
        for block in item.professions:
            story.append(
                KeepTogether(
                    [
                        Paragraph(plain(block.name), styles["subheading"]),
                        Spacer(1, 0.1 * cm),
                        _table(block, benchmark, styles),
                        Spacer(1, 0.3 * cm),
                    ]
                )
            )
    if benchmark.without:
        story.append(
            Paragraph(
                plain(
                    _("Without validated figures for %(year)s: %(names)s.")
                    % {
                        "year": benchmark.year or "—",
                        "names": ", ".join(e.name for e in benchmark.without),
                    }
                ),
                styles["body"],
            )
        )
    return pdf.document(
        story,
        title=_("Comparison with similar employers"),
        subject=organisation.name,
        pagesize=landscape(A4),
        margin=1.2 * cm,
    )

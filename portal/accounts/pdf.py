"""What the portal's PDFs (drawn with ReportLab) share: the committees' attendance sheets and
certificates, the observatory's benchmark.

They embed Bitstream Vera, shipped with ReportLab, rather than the 14 standard fonts, whose
Latin-1 encoding drops characters people's names may hold; text is escaped, since ReportLab's
paragraphs read a markup of their own. It lives in portal.accounts, the lowest app that both
the committees and the observatory may import.
"""

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate

FONT, BOLD = "CohesionVera", "CohesionVera-Bold"
# Characters Vera lacks, or that a PDF reader shows badly, and what stands for them.
SPACES = str.maketrans({"\u202f": "\u00a0", "\u2009": " ", "\u200b": ""})


@cache
def fonts():
    """Registers Vera with ReportLab, once per process."""
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    return True


def plain(text):
    """People's text for a paragraph: printable, escaped, its line breaks kept."""
    text = "".join(c for c in str(text).translate(SPACES) if c.isprintable() or c == "\n")
    return escape(text).replace("\n", "<br/>")


def paragraph_styles(*, body, title, heading, small, cell):
    """The styles every document uses, in Vera, each given as (font size, leading): body
    text, a bold title and heading, small print and table cells."""
    fonts()
    size, leading = body
    base = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=leading)

    def style(name, size_leading, **attributes):
        size, leading = size_leading
        return ParagraphStyle(name, parent=base, fontSize=size, leading=leading, **attributes)

    return {
        "title": style("title", title, fontName=BOLD),
        "heading": style("heading", heading, fontName=BOLD),
        "body": base,
        "small": style("small", small),
        "cell": style("cell", cell),
    }


def document(story, *, title, subject, pagesize=A4, margin=2 * cm):
    """The PDF of `story` (a list of ReportLab flowables), as bytes."""
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        subject=subject,
        author="Cohésion",
        creator="Cohésion",
        lang=translation.get_language(),
        # The same bytes for the same content: no time stamp, no random document id.
        invariant=1,
    ).build(story)
    return buffer.getvalue()

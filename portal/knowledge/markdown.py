"""Markdown to safe HTML: markdown-it-py (CommonMark and tables), then nh3's whitelist.

Raw HTML in the Markdown is escaped by the parser, and whatever the parser emits goes
through the sanitiser anyway: the stored HTML is safe to show without further escaping.
"""

from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False}).enable("table")
# The same grammar without the inline stage: finds paragraphs, list items and table cells
# in linear time, without looking inside them.
_blocks = MarkdownIt("commonmark", {"html": False}).enable("table").disable("inline")

# Inline parsing (emphasis, links) costs up to the square of a block's length on some
# inputs (« *a *a *a … »: 120 KB took 20 s), so what one text may cost is bounded by the
# length of its longest block, and its total length. 5,000 characters is a long paragraph.
MAX_CHARACTERS = 50_000
MAX_BLOCK_CHARACTERS = 5_000

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}}
LINK_SCHEMES = {"http", "https", "mailto"}
IMAGE_SCHEMES = {"http", "https"}


def _filter_attribute(tag, attribute, value):
    if tag == "img" and attribute == "src":
        scheme = urlsplit(value.strip()).scheme.lower()
        return value if scheme in IMAGE_SCHEMES or not scheme else None
    return value


def validate_markdown(text):
    """Refuse a text whose rendering could tie up the server (see MAX_BLOCK_CHARACTERS)."""
    text = text or ""
    if len(text) > MAX_CHARACTERS:
        raise ValidationError(
            _(
                "The text is %(length)s characters long; at most %(limit)s are accepted. "
                "Attach long documents as files."
            )
            % {
                "length": f"{len(text):,}".replace(",", "\u202f"),
                "limit": f"{MAX_CHARACTERS:,}".replace(",", "\u202f"),
            },
            code="markdown_too_long",
        )
    for token in _blocks.parse(text):
        if token.type == "inline" and len(token.content) > MAX_BLOCK_CHARACTERS:
            line = (token.map[0] + 1) if token.map else 1
            raise ValidationError(
                _(
                    "The paragraph starting at line %(line)s is longer than %(limit)s characters: "
                    "split it with a blank line."
                )
                % {"line": line, "limit": f"{MAX_BLOCK_CHARACTERS:,}".replace(",", "\u202f")},
                code="markdown_block_too_long",
            )


def markdown_to_html(text):
    """Render Markdown and keep only harmless tags, attributes and addresses.

    Raises ValidationError for a text `validate_markdown` refuses: forms check it first.
    """
    validate_markdown(text)
    html = _parser.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=LINK_SCHEMES,
        link_rel="nofollow noopener",
    )

"""Markdown to safe HTML: markdown-it-py (CommonMark and tables), then nh3's whitelist.

Raw HTML in the Markdown is escaped by the parser, and whatever the parser emits goes
through the sanitiser anyway: the stored HTML is safe to show without further escaping.
"""

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False}).enable("table")

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


def markdown_to_html(text):
    """Render Markdown and keep only harmless tags, attributes and addresses."""
    html = _parser.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=LINK_SCHEMES,
        link_rel="nofollow noopener",
    )

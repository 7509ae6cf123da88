"""The personal parts of a page kept for a logged-in reader's audience.

A page kept for everyone who shares an audience still greets each reader by name and carries
each reader's CSRF token. Its personal parts are templates under `personal/`, drawn with
`{% personal "personal/account_nav.html" %}`: they are cut out when the page is kept, and
drawn again for each reader when it is served. CSRF tokens, which a page's forms carry through
`{% csrf_token %}`, are replaced by the reader's own.

A kept page is also compressed once: its fixed parts are kept as independent deflate blocks,
and serving it compresses only the holes, then joins the blocks into one gzip stream (a
gzip member may hold any sequence of byte-aligned, non-final blocks). Compressing a 120 KB
page costs about 6 ms; this costs a few dozen microseconds.
"""

import re
import struct
import zlib

from django.middleware.csrf import get_token
from django.template import Engine, RequestContext
from django.utils.html import format_html

HOLE_DIRECTORY = "personal/"
# Names are template paths under personal/: a marker never names any other template.
_NAME = r"personal/[\w./-]+\.html"
DRAWN = re.compile(rf"<!--personal:({_NAME})-->.*?<!--/personal-->", re.DOTALL)
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF = "csrf"
# Splitting on a pattern with a group keeps the holes' names at the odd indexes.
HOLES = re.compile(rf"<!--hole:({_NAME}|{CSRF})-->")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time
LAST_BLOCK = b"\x03\x00"  # an empty final block


def wrap(name, html):
    """A personal part as drawn in the page, between the markers that let it be cut out."""
    return format_html("<!--personal:{}-->{}<!--/personal-->", name, html)


class KeptPage:
    """A page as kept: its fixed parts, as text and as deflate blocks, between its holes."""

    def __init__(self, content):
        content = DRAWN.sub(lambda match: f"<!--hole:{match.group(1)}-->", content)
        content = CSRF_FIELD.sub(rf"\g<1><!--hole:{CSRF}-->\g<2>", content)
        self.parts = [part.encode() for part in HOLES.split(content)]
        self.deflated = [_deflate(part) for part in self.parts[::2]]

    def text(self, request):
        drawn = _draw(self.parts[1::2], request)
        return b"".join(
            drawn.get(part, part) if i % 2 else part for i, part in enumerate(self.parts)
        )

    def gzip(self, request):
        """text(), gzip-compressed: only the holes are compressed here."""
        drawn = _draw(self.parts[1::2], request)
        blocks, crc, size = [GZIP_HEADER], 0, 0
        for i, part in enumerate(self.parts):
            if i % 2:
                part = drawn[part]
                blocks.append(_deflate(part))
            else:
                blocks.append(self.deflated[i // 2])
            crc, size = zlib.crc32(part, crc), size + len(part)
        blocks += [LAST_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(blocks)


def _deflate(data):
    """Raw deflate blocks that depend on nothing before them and end byte-aligned."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _draw(holes, request):
    """Each hole's content for this reader; the templates in one context whose processors run
    once."""
    names = [hole.decode() for hole in dict.fromkeys(holes)]
    drawn = {}
    if CSRF in names:
        names.remove(CSRF)
        drawn[CSRF.encode()] = get_token(request).encode()
    if names:
        engine = Engine.get_default()
        templates = [engine.get_template(name) for name in names]
        context = RequestContext(request)
        with context.bind_template(templates[0]):
            for name, template in zip(names, templates, strict=True):
                drawn[name.encode()] = wrap(name, template.render(context)).encode()
    return drawn

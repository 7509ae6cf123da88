"""The personal parts of a page kept for a logged-in reader's audience.

A page kept for everyone who shares an audience still greets each reader by name and carries
each reader's CSRF token. Its personal parts are templates under `personal/`, drawn with
`{% personal "personal/account_nav.html" %}`: they are cut out when the page is kept, and
drawn again for each reader when it is served. CSRF tokens, which a page's forms carry through
`{% csrf_token %}`, are replaced by the reader's own.

A personal part may also repeat down a page with a key, one per row:
`{% personal "personal/forum/thread_marks.html" key %}`. When the page is drawn by its view,
the template reads the view's context, as any other; when a kept page is served, the loader
registered for the template is called once with all the page's keys, `loader(request, keys)
-> {key: context}`, and the template is drawn for each key in its context (a key left out is
drawn as nothing). A key carries what the loader needs to know of its row (ids, say): the
fixed page is all it has.

A kept page is also compressed once: its fixed parts are kept as independent deflate blocks,
and serving it compresses only the holes, then joins the blocks into one gzip stream (a
gzip member may hold any sequence of byte-aligned, non-final blocks). Compressing a 120 KB
page costs about 6 ms; this costs a few dozen microseconds.
"""

import re
import struct
import zlib

from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import get_token
from django.template import Engine, RequestContext
from django.utils.html import format_html

HOLE_DIRECTORY = "personal/"
# Names are template paths under personal/, with an optional key after #: a marker never
# names any other template.
_NAME = r"personal/[\w./-]+\.html(?:#[\w.:-]+)?"
KEY = re.compile(r"[\w.:-]+")
DRAWN = re.compile(rf"<!--personal:({_NAME})-->.*?<!--/personal-->", re.DOTALL)
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF = "csrf"
# Splitting on a pattern with a group keeps the holes' names at the odd indexes.
HOLES = re.compile(rf"<!--hole:({_NAME}|{CSRF})-->")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time
LAST_BLOCK = b"\x03\x00"  # an empty final block


_loaders = {}


def register_loader(name, loader):
    """Say how a keyed personal template gets its context for a reader:
    `loader(request, keys) -> {key: context}`, called once per page served."""
    _loaders[name] = loader


def wrap(name, html, key=None):
    """A personal part as drawn in the page, between the markers that let it be cut out."""
    if key is not None:
        name = f"{name}#{key}"
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
    once, each keyed template's loader called once."""
    names = [hole.decode() for hole in dict.fromkeys(holes)]
    drawn = {}
    if CSRF in names:
        names.remove(CSRF)
        drawn[CSRF.encode()] = get_token(request).encode()
    keyed = {}
    for name, _, key in (hole.partition("#") for hole in names):
        keyed.setdefault(name, []).append(key or None)
    if not keyed:
        return drawn
    engine = Engine.get_default()
    templates = {name: engine.get_template(name) for name in keyed}
    context = RequestContext(request)
    with context.bind_template(next(iter(templates.values()))):
        for name, keys in keyed.items():
            template = templates[name]
            if None in keys:
                drawn[name.encode()] = wrap(name, template.render(context)).encode()
                keys.remove(None)
            if not keys:
                continue
            if name not in _loaders:
                raise ImproperlyConfigured(f"No loader is registered for {name}.")
            contexts = _loaders[name](request, keys)
            for key in keys:
                # A key the loader leaves out has nothing to draw for this reader.
                html = ""
                if key in contexts:
                    with context.push(contexts[key]):
                        html = template.render(context)
                drawn[f"{name}#{key}".encode()] = wrap(name, html, key).encode()
    return drawn

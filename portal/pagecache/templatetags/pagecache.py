"""`{% keep %}`: a fragment of a page that is the same for every reader, kept until the next
write (like the pages kept for anonymous visitors), inside a page whose other parts are
personal.

    {% keep "portrait-values" territory.pk %} … {% endkeep %}

The key names the fragment, what it varies by, the language and the generation. What the
fragment needs and costs to compute, the view gives as one callable in the context,
`kept_context`, returning a dict: it is called only when a fragment is missing, once per
page, and its names are then available inside the fragments. A view turns keeping off for a
reader (whose fragment would carry a CSRF token, say) with `keep_off`.

`{% personal "personal/account_nav.html" %}`: a part of the page drawn for each reader even
when the page is kept for an audience (portal.pagecache.holes); with a key,
`{% personal "personal/forum/thread_marks.html" key %}`, one such part per row.
"""

import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from portal.pagecache import generation, holes

register = template.Library()
COMPUTED = "pagecache.kept_context"


class KeepNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        ttl = settings.PAGE_CACHE_TTL
        keeping = ttl and not context.get("keep_off")
        token = generation.of_request(context.get("request")) if keeping else None
        if token is None:
            return self._render(context)
        varying = "|".join(str(v.resolve(context)) for v in self.vary_on)
        digest = hashlib.sha256(varying.encode()).hexdigest()[:32]
        name = self.name.resolve(context)
        key = f"keep:{name}:{token}:{translation.get_language()}:{digest}"
        kept = cache.get(key)
        if kept is None:
            kept = self._render(context)
            cache.set(key, kept, ttl)
        # Rendered output (already escaped); a node's output is not escaped again.
        return kept

    def _render(self, context):
        computed = context.render_context.get(COMPUTED)
        if computed is None:
            build = context.get("kept_context")
            computed = build() if callable(build) else {}
            context.render_context[COMPUTED] = computed
        with context.push(**computed):
            return self.nodelist.render(context)


@register.tag
def keep(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% keep %} needs a fragment name.")
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    return KeepNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )


@register.simple_tag(takes_context=True)
def personal(context, name, key=None):
    if not name.startswith(holes.HOLE_DIRECTORY):
        raise template.TemplateSyntaxError("{% personal %} draws templates under personal/.")
    if key is not None:
        key = str(key)
        if not holes.KEY.fullmatch(key):
            raise template.TemplateSyntaxError(f"A personal part's key is a word: {key!r}.")
    html = context.template.engine.get_template(name).render(context)
    return holes.wrap(name, html, key)

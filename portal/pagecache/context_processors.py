from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal.pagecache import generation


def fragments(request):
    """What a template keys a kept fragment with, for the parts of a page that are the same
    for every reader (a portrait's tables, say) while the rest is personal:

        {% cache page_cache_ttl "name" page_generation LANGUAGE_CODE … %}

    The generation is read once per request, and only if a fragment asks for it."""
    return {
        "page_generation": SimpleLazyObject(generation.current),
        "page_cache_ttl": settings.PAGE_CACHE_TTL,
    }

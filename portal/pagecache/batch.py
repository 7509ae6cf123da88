"""What a logged-in request reads from the cache before anything else, in one round trip.

Serving a kept page to a person reads the generation, their kept row (people.py), what the
page at this address depends on for them (the reader's audience, middleware.py) and what the
header shows them (portal.context_processors: the région, their role links, the bell's
count, whether they were seen lately). Each was one round trip to Redis; under load a round
trip costs more than drawing a page's personal parts. They are read here together, once the
session names the person, and each reader takes its own from `request`.

Only what cannot change during a GET that serves a kept page is taken this way: the header's
values are used from this read only while such a page is served (`serving()`); a page drawn
by its view reads them afresh, after whatever the view wrote.
"""

from django.core.cache import cache

from portal.pagecache import generation

ATTRIBUTE = "_pagecache_batch"
SERVING = "_pagecache_serving"

_contributors = []


def register(contributor):
    """`contributor(request, user_id)` → the cache keys it will ask for in this request."""
    _contributors.append(contributor)


def read(request, user_id, keys):
    """The values of `keys`, the generation's and every contributor's, in one round trip;
    kept on the request for the others. Returns {key: value} of what was found."""
    wanted = [generation.GENERATION_KEY, *keys]
    for contributor in _contributors:
        wanted += [key for key in contributor(request, user_id) if key]
    found = cache.get_many(list(dict.fromkeys(wanted)))
    setattr(request, ATTRIBUTE, (frozenset(wanted), found))
    return found


def taken(request, key):
    """(asked, value): whether the first read asked for `key`, and what it found (None)."""
    batch = getattr(request, ATTRIBUTE, None)
    if batch is None or key not in batch[0]:
        return False, None
    return True, batch[1].get(key)


def serving(request):
    """Whether a kept page is being served (its personal parts drawn from it)."""
    return getattr(request, SERVING, False)


def mark_serving(request):
    setattr(request, SERVING, True)

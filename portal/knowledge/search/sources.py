"""The hook through which apps above the knowledge base add what its search also finds (the
committees' forum discussions), so that the knowledge base imports nothing above it.

An app registers its source in its AppConfig.ready():

    from portal.knowledge.search.sources import register_source
    register_source(MySource())  # a SearchSource

The search page then shows a facet per source with what the query finds there that the reader
may read, and lists a page of it when the facet is chosen (« ?dans=<name> »). The page is kept
per audience (portal.pagecache), so each source names in `audience(user)` everything in the
reader that what it finds depends on.
"""

from dataclasses import dataclass, field

from portal.knowledge.resources.visibility import audience_key


@dataclass
class Found:
    """What a source found for a reader: how many (the facet's count) and, when a page was
    asked for, its items, which the source's template lists."""

    total: int = 0
    items: list = field(default_factory=list)


class SearchSource:
    """Something else the knowledge base's search finds. Subclasses set the three names and
    answer the two questions."""

    name = ""  # its value of the page's « dans » parameter: a slug
    label = ""  # the facet's label (a lazy translation)
    template = ""  # lists a page of what was found (`found`, and `query`)

    def audience(self, user):
        """A text equal for two readers for whom this source finds the same things."""
        raise NotImplementedError

    def search(self, *, user, query, offset=0, limit=0):
        """A Found: how many things match the query among those `user` may read, and the
        page of them from `offset` (none when `limit` is 0)."""
        raise NotImplementedError


SOURCES = {}


def register_source(source):
    """Add a source to the search (in the registering app's AppConfig.ready())."""
    SOURCES[source.name] = source


def sources():
    return list(SOURCES.values())


def source_named(name):
    """The registered source called `name`, or None."""
    return SOURCES.get(name or "")


def search_audience(request, *args, **kwargs):
    """The audience of the search page (PAGE_CACHE_PER_AUDIENCE): the resources its reader may
    read, and what each source finds for them."""
    user = request.user
    return ";".join([audience_key(user), *(f"{s.name}:{s.audience(user)}" for s in sources())])

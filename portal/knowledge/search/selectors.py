"""Full-text search of the knowledge base, with facets: the one entry point, whichever engine.

PostgreSQL uses its own French full-text search (postgres.py); the embedded SQLite database
a thin Python fallback (sqlite.py). Both search only what the person may read
(Resource.objects.readable_by), so that nothing private reaches results, facet counts or
excerpts; both are run by the same tests. What apps above the knowledge base add to the
search (the forums' discussions) comes through sources.py, each source answering for what its
reader may read.
"""

from dataclasses import dataclass, field

from portal.knowledge.models import Resource
from portal.knowledge.search import postgres, sources, sqlite
from portal.knowledge.search.facets import count_and_rank
from portal.knowledge.search.text import has_words, plain_excerpt
from territories.geography.selectors import territory_family_ids
from territories.models import Territory

PAGE_SIZE = 20


@dataclass
class Filters:
    """What the facets narrow the search to (read from the query string by SearchForm)."""

    kind: str = ""
    theme: str = ""
    preconisation: int | None = None
    territory: Territory | None = None
    year: int | None = None

    def apply(self, queryset):
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.theme:
            queryset = queryset.filter(themes__slug=self.theme)
        if self.preconisation:
            queryset = queryset.filter(preconisations__number=self.preconisation)
        if self.territory:
            queryset = queryset.filter(
                territories__in=territory_family_ids(territory=self.territory)
            )
        if self.year:
            queryset = queryset.filter(published_at__year=self.year)
        return queryset

    @property
    def repeats_rows(self):
        return bool(self.theme or self.preconisation or self.territory)


@dataclass
class SearchResult:
    query: str
    total: int = 0
    results: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    # Each registered source's facet, [(source, Found)], when the query has words to search.
    elsewhere: list = field(default_factory=list)
    # The source whose page is listed instead of the resources (None: the resources).
    chosen: sources.SearchSource | None = None
    found: sources.Found | None = None


def engine():
    return postgres if postgres.in_use() else sqlite


def search_resources(*, user, query="", filters=None, limit=PAGE_SIZE, offset=0):
    """Readable resources matching the query and filters, best first, with facet counts.

    Two queries: one gives the facet counts, the total and the ids of the page
    (facets.count_and_rank), the second reads the page's rows and their excerpts."""
    filters = filters or Filters()
    base = filters.apply(Resource.objects.readable_by(user))
    if filters.repeats_rows:
        # Many-to-many filters repeat rows: count and rank each resource once.
        base = Resource.objects.filter(pk__in=base.values("pk"))
    if has_words(query):
        facets, page_ids = engine().rank(base, query, offset=offset, limit=limit)
        results = engine().page(page_ids, query)
    else:
        facets, page_ids = count_and_rank(base, offset=offset, limit=limit)
        by_pk = Resource.objects.defer("body", "body_html", "search_vector").in_bulk(page_ids)
        results = [by_pk[pk] for pk in page_ids]
        for resource in results:
            resource.excerpt = plain_excerpt(resource.summary)
    total = sum(row["count"] for row in facets["type"])
    return SearchResult(query=query, total=total, results=results, facets=facets)


def search(*, user, query="", filters=None, within="", offset=0, limit=PAGE_SIZE):
    """The search page's answer: the readable resources as search_resources() gives them,
    and what each registered source finds for the reader. When `within` names a source, its
    page is listed instead of the resources' (which are still counted, for their facet).

    Sources search only for words: a query without any lists the resources alone."""
    chosen = sources.source_named(within) if has_words(query) else None
    result = search_resources(
        user=user,
        query=query,
        filters=filters,
        offset=offset,
        limit=0 if chosen else limit,
    )
    if not has_words(query):
        return result
    for source in sources.sources():
        if source is chosen:
            found = source.search(user=user, query=query, offset=offset, limit=limit)
            result.chosen, result.found = source, found
        else:
            found = source.search(user=user, query=query)
        result.elsewhere.append((source, found))
    return result

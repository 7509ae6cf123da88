"""The PostgreSQL engine: the database's own French full-text search.

- Documents: `Resource.search_vector`, a stored tsvector (title A, summary B, body and
  attachments' text C) under the `french_unaccent` configuration — French with unaccent before
  french_stem, created by migration 0005 — kept up to date by the services that write resources
  (search/services.py) and served by a GIN index.
- Queries: websearch_to_tsquery() (quoted phrases, « or », « -word »), in the same configuration;
  each of its stems is then matched as a prefix of at most PREFIX_LENGTH letters, so that
  « précaire » (stem precair) finds « précarité » (precarit), and « isolées » (isole, stemmed
  without its accents) finds « isolement » (isol).
- Ranking: ts_rank() over the stored document (SearchRank); excerpts: marked in Python with
  the same keys (text.highlight) in a window of the text the database cuts.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, TextField

from portal.knowledge.models import Resource
from portal.knowledge.search.facets import count_and_rank
from portal.knowledge.search.text import highlight, mentions, query_keys

CONFIG = "french_unaccent"
PREFIX_LENGTH = 5
# websearch_to_tsquery()'s output, as text, rewritten with regexp_replace() (PostgreSQL's
# regular expressions; passed as parameters). A stem of unaccented text ending in « e » where
# the accented word's stem does not (« isolées »: isole / isol) loses it; then every stem is
# cut to PREFIX_LENGTH letters and matched as a prefix.
REWRITES = [
    ("([^' ]{3,})e'", r"\1'"),
    (f"'([^']{{1,{PREFIX_LENGTH}}})[^']*'", r"'\1':*"),
]
# The excerpt is cut from a window of the text around the first place its first query stem
# appears: long texts never leave the database whole.
WINDOW_LEAD, WINDOW_LENGTH = 200, 1200


def in_use():
    return connection.vendor == "postgresql"


def document():
    """The weighted document of a resource, as stored in Resource.search_vector."""
    return (
        SearchVector("title", config=CONFIG, weight="A")
        + SearchVector("summary", config=CONFIG, weight="B")
        + SearchVector("search_text", config=CONFIG, weight="C")
    )


class PrefixSearchQuery(SearchQuery):
    """websearch_to_tsquery(french_unaccent, …) with its stems matched as prefixes."""

    def __init__(self, value):
        super().__init__(value, config=CONFIG, search_type="websearch")

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        text = f"CAST({sql} AS text)"
        for pattern, replacement in REWRITES:
            text = f"regexp_replace({text}, %s, %s, 'g')"
            params = [*params, pattern, replacement]
        return f"CAST({text} AS tsquery)", params


class AroundFirstMatch(Func):
    """WINDOW_LENGTH characters of the text around the first occurrence of the query's first
    stem in its unaccented lower-case form (the start of the text when there is none)."""

    output_field = TextField()

    def __init__(self, text, query):
        super().__init__(text, query)

    def as_sql(self, compiler, connection, **extra_context):
        text_sql, text_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        first_stem = f"substring(CAST({query_sql} AS text) from %s)"
        start = f"greatest(1, strpos(lower(unaccent({text_sql})), {first_stem}) - %s)"
        return (
            f"substr({text_sql}, {start}, %s)",
            [*text_params, *text_params, *query_params, "'([^']+)'", WINDOW_LEAD, WINDOW_LENGTH],
        )


def tsquery(query):
    return PrefixSearchQuery(query)


def rank(base, query, *, offset, limit):
    """Facet counts of the resources of `base` matching the query, and a page of their ids,
    best first (ts_rank over the stored document, then the newest)."""
    search = tsquery(query)
    matched = base.filter(search_vector=search)
    score = SearchRank(F("search_vector"), search)
    return count_and_rank(matched, score=score, offset=offset, limit=limit)


def page(page_ids, query):
    """The resources of the page, in order, each with an excerpt of its summary (or of its
    text when the summary does not match) with the matches marked.

    The excerpt is marked in Python (text.highlight, with the query's keys), from the summary
    and a window of the text cut around the first match by the database: ts_headline() would
    parse each text again, about 0.6 ms a result (bench/search.py)."""
    rows = (
        Resource.objects.defer("body", "body_html", "search_text", "search_vector")
        .annotate(passage=AroundFirstMatch(F("search_text"), tsquery(query)))
        .in_bulk(page_ids)
    )
    keys = query_keys(query)
    resources = [rows[pk] for pk in page_ids]
    for resource in resources:
        source = resource.summary
        if resource.passage and not mentions(source, keys):
            source = resource.passage
        resource.excerpt = highlight(source, keys)
    return resources

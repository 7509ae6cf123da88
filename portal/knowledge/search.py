"""Reads of the knowledge base: what a person may read, full-text search with facets,
resources of a territory and of a préconisation.

PostgreSQL searches a weighted tsvector (French stemming over unaccented text) backed by
a GIN index (migration 0003); the embedded SQLite database scores in Python with the same
Snowball stems. Both match a query word on the first letters of its stem (at most
PREFIX_LENGTH), so that « précaire » finds « précarité » whose stems differ.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, Func, TextField, Value, When
from django.db.models.functions import ExtractYear
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.knowledge.choices import ResourceKind, ResourceStatus
from portal.knowledge.models import Resource
from portal.knowledge.selectors_resources import audience_q
from territories.geography.selectors import territory_ancestor_ids, territory_family_ids
from territories.models import Territory

PREFIX_LENGTH = 5
PAGE_SIZE = 20
WEIGHTS = {"title": 3, "summary": 2, "search_text": 1}
WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("french")
# Short function words that would match half the corpus as prefixes.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "l",
        "d",
        "un",
        "une",
        "ou",
        "par",
        "pour",
        "qu",
        "que",
        "qui",
        "sur",
        "se",
        "sa",
        "son",
        "ses",
        "ne",
        "pas",
        "plus",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "nous",
        "vous",
        "est",
        "sont",
    ]
)


def readable_by(user):
    """Published resources the user may read."""
    return Resource.objects.filter(audience_q(user), status=ResourceStatus.PUBLISHED)


def strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text):
    return strip_accents((text or "").lower())


@lru_cache(maxsize=100_000)
def stem(word):
    """The Snowball stem of a word, lowercased and stripped of its accents first, as
    PostgreSQL stems unaccent()ed text: « impayés » and « impayes » both give « impay »."""
    return _stemmer.stemWord(strip_accents(word.lower()))


def query_key(word):
    """The prefix a query word matches in stemmed text.

    Documents are stemmed without their accents (as PostgreSQL stems unaccent()ed text), but
    the French stemmer reads accents: « isolées » gives « isol » with them and « isole »
    without, « impayés » « impai » and « impay ». The key is what both stems share, so it
    finds the word whichever way the text was stemmed."""
    plain = stem(word)
    accented = strip_accents(_stemmer.stemWord(word.lower()))
    shared = next(
        (i for i, (a, b) in enumerate(zip(plain, accented, strict=False)) if a != b),
        min(len(plain), len(accented)),
    )
    common = plain[:shared]
    key = common if len(common) >= 3 else plain
    return key[:PREFIX_LENGTH] or normalise(word)


def query_keys(query):
    """The prefixes a query matches: stems of its words, cut to PREFIX_LENGTH letters."""
    keys = []
    for word in WORD.findall((query or "").lower()):
        if word in STOP_WORDS or len(word) < 2:
            continue
        key = query_key(word)
        if key and key not in keys:
            keys.append(key)
    return keys


def _stems(text):
    return [stem(word) for word in WORD.findall((text or "").lower())]


def score_text(keys, *, title, summary, text):
    """Python-side score: each key counts its matches in title ×3, summary ×2, text ×1.

    Every key must match somewhere (AND), as PostgreSQL's `&` query does."""
    total = 0
    found = set()
    for weight, content in ((3, title), (2, summary), (1, text)):
        stems = _stems(content)
        for key in keys:
            hits = sum(1 for s in stems if s.startswith(key))
            if hits:
                found.add(key)
                total += weight * hits
    return total if len(found) == len(keys) else 0


# Accented forms of each letter, so that a pattern built from an unaccented key finds
# the words of the original text.
ACCENTED = {"a": "aàâä", "c": "cç", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü", "y": "yÿ"}


@lru_cache(maxsize=1000)
def _candidates(keys):
    """A pattern finding the words that start like one of the keys (accents ignored).

    A key is the start of a stem, and a stem the start of its word, so this finds every
    matching word and few others; stem() then decides. Scanning the text with it is far
    cheaper than stemming every word (bench/search.py)."""
    starts = {"".join(f"[{ACCENTED.get(c, re.escape(c))}]" for c in key[:3]) for key in keys}
    return re.compile(r"\b(?:" + "|".join(sorted(starts)) + r")\w*", re.IGNORECASE)


def _matches(text, keys, start=0, end=None):
    prefixes = tuple(keys)
    for m in _candidates(tuple(keys)).finditer(text, start, len(text) if end is None else end):
        if stem(m.group()).startswith(prefixes):
            yield m


def mentions(text, keys):
    """Whether a query's keys match a word of the text."""
    return next(_matches(text or "", keys), None) is not None


def highlight(text, keys, *, length=240):
    """An escaped excerpt around the first match, matched words wrapped in <mark>."""
    text = text or ""
    if not keys:
        return escape(text[:length])
    first = next(_matches(text, keys), None)
    start = 0
    if first is not None and first.start() > length // 3:
        start = text.rfind(" ", 0, first.start() - length // 3) + 1
    end = min(len(text), start + length)
    pieces, cursor = [], start
    for m in _matches(text, keys, start, end):
        pieces.append(escape(text[cursor : m.start()]))
        pieces.append(f"<mark>{escape(m.group())}</mark>")
        cursor = m.end()
    pieces.append(escape(text[cursor:end]))
    excerpt = "".join(pieces)
    if start > 0:
        excerpt = "… " + excerpt
    if end < len(text):
        excerpt += " …"
    return mark_safe(excerpt)  # noqa: S308 - every piece above is escaped


# --- territories -----------------------------------------------------------------------


def find_territory(value):
    """A territory from a filter value "level/code" (or a bare code)."""
    value = (value or "").strip()
    if not value:
        return None
    level, _, code = value.rpartition("/")
    queryset = Territory.objects.filter(code=code)
    if level:
        queryset = queryset.filter(level=level)
    return queryset.order_by("level").first()


def resources_for_territory(*, territory, user, limit=20):
    """Published readable resources tagged on the territory or on a territory containing it."""
    return (
        readable_by(user)
        .filter(territories__in=territory_ancestor_ids(territory=territory))
        .distinct()
        .only("title", "slug", "kind", "summary", "published_at")
        .order_by("-published_at", "title")[:limit]
    )


def resources_for_committee(*, committee, user):
    """Published resources shared with the committee that `user` may read."""
    return (
        readable_by(user)
        .filter(committee=committee)
        .only("title", "slug", "kind", "summary", "published_at")
        .order_by("-published_at", "title")
    )


def resources_for_preconisation(*, preconisation, user):
    return (
        readable_by(user)
        .filter(preconisations=preconisation)
        .only("title", "slug", "kind", "summary", "published_at")
        .order_by("-published_at", "title")
    )


# --- search ----------------------------------------------------------------------------


class Unaccent(Func):
    # An IMMUTABLE wrapper of unaccent() created by migration 0003, so it can be indexed.
    function = "cohesion_unaccent"
    output_field = TextField()


def search_vector():
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector(Unaccent(F("title")), config="french", weight="A")
        + SearchVector(Unaccent(F("summary")), config="french", weight="B")
        + SearchVector(Unaccent(F("search_text")), config="french", weight="C")
    )


def _field_hits(name, tsquery):
    from django.contrib.postgres.search import SearchVector

    return (
        Resource.objects.alias(v=SearchVector(Unaccent(F(name)), config="french"))
        .filter(v=tsquery)
        .values("pk")
    )


def uses_postgres():
    return connection.vendor == "postgresql"


@dataclass
class Filters:
    kind: str = ""
    theme: str = ""
    preconisation: int | None = None
    territory: Territory | None = None
    year: int | None = None

    @classmethod
    def from_params(cls, params):
        def number(name):
            value = (params.get(name) or "").strip()
            return int(value) if value.isdigit() else None

        kind = params.get("type", "")
        return cls(
            kind=kind if kind in ResourceKind.values else "",
            theme=(params.get("theme") or "").strip(),
            preconisation=number("preconisation"),
            territory=find_territory(params.get("territoire")),
            year=number("annee"),
        )

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


@dataclass
class SearchResult:
    query: str
    keys: list
    total: int = 0
    results: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)


def search_resources(*, user, query="", filters=None, limit=PAGE_SIZE, offset=0):
    """Readable resources matching the query and filters, best first, with facet counts.

    The match is the costly part, so it is computed once: a single query gives the facet
    counts, the total and the ids of the page (bench/search.py); a second one reads the
    page's rows. SQLite, without full-text search, scores in Python."""
    filters = filters or Filters()
    keys = query_keys(query)
    base = filters.apply(readable_by(user))
    if filters.theme or filters.preconisation or filters.territory:
        # Many-to-many filters repeat rows: count and rank each resource once.
        base = Resource.objects.filter(pk__in=base.values("pk"))
    if not keys:
        facets, page_ids = count_and_rank(base, offset=offset, limit=limit)
    elif uses_postgres():
        from django.contrib.postgres.search import SearchQuery

        tsquery = SearchQuery(
            " & ".join(f"{key}:*" for key in keys), config="simple", search_type="raw"
        )
        # alias(), not annotate(): the vector is only matched (through the GIN index),
        # never computed in SELECT for every matching row.
        matched = base.alias(document=search_vector()).filter(document=tsquery)
        # Ranked like the SQLite fallback, by where the words are: title 3, summary 2,
        # text 1. Each part is a GIN index lookup; computing ts_rank would build the
        # vector of every matching row (slow past a few hundred matches, bench/search.py).
        score = Case(
            When(pk__in=_field_hits("title", tsquery), then=Value(3)), default=Value(0)
        ) + Case(When(pk__in=_field_hits("summary", tsquery), then=Value(2)), default=Value(0))
        facets, page_ids = count_and_rank(matched, score=score, offset=offset, limit=limit)
    else:
        scored = []
        rows = base.values_list("pk", "title", "summary", "search_text", "published_at")
        for pk, title, summary, text, published_at in rows:
            score = score_text(keys, title=title, summary=summary, text=text)
            if score:
                scored.append((-score, -(published_at.timestamp() if published_at else 0), pk))
        scored.sort()
        ids = [pk for *_, pk in scored]
        page_ids = ids[offset : offset + limit]
        facets, _ = count_and_rank(Resource.objects.filter(pk__in=ids))
    by_pk = Resource.objects.defer("body", "body_html").in_bulk(page_ids)
    ordered = [by_pk[pk] for pk in page_ids]
    for resource in ordered:
        source = resource.summary
        if keys and not mentions(source, keys):
            source = resource.search_text or resource.summary
        resource.excerpt = highlight(source, keys)
    total = sum(row["count"] for row in facets["type"])
    return SearchResult(query=query, keys=keys, total=total, results=ordered, facets=facets)


# One pass over the matched resources (a common table expression, computed once and
# reused by each facet) instead of one query per facet and one for the page. Each link
# table is read once and probed against the matched ids ("IN"), which the planner runs
# as a hashed semi-join: cheaper than hashing the link table (bench/search.py).
COUNT_AND_RANK_SQL = """
WITH matched (id, kind, year, score, published_at, title) AS ({matched})
SELECT 'page', CAST(id AS TEXT), '', 0 FROM (
  SELECT id FROM matched ORDER BY score DESC, published_at DESC, title LIMIT %s OFFSET %s
) page
UNION ALL
SELECT 'type', kind, '', COUNT(*) FROM matched GROUP BY kind
UNION ALL
SELECT 'theme', theme.slug, theme.name, counted.n FROM (
  SELECT theme_id, COUNT(*) AS n FROM knowledge_resource_themes
  WHERE resource_id IN (SELECT id FROM matched) GROUP BY theme_id
) counted JOIN knowledge_theme theme ON theme.id = counted.theme_id
UNION ALL
SELECT 'preconisation', CAST(preco.number AS TEXT), preco.title, counted.n FROM (
  SELECT preconisation_id, COUNT(*) AS n FROM knowledge_resource_preconisations
  WHERE resource_id IN (SELECT id FROM matched) GROUP BY preconisation_id
) counted JOIN knowledge_preconisation preco ON preco.id = counted.preconisation_id
UNION ALL
SELECT 'territoire', territory.level || '/' || territory.code, territory.name, counted.n FROM (
  SELECT territory_id, COUNT(*) AS n FROM knowledge_resource_territories
  WHERE resource_id IN (SELECT id FROM matched) GROUP BY territory_id
) counted JOIN territories_territory territory ON territory.id = counted.territory_id
UNION ALL
SELECT 'annee', CAST(year AS TEXT), '', COUNT(*) FROM matched
  WHERE year IS NOT NULL GROUP BY year
"""
MAX_TERRITORY_FACETS = 30


def count_and_rank(matched, *, score=None, offset=0, limit=0):
    """Facet counts of the matched resources per kind, theme, préconisation, territory and
    year, and the ids of a page of them ranked by score then date (none when limit is 0)."""
    inner = (
        matched.order_by()
        .annotate(facet_year=ExtractYear("published_at"), facet_score=score or Value(0))
        .values_list("pk", "kind", "facet_year", "facet_score", "published_at", "title")
    )
    facets = {name: [] for name in ("type", "theme", "preconisation", "territoire", "annee")}
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # matched is pk__in=[]: nothing to count
        return facets, []
    with connection.cursor() as cursor:
        cursor.execute(COUNT_AND_RANK_SQL.format(matched=sql), (*params, limit, offset))
        rows = cursor.fetchall()
    kinds = dict(ResourceKind.choices)
    page_ids = []
    for name, value, label, count in rows:
        if name == "page":
            page_ids.append(int(value))
            continue
        if name == "type":
            label = kinds.get(value, value)
        elif name == "preconisation":
            value = int(value)
            label = f"{value}. {label}"
        elif name == "annee":
            value = int(value)
            label = str(value)
        facets[name].append({"value": value, "label": label, "count": count})
    facets["type"].sort(key=lambda f: (-f["count"], f["value"]))
    facets["theme"].sort(key=lambda f: (-f["count"], f["label"]))
    facets["preconisation"].sort(key=lambda f: f["value"])
    facets["territoire"].sort(key=lambda f: (-f["count"], f["label"]))
    del facets["territoire"][MAX_TERRITORY_FACETS:]
    facets["annee"].sort(key=lambda f: -f["value"])
    return facets, page_ids

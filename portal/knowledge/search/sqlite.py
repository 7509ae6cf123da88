"""The SQLite engine, a thin fallback for the embedded default: SQLite has no French
full-text search, so this scores in Python with the Snowball stems PostgreSQL uses, and the
query keys of text.py: a query word matches a word of the text when the text word's stem
starts with its key, as the PostgreSQL engine's prefix queries do.
"""

from portal.knowledge.models import Resource
from portal.knowledge.search.facets import count_and_rank
from portal.knowledge.search.text import WORD, highlight, mentions, query_keys, stem


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


def rank(base, query, *, offset, limit):
    """Facet counts of the resources of `base` matching the query, and a page of their ids,
    best first: each key counts its matches in title ×3, summary ×2, text ×1."""
    keys = query_keys(query)
    scored = []
    rows = base.values_list("pk", "title", "summary", "search_text", "published_at")
    for pk, title, summary, text, published_at in rows:
        score = score_text(keys, title=title, summary=summary, text=text)
        if score:
            scored.append((-score, -(published_at.timestamp() if published_at else 0), title, pk))
    scored.sort()
    ids = [pk for *_, pk in scored]
    facets, _ = count_and_rank(Resource.objects.filter(pk__in=ids))
    return facets, ids[offset : offset + limit]


def page(page_ids, query):
    """The resources of the page, in order, each with its highlighted excerpt."""
    keys = query_keys(query)
    by_pk = Resource.objects.defer("body", "body_html").in_bulk(page_ids)
    resources = [by_pk[pk] for pk in page_ids]
    for resource in resources:
        source = resource.summary
        if not mentions(source, keys):
            source = resource.search_text or resource.summary
        resource.excerpt = highlight(source, keys)
    return resources

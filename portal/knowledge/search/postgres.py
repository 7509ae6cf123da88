"""The PostgreSQL engine: a weighted tsvector (French stemming over unaccented text) backed by
a GIN index (migration 0003), queried with the keys the SQLite engine computes (sqlite.py)."""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, F, Func, TextField, Value, When

from portal.knowledge.models import Resource
from portal.knowledge.search import sqlite
from portal.knowledge.search.facets import count_and_rank


def in_use():
    return connection.vendor == "postgresql"


class Unaccent(Func):
    # An IMMUTABLE wrapper of unaccent() created by migration 0003, so it can be indexed.
    function = "cohesion_unaccent"
    output_field = TextField()


def search_vector():
    return (
        SearchVector(Unaccent(F("title")), config="french", weight="A")
        + SearchVector(Unaccent(F("summary")), config="french", weight="B")
        + SearchVector(Unaccent(F("search_text")), config="french", weight="C")
    )


def _field_hits(name, tsquery):
    return (
        Resource.objects.alias(v=SearchVector(Unaccent(F(name)), config="french"))
        .filter(v=tsquery)
        .values("pk")
    )


def tsquery(query):
    keys = sqlite.query_keys(query)
    return SearchQuery(" & ".join(f"{key}:*" for key in keys), config="simple", search_type="raw")


def rank(base, query, *, offset, limit):
    search = tsquery(query)
    # alias(), not annotate(): the vector is only matched (through the GIN index),
    # never computed in SELECT for every matching row.
    matched = base.alias(document=search_vector()).filter(document=search)
    # Ranked like the SQLite fallback, by where the words are: title 3, summary 2,
    # text 1. Each part is a GIN index lookup; computing ts_rank would build the
    # vector of every matching row (slow past a few hundred matches, bench/search.py).
    score = Case(When(pk__in=_field_hits("title", search), then=Value(3)), default=Value(0)) + Case(
        When(pk__in=_field_hits("summary", search), then=Value(2)), default=Value(0)
    )
    return count_and_rank(matched, score=score, offset=offset, limit=limit)


page = sqlite.page

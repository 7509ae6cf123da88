"""Facet counts and the ranked page, from one pass over the matched resources.

The match is the costly part, so it is computed once: one query (a common table expression,
reused by each facet) gives the counts per kind, theme, préconisation, territory and year and
the ids of the page. Each link table is read through its (resource, linked) index for the
matched ids: PostgreSQL is given them as an array (« = ANY(ARRAY(…)) »), which it probes in
the index, where « IN (subquery) » would read the whole link table into a hash join (3.5 →
1.1 ms a facet for 1,100 matches, bench/search.py). Table and column names come from the
models' _meta.
"""

from functools import cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Value
from django.db.models.functions import ExtractYear

from portal.knowledge.choices import ResourceKind
from portal.knowledge.models import Resource

MAX_TERRITORY_FACETS = 30
FACETS = ("type", "theme", "preconisation", "territoire", "annee")


def _column(model, name):
    return f"linked.{connection.ops.quote_name(model._meta.get_field(name).column)}"


def _linked_counts(facet, relation, value, label, vendor):
    """Rows (facet, value, label, count) of the matched resources per object linked through
    the many-to-many `relation`; `value` and `label` are SQL over the linked table."""
    quote = connection.ops.quote_name
    field = Resource._meta.get_field(relation)
    through = field.remote_field.through._meta
    target = field.related_model._meta
    source_id = quote(through.get_field(field.m2m_field_name()).column)
    target_id = quote(through.get_field(field.m2m_reverse_field_name()).column)
    among = (
        "= ANY(ARRAY(SELECT id FROM matched))"
        if vendor == "postgresql"
        else "IN (SELECT id FROM matched)"
    )
    # Names from _meta and the connection's quoting; no value from a request.
    return (
        f"SELECT '{facet}', {value}, {label}, counted.n FROM ("  # noqa: S608
        f"SELECT {target_id} AS linked_id, COUNT(*) AS n FROM {quote(through.db_table)} "
        f"WHERE {source_id} {among} GROUP BY {target_id}"
        f") counted JOIN {quote(target.db_table)} linked "
        f"ON linked.{quote(target.pk.column)} = counted.linked_id"
    )


@cache
def count_and_rank_sql(vendor):
    themes = Resource._meta.get_field("themes").related_model
    preconisations = Resource._meta.get_field("preconisations").related_model
    territories = Resource._meta.get_field("territories").related_model
    territory_value = f"{_column(territories, 'level')} || '/' || {_column(territories, 'code')}"
    parts = [
        "SELECT 'page', CAST(id AS TEXT), '', 0 FROM (SELECT id FROM matched "
        "ORDER BY score DESC, published_at DESC, title LIMIT %s OFFSET %s) page",
        "SELECT 'type', kind, '', COUNT(*) FROM matched GROUP BY kind",
        _linked_counts("theme", "themes", _column(themes, "slug"), _column(themes, "name"), vendor),
        _linked_counts(
            "preconisation",
            "preconisations",
            f"CAST({_column(preconisations, 'number')} AS TEXT)",
            _column(preconisations, "title"),
            vendor,
        ),
        _linked_counts(
            "territoire", "territories", territory_value, _column(territories, "name"), vendor
        ),
        "SELECT 'annee', CAST(year AS TEXT), '', COUNT(*) FROM matched "
        "WHERE year IS NOT NULL GROUP BY year",
    ]
    return (
        "WITH matched (id, kind, year, score, published_at, title) AS ({matched})\n"
        + "\nUNION ALL\n".join(parts)
    )


def count_and_rank(matched, *, score=None, offset=0, limit=0):
    """Facet counts of the matched resources per kind, theme, préconisation, territory and
    year, and the ids of a page of them ranked by score then date (none when limit is 0)."""
    inner = (
        matched.order_by()
        .annotate(facet_year=ExtractYear("published_at"), facet_score=score or Value(0))
        .values_list("pk", "kind", "facet_year", "facet_score", "published_at", "title")
    )
    facets = {name: [] for name in FACETS}
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # matched is pk__in=[]: nothing to count
        return facets, []
    with connection.cursor() as cursor:
        cursor.execute(
            count_and_rank_sql(connection.vendor).format(matched=sql), (*params, limit, offset)
        )
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

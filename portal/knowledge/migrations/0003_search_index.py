"""Full-text search on PostgreSQL: unaccent, an IMMUTABLE wrapper of it, and a GIN index on
the weighted French vector that portal.knowledge.search builds, and on the vectors of the
title and of the summary alone (ranking). Nothing on SQLite."""

from django.db import migrations

# Must stay the expression Django writes for portal.knowledge.search.search_vector(),
# or the planner will not use the index (bench/search.py prints the plan).
VECTOR = " || ".join(
    f"setweight(to_tsvector('french'::regconfig, COALESCE(cohesion_unaccent({column}), '')), "
    f"'{weight}')"
    for column, weight in (("title", "A"), ("summary", "B"), ("search_text", "C"))
)

FIELD = "to_tsvector('french'::regconfig, COALESCE(cohesion_unaccent({column}), ''))"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION cohesion_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "CREATE INDEX IF NOT EXISTS knowledge_resource_search ON knowledge_resource "
    f"USING GIN (({VECTOR}))",
    # Which matches are in the title or the summary, for ranking without computing vectors.
    "CREATE INDEX IF NOT EXISTS knowledge_resource_search_title ON knowledge_resource "
    f"USING GIN (({FIELD.format(column='title')}))",
    "CREATE INDEX IF NOT EXISTS knowledge_resource_search_summary ON knowledge_resource "
    f"USING GIN (({FIELD.format(column='summary')}))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_resource_search",
    "DROP INDEX IF EXISTS knowledge_resource_search_title",
    "DROP INDEX IF EXISTS knowledge_resource_search_summary",
    "DROP FUNCTION IF EXISTS cohesion_unaccent(text)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_resources")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]

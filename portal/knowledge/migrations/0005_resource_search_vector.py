"""PostgreSQL's own French full-text search (portal/knowledge/search/postgres.py).

- `french_unaccent`: a text search configuration copying `french`, whose words go through
  unaccent, then french_stem (« précarité » and « precarite » are one lexeme);
- `Resource.search_vector`: the weighted document (title A, summary B, text C), stored and
  written by the services (a GeneratedField would have to compile on SQLite too, which has no
  to_tsvector), filled here for the existing resources, and indexed with GIN;
- the expression indexes of migration 0003 are dropped: nothing reads them any more.

Nothing happens on SQLite but the (unused) column. Names come from the model's _meta.
"""

import importlib

from django.contrib.postgres.operations import UnaccentExtension
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations

CONFIG = "french_unaccent"
OLD_INDEXES = [
    "knowledge_resource_search",
    "knowledge_resource_search_title",
    "knowledge_resource_search_summary",
]


def _names(apps, schema_editor):
    Resource = apps.get_model("knowledge", "Resource")
    meta = Resource._meta
    quote = schema_editor.quote_name
    column = meta.get_field("search_vector").column
    index = f"{meta.db_table}_{column}_gin"
    return Resource, quote(meta.db_table), quote(column), quote(index)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Resource, table, column, index = _names(apps, schema_editor)
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.french)")
    # Only these word types may hold accents (asciiword and its kin keep plain french_stem).
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
    )
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    Resource.objects.update(
        search_vector=SearchVector("title", config=CONFIG, weight="A")
        + SearchVector("summary", config=CONFIG, weight="B")
        + SearchVector("search_text", config=CONFIG, weight="C")
    )
    schema_editor.execute(f"CREATE INDEX {index} ON {table} USING GIN ({column})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _, _, _, index = _names(apps, schema_editor)
    schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    previous = importlib.import_module("portal.knowledge.migrations.0003_search_index")
    for statement in previous.FORWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0004_committee_visibility")]

    operations = [
        UnaccentExtension(),
        migrations.AddField(
            model_name="resource",
            name="search_vector",
            field=SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

"""The forums' discussions in the knowledge base's search (portal/committees/forums/search.py).

`Thread.search_vector` (its title) and `Post.search_vector` (its message): stored documents
under the knowledge base's `french_unaccent` configuration (knowledge migration 0005), written
by the forum services, filled here for the existing threads and posts, and indexed with GIN.

Nothing happens on SQLite but the (unused) columns. Names come from the models' _meta.
"""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations

CONFIG = "french_unaccent"
# Must stay the documents forums/search.py writes (search_documents_refresh).
DOCUMENTS = {"Thread": ("title", "A"), "Post": ("body", "C")}


def _index(model, schema_editor):
    meta = model._meta
    quote = schema_editor.quote_name
    column = meta.get_field("search_vector").column
    return quote(meta.db_table), quote(column), quote(f"{meta.db_table}_{column}_gin")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (field, weight) in DOCUMENTS.items():
        model = apps.get_model("committees", name)
        model.objects.update(search_vector=SearchVector(field, config=CONFIG, weight=weight))
        table, column, index = _index(model, schema_editor)
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING GIN ({column})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in DOCUMENTS:
        _, _, index = _index(apps.get_model("committees", name), schema_editor)
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0006_forum_attachments_categories"),
        ("knowledge", "0005_resource_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="thread",
            name="search_vector",
            field=SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="post",
            name="search_vector",
            field=SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

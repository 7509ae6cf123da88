"""What search reads is kept up to date by the services that write resources; on PostgreSQL,
the French configuration and the GIN index the migration creates."""

import pytest
from django.db import connection

from portal.knowledge.models import Resource
from portal.knowledge.resources import services
from portal.knowledge.search import postgres
from portal.knowledge.search import selectors as search
from tests.knowledge.helpers import make, published, titles

pytestmark = pytest.mark.django_db


def test_an_edit_is_searchable_at_once(cast, organisation):
    resource = published(cast, organisation, title="Accueil de jour", body="Un lieu ouvert.")
    assert titles(search.search_resources(user=None, query="accueil")) == ["Accueil de jour"]
    services.resource_update(
        user=cast.curator,
        resource=resource,
        version=resource.version,
        title="Halte solidaire",
        summary="Une halte ouverte à tous.",
        body="Des repas partagés.",
    )
    assert search.search_resources(user=None, query="accueil").total == 0
    assert titles(search.search_resources(user=None, query="repas")) == ["Halte solidaire"]


def test_a_match_deep_in_a_long_text_is_shown_marked(db):
    filler = "Des mots sans rapport avec la question posée. " * 200
    make("Rapport", "Un résumé.", filler + "La mobilité des aînés en milieu rural. " + filler)
    result = search.search_resources(user=None, query="mobilité")
    assert result.total == 1
    assert "<mark>mobilité</mark>" in str(result.results[0].excerpt)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own search")
def test_postgres_stores_french_unaccented_documents_under_a_gin_index(db):
    meta = Resource._meta
    column = meta.get_field("search_vector").column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [meta.db_table, f"%USING gin ({column})%"],
        )
        assert cursor.fetchall()
        cursor.execute("SELECT to_tsvector(%s, 'Précarité precarite')::text", [postgres.CONFIG])
        assert cursor.fetchone()[0] == "'precarit':1,2"
    resource = make("Précarité", "Un résumé.", "Le texte.")
    stored = Resource.objects.filter(pk=resource.pk).values_list("search_vector", flat=True)
    assert "'precarit':1A" in str(stored.get())

"""Search, on whichever engine the run uses (CI runs the suite on SQLite and on PostgreSQL):
stemming and accents, ranking, excerpts, readable resources only."""

import pytest
from django.urls import reverse

from portal.knowledge.search import selectors as search
from territories.geography.selectors import loaded_region
from tests.knowledge.helpers import make, titles

pytestmark = pytest.mark.django_db


def test_stems_differ_but_precaire_finds_precarite(corpus):
    result = search.search_resources(user=None, query="précaire")
    assert "La précarité énergétique des ménages" in titles(result)
    # Accents and case are ignored.
    assert titles(search.search_resources(user=None, query="PRECARITE")) == titles(result)


def test_the_practice_sheet_ranks_first_for_isolation_of_elderly_people(corpus):
    result = search.search_resources(user=None, query="isolement des personnes âgées")
    assert titles(result)[0] == "Rompre l'isolement des personnes âgées"
    # The synthesis mentions isolation and people only in its text: found, but after.
    assert "Les jeunes face à l'emploi" not in titles(result)[:1]


def test_only_readable_resources_appear_in_search(corpus, cast):
    visitor = search.search_resources(user=None, query="précarité")
    assert titles(visitor) == ["La précarité énergétique des ménages"]
    member = search.search_resources(user=cast.member, query="précarité")
    assert sorted(titles(member)) == [
        "La précarité énergétique des ménages",
        "Précarité des familles monoparentales (réservé)",
    ]
    assert all("Brouillon" not in t for t in titles(member))


def test_excerpts_mark_matches_and_escape_the_rest(db):
    make("Note", "Un <script>alert(1)</script> sur la précarité des jeunes.")
    result = search.search_resources(user=None, query="précaire")
    excerpt = str(result.results[0].excerpt)
    assert "<mark>précarité</mark>" in excerpt
    # No markup but the marks: SQLite escapes the tag, PostgreSQL's ts_headline() drops it.
    assert "<" not in excerpt.replace("<mark>", "").replace("</mark>", "")
    assert "alert(1)" in excerpt


def test_no_match_gives_no_facets(corpus):
    result = search.search_resources(user=None, query="zzzzzz")
    assert result.total == 0 and result.results == []
    assert all(rows == [] for rows in result.facets.values())


@pytest.mark.parametrize("query", ["impayés", "impayes", "IMPAYÉS d'énergie"])
def test_words_are_stemmed_without_their_accents_on_both_engines(db, query):
    """PostgreSQL stems unaccented text; the query's keys must be stemmed the same way
    (« impayés » once gave « impai » in Python and « impay » in PostgreSQL)."""
    make("Les impayés d’énergie", "Repérer tôt les ménages en difficulté.")
    assert titles(search.search_resources(user=None, query=query)) == ["Les impayés d’énergie"]


def test_search_page_query_count_does_not_grow_with_results(
    corpus, client, cast, django_assert_max_num_queries
):
    """Facets, total and page ids in one query, the page's rows in a second (SQLite reads
    the candidates' texts first to score them in Python), and one more counts the discussions
    found (tests/committees/forums/test_search.py); a logged-in reader adds the
    session, the user, permission lookups and, on the first page in five minutes, the record
    that they are on the portal."""
    for number in range(15):
        make(f"Précarité {number}", "Une étude sur la précarité.", slug=f"extra-{number}")
    loaded_region()  # every page's header: read once, then cached
    with django_assert_max_num_queries(4):
        page = client.get(reverse("knowledge:search"), {"q": "précarité", "type": "study"})
    assert page.context["result"].total == 16
    client.force_login(cast.member)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("knowledge:search"), {"q": "précarité", "type": "study"})
    assert page.context["result"].total == 17


def test_isolees_finds_isolement(db):
    make("L'isolement des jeunes ruraux", "Une étude sur l'isolement des jeunes.")
    assert titles(search.search_resources(user=None, query="isolées")) == [
        "L'isolement des jeunes ruraux"
    ]


@pytest.mark.parametrize(
    "query",
    [
        "'",
        '"',
        "-",
        "!",
        "a:*",
        "x & | y",
        "\\",
        "(((",
        "or",
        "le la les",
        "«»",
        "é'\"e",
        "-précarité",
    ],
)
def test_any_query_is_answered(corpus, client, query):
    """What the search box receives goes to websearch_to_tsquery() as a value: no query
    breaks the page, none shows a draft."""
    page = client.get(reverse("knowledge:search"), {"q": query})
    assert page.status_code == 200
    assert "Brouillon" not in page.content.decode()


@pytest.mark.parametrize("query", ["Ploeuc", "plœuc", "coeur", "ex aequo"])
def test_ligatures_are_found_as_people_type_them_on_both_engines(db, query):
    """« œ » and « æ » are two letters to a person typing: « Ploeuc » finds « Plœuc »."""
    make("Au cœur de Plœuc", "Une rencontre ex æquo entre associations.")
    assert titles(search.search_resources(user=None, query=query)) == ["Au cœur de Plœuc"]

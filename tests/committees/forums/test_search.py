"""The forums' discussions in the knowledge base's search (forums/search.py), on whichever
engine the run uses: each reader finds exactly the threads they may read — in the results,
the facet's count and the excerpts — never a hidden or deleted post, with the resources'
French stemming; the page reads a constant number of queries."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from portal.accounts.choices import PortalGroup
from portal.committees.forums import services as forums
from portal.committees.forums.models import Post, Thread
from portal.committees.forums.search import search_documents_refresh
from portal.committees.membership import services as membership
from portal.committees.models import CommitteeMembership
from portal.knowledge.search import selectors as search
from portal.knowledge.search.sources import search_audience
from tests.factories import UserFactory
from tests.knowledge.helpers import make

pytestmark = pytest.mark.django_db

# A word in each committee's discussion that nobody else's holds, to find it in a page.
MARKERS = {"public": "azalée", "restricted": "bégonia", "private": "camélia"}
SEARCH = reverse("knowledge:search")


@pytest.fixture
def poverty(cast, trio):
    """In each committee, a discussion about poor families, opened by its coordinator and
    answered by the member; a person who sat on the private committee and left it."""
    made = {}
    for key, marker in MARKERS.items():
        committee = getattr(trio, key)
        thread = forums.thread_create(
            user=cast.org_admin,
            committee=committee,
            title=f"Rencontre du comité {key}",
            body=f"Ordre du jour : le {marker} du jardin partagé.",
        )
        forums.post_create(
            user=cast.member,
            thread=thread,
            body=f"Les familles **pauvres** du quartier {marker} viennent plus souvent.",
        )
        made[key] = thread
    leaver = UserFactory(email="partie@exemple.test", full_name="Paula Partie")
    CommitteeMembership.objects.create(committee=trio.private, user=leaver)
    membership.membership_leave(user=leaver, committee=trio.private)
    made["leaver"] = leaver
    return made


def readers(cast, poverty):
    return {
        "visitor": None,
        "member": cast.member,
        "outsider": cast.other_admin,
        "curator": cast.curator,
        "admin": cast.admin,
        "former member": poverty["leaver"],
    }


READS = {
    "visitor": {"public"},
    "member": {"public", "restricted", "private"},
    "outsider": {"public"},
    "curator": {"public", "restricted"},
    "admin": {"public", "restricted"},
    "former member": {"public"},
}


def discussions(user, query="pauvreté", **kwargs):
    return search.search(user=user, query=query, within="discussions", **kwargs).found


def committees_of(found):
    return {thread.title.rsplit(" ", 1)[1] for thread in found.items}


def listed(page):
    """The page's list of discussions (the query itself shows in the search box, the
    links and the language form)."""
    html = page.content.decode()
    start = html.index('class="results discussions"')
    return html[start : html.index("</ol>", start)]


def facet(page, name="discussions"):
    within = next(group for group in page.context["facets"] if group["name"] == "dans")
    return next(item for item in within["items"] if item["value"] == name)


@pytest.mark.parametrize("persona", list(READS))
def test_each_reader_finds_exactly_the_discussions_they_may_read(client, cast, poverty, persona):
    user = readers(cast, poverty)[persona]
    found = discussions(user)
    assert committees_of(found) == READS[persona]
    assert found.total == len(READS[persona]) and found.posts == len(READS[persona])
    if user is not None:
        client.force_login(user)
    # The page, in either listing: the facet's count, and no word of an unreadable forum.
    for params in ({"q": "pauvreté"}, {"q": "pauvreté", "dans": "discussions"}):
        page = client.get(SEARCH, params)
        assert facet(page)["count"] == len(READS[persona])
        html = page.content.decode()
        for key, marker in MARKERS.items():
            assert (marker in html) == (key in READS[persona] and "dans" in params), (key, params)
            assert (f"comité {key}" in html) == (key in READS[persona] and "dans" in params)
    # Searching for a word of an unreadable forum finds nothing at all.
    for key, marker in MARKERS.items():
        assert discussions(user, marker).total == (1 if key in READS[persona] else 0)


def test_a_former_member_found_the_private_discussion_while_seated(cast, trio, poverty):
    leaver = poverty["leaver"]
    assert committees_of(discussions(leaver)) == {"public"}
    CommitteeMembership.objects.create(committee=trio.private, user=leaver)
    assert committees_of(discussions(leaver)) == {"public", "private"}


def test_a_hidden_post_is_never_found_nor_excerpted_until_shown_again(client, cast, trio):
    thread = forums.thread_create(
        user=cast.org_admin,
        committee=trio.public,
        title="Les familles pauvres",
        body="Les familles pauvres du bourg.",
    )
    hidden = forums.post_create(
        user=cast.member, thread=thread, body="Les familles pauvres, et le dahlia du voisin."
    )
    alone = forums.thread_create(
        user=cast.org_admin, committee=trio.public, title="Réunion", body="Ordre du jour."
    )
    hidden_alone = forums.post_create(user=cast.member, thread=alone, body="Un dahlia rouge.")
    forums.post_hide(user=cast.org_admin, post=hidden, reason="hors sujet")
    forums.post_hide(user=cast.org_admin, post=hidden_alone, reason="hors sujet")
    for reader in (None, cast.member, cast.org_admin):  # its coordinator neither
        assert discussions(reader, "dahlia").total == 0
        found = discussions(reader, "pauvres")
        assert [t.title for t in found.items] == ["Les familles pauvres"]
        assert [p.pk for p in found.items[0].matches] == [thread.posts.first().pk]
        assert (found.total, found.posts) == (1, 1)
    for query in ("pauvres dahlia", "pauvres"):
        page = client.get(SEARCH, {"q": query, "dans": "discussions"})
        assert "dahlia" not in listed(page)
    # Shown again, it is found again: the search reads the post's status, not a copy.
    forums.post_unhide(user=cast.org_admin, post=hidden_alone)
    assert [t.title for t in discussions(None, "dahlia").items] == ["Réunion"]


def test_a_deleted_post_is_never_found(cast, trio):
    thread = forums.thread_create(
        user=cast.org_admin, committee=trio.public, title="Réunion", body="Ordre du jour."
    )
    post = forums.post_create(user=cast.member, thread=thread, body="Mon glaïeul préféré.")
    assert discussions(None, "glaïeul").total == 1
    forums.post_delete(user=cast.member, post=post)
    assert discussions(None, "glaïeul").total == 0
    # Even were its text still there, its status keeps it out.
    Post.objects.filter(pk=post.pk).update(body="Mon glaïeul préféré.")
    search_documents_refresh(posts=Post.objects.filter(pk=post.pk))
    assert discussions(None, "glaïeul").total == 0


def test_an_edited_post_is_found_by_its_new_text_only(cast, trio):
    thread = forums.thread_create(
        user=cast.org_admin, committee=trio.public, title="Réunion", body="Ordre du jour."
    )
    post = forums.post_create(user=cast.member, thread=thread, body="Le tournesol du jardin.")
    assert discussions(None, "tournesol").total == 1
    forums.post_edit(user=cast.member, post=post, body="La capucine du jardin.")
    assert discussions(None, "tournesol").total == 0
    assert [p.pk for p in discussions(None, "capucine").items[0].matches] == [post.pk]


@pytest.mark.parametrize("query", ["pauvreté", "PAUVRETE", "pauvres", "la pauvreté"])
def test_the_resources_stemming_finds_poor_in_poverty(cast, trio, query):
    """« pauvreté » (pauvret) finds « pauvres » (pauvr): its stem cut to the same prefix, as
    the resources' search does."""
    make("La pauvreté des familles", "Une étude sur les familles pauvres.")
    thread = forums.thread_create(
        user=cast.org_admin,
        committee=trio.public,
        title="Rencontre",
        body="Nous recevons des familles pauvres chaque semaine.",
    )
    found = discussions(None, query)
    assert [t.pk for t in found.items] == [thread.pk]
    assert "<mark>pauvres</mark>" in str(found.items[0].matches[0].excerpt)
    result = search.search(user=None, query=query)
    assert [r.title for r in result.results] == ["La pauvreté des familles"]
    assert [(s.name, f.total) for s, f in result.elsewhere] == [("discussions", 1)]


def test_a_title_alone_finds_its_thread_marked(cast, trio):
    forums.thread_create(
        user=cast.org_admin,
        committee=trio.public,
        title="Précarité énergétique <em>hiver</em>",
        body="Quelles aides avant l'hiver ?",
    )
    found = discussions(None, "précaires")
    thread = found.items[0]
    assert (found.total, found.posts, thread.matches) == (1, 0, [])
    assert (
        str(thread.marked_title) == "<mark>Précarité</mark> énergétique &lt;em&gt;hiver&lt;/em&gt;"
    )


def test_excerpts_mark_the_terms_escape_the_rest_and_link_to_the_post(client, cast, trio):
    thread = forums.thread_create(
        user=cast.org_admin,
        committee=trio.public,
        title="Rencontre",
        body="Un message <script>alert(1)</script> sur l'isolement &amp; les **personnes isolées**.",
    )
    post = thread.posts.get()
    results = listed(client.get(SEARCH, {"q": "isolement", "dans": "discussions"}))
    assert "<script>" not in results
    assert "<mark>isolement</mark>" in results and "<mark>isolées</mark>" in results
    assert "&amp;amp;" not in results
    assert f'href="{post.get_absolute_url()}"' in results
    assert trio.public.name in results


def test_a_thread_shows_its_best_posts_and_counts_the_others(cast, trio):
    thread = forums.thread_create(
        user=cast.org_admin, committee=trio.public, title="Rencontre", body="Bonjour."
    )
    for number in range(5):
        forums.post_create(
            user=cast.member, thread=thread, body=f"Message {number} sur les impayés."
        )
    found = discussions(None, "impayés")
    (shown,) = found.items
    assert (found.total, found.posts, shown.match_count, shown.more) == (1, 5, 5, 2)
    assert len(shown.matches) == 3
    assert [p.pk for p in shown.matches] == sorted(p.pk for p in shown.matches)


def test_discussions_are_paged_by_thread_best_first(cast, trio):
    for number in range(search.PAGE_SIZE + 1):
        forums.thread_create(
            user=cast.org_admin,
            committee=trio.public,
            title=f"Sujet {number}",
            body="Les impayés de loyer." if number else "Impayés, impayés et encore impayés.",
        )
    first = discussions(None, "impayés")
    assert first.total == search.PAGE_SIZE + 1 and len(first.items) == search.PAGE_SIZE
    assert first.items[0].title == "Sujet 0"  # the most matches
    second = discussions(None, "impayés", offset=search.PAGE_SIZE)
    assert len(second.items) == 1
    assert {t.pk for t in first.items + second.items} == set(
        Thread.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("params", "listed"),
    [
        ({"q": "pauvreté", "dans": "inconnu"}, "resources"),
        ({"q": "pauvreté", "dans": "<script>"}, "resources"),
        ({"q": "", "dans": "discussions"}, "resources"),
        ({"q": "le la", "dans": "discussions"}, "resources"),
        ({"q": "pauvreté", "dans": "discussions", "page": "999"}, "discussions"),
        ({"q": "pauvreté", "dans": "discussions", "page": "-1"}, "discussions"),
    ],
)
def test_odd_addresses_list_something_sensible(client, poverty, params, listed):
    """An unknown source is left out, as any invalid filter is; without words to search, the
    sources are not searched; a page past the end lists nothing, as the resources' does."""
    page = client.get(SEARCH, params)
    assert page.status_code == 200
    result = page.context["result"]
    assert (result.chosen is None) == (listed == "resources")
    if listed == "discussions":
        assert result.found.total == 1 and facet(page)["count"] == 1
        assert committees_of(result.found) == ({"public"} if params["page"] == "-1" else set())
    if not params["q"].strip() or params["q"] == "le la":
        assert result.elsewhere == [] and "dans" not in str(page.context["facets"])


def test_choosing_discussions_keeps_only_the_query_and_back_keeps_the_filters(client, poverty):
    make("La pauvreté des familles", "Une étude sur les familles pauvres.")
    page = client.get(SEARCH, {"q": "pauvreté", "type": "study"})
    assert facet(page)["query"] == "q=pauvret%C3%A9&dans=discussions"
    assert [group["name"] for group in page.context["facets"]][:2] == ["dans", "type"]
    chosen = client.get(SEARCH, {"q": "pauvreté", "type": "study", "dans": "discussions"})
    # Resource filters do not apply to discussions: their facets are not offered there.
    assert [group["name"] for group in chosen.context["facets"]] == ["dans"]
    back = facet(chosen, "")
    assert back["query"] == "q=pauvret%C3%A9&type=study" and back["count"] == 1
    assert facet(chosen)["selected"] and not back["selected"]
    # The search box says where it searches.
    assert ">Rechercher dans les ressources</label>" in page.content.decode()
    assert ">Rechercher dans les discussions</label>" in chosen.content.decode()


def test_the_search_page_audience_separates_readers_of_different_forums(cast, trio, poverty):
    """The page is kept per audience: two readers share it only when they read the same
    forums. Curators read every resource, but not the same private forums."""

    def audience(user):
        request = RequestFactory().get(SEARCH)
        request.user = user or AnonymousUser()
        return search_audience(request)

    other_curator = UserFactory(email="curation2@exemple.test", groups=[PortalGroup.CURATOR])
    assert audience(cast.curator) == audience(other_curator)
    CommitteeMembership.objects.create(committee=trio.private, user=other_curator)
    assert audience(cast.curator) != audience(other_curator)
    assert committees_of(discussions(other_curator)) == {"public", "restricted", "private"}
    assert audience(cast.other_admin) != audience(cast.member)
    assert audience(poverty["leaver"]) == audience(cast.other_admin)  # neither sits anywhere


@pytest.mark.parametrize("listing", ["resources", "discussions"])
def test_the_search_page_reads_a_constant_number_of_queries(
    client, cast, trio, listing, django_assert_max_num_queries
):
    """Resources: their count, facets and page ids in one query and their rows in a second
    (SQLite reads the candidates first), and the discussions' count in one more (SQLite: the
    candidates). Discussions: the resources' count, the discussions' count and page ids in one
    query, the page's threads and their posts in two more."""
    from territories.geography.selectors import loaded_region

    loaded_region()  # every page's header: read once, then cached
    pinned = {"resources": 4, "discussions": 5}[listing]
    params = {"q": "impayés"} | ({"dans": "discussions"} if listing == "discussions" else {})
    counts = []
    for threads in (1, 6):
        while Thread.objects.count() < threads:
            thread = forums.thread_create(
                user=cast.org_admin,
                committee=trio.public,
                title=f"Les impayés {Thread.objects.count()}",
                body="Les impayés de loyer.",
            )
            for _ in range(4):
                forums.post_create(user=cast.member, thread=thread, body="Encore des impayés.")
            make(f"Les impayés {threads}", "Une étude sur les impayés.")
        with django_assert_max_num_queries(pinned) as captured:
            page = client.get(SEARCH, params)
        counts.append(len(captured))
        assert facet(page)["count"] == threads
    assert counts[0] == counts[1]
    client.force_login(cast.member)
    with django_assert_max_num_queries(pinned + 6):
        page = client.get(SEARCH, params)
    assert facet(page)["count"] == 6


def test_no_markup_of_a_post_reaches_an_excerpt(cast, trio):
    forums.thread_create(
        user=cast.org_admin,
        committee=trio.public,
        title="Rencontre",
        body="> Citation\n\nLes [impayés](https://exemple.test) d'**énergie**, @[Mina Membre].",
    )
    (thread,) = discussions(None, "impayés").items
    excerpt = str(thread.matches[0].excerpt)
    assert re.sub(r"</?mark>", "", excerpt) == (
        "Citation Les impayés d&#x27;énergie, @Mina Membre."
    )


def test_a_kept_search_page_never_reaches_a_reader_of_other_forums(
    client, settings, cast, trio, poverty
):
    """Search pages are kept per audience (portal.pagecache): a curator who sits on the
    private committee and one who does not read every resource alike, not the same forums."""
    settings.PAGE_CACHE_TTL = 300

    def drawn(page):  # by the search view, not read from the kept pages
        return page.context is not None and "result" in page.context

    seated, alike = (
        UserFactory(email=f"curation{n}@exemple.test", groups=[PortalGroup.CURATOR]) for n in (2, 3)
    )
    for curator in (seated, alike):
        CommitteeMembership.objects.create(committee=trio.private, user=curator)
    params = {"q": "pauvreté", "dans": "discussions"}
    client.force_login(seated)
    assert MARKERS["private"] in listed(client.get(SEARCH, params))
    # The page is kept: a reader of the same forums is served it.
    client.force_login(alike)
    assert not drawn(client.get(SEARCH, params))
    client.force_login(cast.curator)
    page = client.get(SEARCH, params)
    assert drawn(page)
    assert MARKERS["private"] not in listed(page) and MARKERS["restricted"] in listed(page)
    assert facet(page)["count"] == 2

"""Linking a resource or a territory by its name in a post: who may ask for suggestions, what
they are (never a resource some reader of the post could not read), accents and ligatures
folded, bad and hostile input, and the link in the rendered post."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.committees.forums import links, services
from portal.committees.models import CommitteeMembership
from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
from portal.knowledge.models import Resource
from territories.choices import Level
from territories.geography.models import Territory

pytestmark = pytest.mark.django_db

# The user and their groups, the committee, their seat on it, resources, territories.
LINK_QUERIES = 6


def resource(title, *, slug, status=ResourceStatus.PUBLISHED, **fields):
    return Resource.objects.create(
        kind=ResourceKind.STUDY,
        title=title,
        slug=slug,
        summary="Résumé.",
        status=status,
        published_at=datetime(2024, 3, 1, tzinfo=UTC),
        **fields,
    )


def ask(client, user, committee, q):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("committees:links", args=[committee.slug]), {"q": q})


def labels(response):
    assert response.status_code == 200, response.content
    return [(item["label"], item["kind"]) for item in response.json()["results"]]


@pytest.fixture
def plans(trio):
    """One resource « Plan pauvreté » of each audience and state; only the first is public."""
    return {
        "public": resource("Plan pauvreté 2024", slug="plan-pauvrete-2024"),
        "members": resource(
            "Plan pauvreté des adhérents", slug="plan-adherents", visibility=Visibility.MEMBERS
        ),
        "committee": resource(
            "Plan pauvreté du comité",
            slug="plan-comite",
            visibility=Visibility.COMMITTEE,
            committee=trio.private,
        ),
        "draft": resource(
            "Plan pauvreté brouillon", slug="plan-brouillon", status=ResourceStatus.DRAFT
        ),
        "archived": resource(
            "Plan pauvreté ancien", slug="plan-ancien", status=ResourceStatus.ARCHIVED
        ),
    }


@pytest.mark.parametrize("access", ["public", "restricted", "private"])
def test_members_are_proposed_only_what_every_reader_may_read(client, cast, trio, plans, access):
    committee = getattr(trio, access)
    for writer in (cast.member, cast.org_admin):
        response = ask(client, writer, committee, "plan pauv")
        assert labels(response) == [("Plan pauvreté 2024", "Ressource")]
        assert response.json()["results"][0]["url"] == "/ressources/plan-pauvrete-2024/"
        assert (
            response.json()["results"][0]["markdown"]
            == "[Plan pauvreté 2024](/ressources/plan-pauvrete-2024/)"
        )
    # Not even the private committee's own resource in its own forum: a thread may move, a
    # committee may open, and a link's text is shown to every reader of the post.
    assert "comité" not in ask(client, cast.member, committee, "plan").content.decode()


@pytest.mark.parametrize(
    ("persona", "access", "status"),
    [
        ("visitor", "public", 302),
        ("other_admin", "public", 403),
        ("other_admin", "restricted", 403),
        ("other_admin", "private", 404),
        # Curators and administrators read a restricted forum but do not write in it.
        ("curator", "restricted", 403),
        ("admin", "public", 403),
        ("admin", "private", 404),
    ],
)
def test_people_who_cannot_post_get_no_suggestions(
    client, cast, trio, plans, persona, access, status
):
    response = ask(client, getattr(cast, persona), getattr(trio, access), "plan")
    assert response.status_code == status
    assert b"Plan pauvret" not in response.content


def test_a_suspended_member_gets_no_suggestions(client, cast, trio, plans):
    CommitteeMembership.objects.filter(committee=trio.public, user=cast.member).update(
        suspended_until=timezone.now() + timedelta(days=1)
    )
    response = ask(client, cast.member, trio.public, "plan")
    assert response.status_code == 403
    assert b"Plan pauvret" not in response.content
    assert labels(ask(client, cast.member, trio.restricted, "plan")) != []


def test_only_get(client, cast, trio):
    client.force_login(cast.member)
    url = reverse("committees:links", args=[trio.public.slug])
    assert client.post(url, {"q": "plan"}).status_code == 405


def test_territories_by_name_accents_and_ligatures_folded(client, cast, trio, small_geography):
    Territory.objects.create(level=Level.COMMUNE, code="22225", name="Plœuc-L'Hermitage")
    assert labels(ask(client, cast.member, trio.public, "epin")) == [("Épinay", "Commune")]
    assert labels(ask(client, cast.member, trio.public, "ÉPINAY")) == [("Épinay", "Commune")]
    assert labels(ask(client, cast.member, trio.public, "beta")) == [("CC Bêta", "EPCI")]
    assert labels(ask(client, cast.member, trio.public, "ploeuc")) == [
        ("Plœuc-L'Hermitage", "Commune")
    ]
    assert labels(ask(client, cast.member, trio.public, "hermitage")) == [
        ("Plœuc-L'Hermitage", "Commune")
    ]
    found = ask(client, cast.member, trio.public, "test").json()["results"]
    assert [(item["label"], item["kind"], item["url"]) for item in found] == [
        ("Région test", "Région", small_geography["region"].get_absolute_url()),
        ("Département test", "Département", small_geography["departement"].get_absolute_url()),
    ]
    assert found[0]["url"] == "/territoires/region/99/"
    # A word of the name starts as typed: « aum » inside « Chaumont » is not one.
    assert labels(ask(client, cast.member, trio.public, "aum")) == []


def test_resource_titles_accents_and_ligatures_folded(client, cast, trio):
    resource("Cœur de quartier", slug="coeur")
    resource("ÉPICERIES solidaires", slug="epiceries")
    for typed in ("coeur", "cœur", "CŒUR", "co", "quart"):
        assert labels(ask(client, cast.member, trio.public, typed)) == [
            ("Cœur de quartier", "Ressource")
        ], typed
    assert labels(ask(client, cast.member, trio.public, "epicerie sol")) == [
        ("ÉPICERIES solidaires", "Ressource")
    ]
    assert labels(ask(client, cast.member, trio.public, "solidaires epi")) == [
        ("ÉPICERIES solidaires", "Ressource")
    ]


def test_the_name_itself_first_then_names_starting_so_then_the_rest(client, cast, trio):
    Territory.objects.create(level=Level.EPCI, code="200000009", name="Chaumont Agglomération")
    Territory.objects.create(level=Level.COMMUNE, code="98003", name="Chaumont")
    Territory.objects.create(level=Level.COMMUNE, code="98010", name="Saint-Chaumont")
    resource("Le guide de Chaumont", slug="guide")
    resource("Chaumont en chiffres", slug="chiffres")
    assert labels(ask(client, cast.member, trio.public, "chaumont")) == [
        ("Chaumont", "Commune"),
        ("Chaumont Agglomération", "EPCI"),
        ("Chaumont en chiffres", "Ressource"),
        ("Saint-Chaumont", "Commune"),
        ("Le guide de Chaumont", "Ressource"),
    ]


def test_larger_then_more_populous_territories_first(client, cast, trio):
    Territory.objects.create(level=Level.COMMUNE, code="98001", name="Saint-Aubin", population=90)
    Territory.objects.create(level=Level.COMMUNE, code="98002", name="Saint-Zénon", population=900)
    Territory.objects.create(level=Level.COMMUNE, code="98003", name="Saint-Brice")
    Territory.objects.create(level=Level.DEPARTEMENT, code="97", name="Saint-Département")
    assert labels(ask(client, cast.member, trio.public, "saint")) == [
        ("Saint-Département", "Département"),
        ("Saint-Zénon", "Commune"),
        ("Saint-Aubin", "Commune"),
        ("Saint-Brice", "Commune"),
    ]


def test_at_most_ten(client, cast, trio):
    for number in range(15):
        Territory.objects.create(
            level=Level.COMMUNE, code=f"980{number:02}", name=f"Saint-Aubin {number}"
        )
        resource(f"Saint-Aubin, étude {number}", slug=f"etude-{number}")
    assert len(labels(ask(client, cast.member, trio.public, "saint aubin"))) == links.LIMIT


@pytest.mark.parametrize("q", ["", " ", "a", "é", "!!", "%%", "__", ".*", "[[", "# ", "'-'"])
def test_short_or_wordless_queries_find_nothing(client, cast, trio, plans, small_geography, q):
    assert labels(ask(client, cast.member, trio.public, q)) == []


def test_a_query_too_long_is_refused_clearly(client, cast, trio, plans):
    response = ask(client, cast.member, trio.public, "p" * (links.MAX_QUERY + 1))
    assert response.status_code == 400
    assert "100" in response.json()["error"]
    assert labels(ask(client, cast.member, trio.public, "plan " + "x" * 95)) == []


def test_regular_expression_characters_are_only_text(client, cast, trio):
    resource("Accès (droits) [guide] a+b", slug="acces")
    resource("Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", slug="a")
    for typed in ("(droits", "[guide]", "a+b", "acc?s", "a{2}", "(a+)+$"):
        found = labels(ask(client, cast.member, trio.public, typed))
        assert found in ([], [("Accès (droits) [guide] a+b", "Ressource")]), typed
    assert labels(ask(client, cast.member, trio.public, "(droits")) == [
        ("Accès (droits) [guide] a+b", "Ressource")
    ]


def test_a_hostile_title_stays_text_in_the_answer_and_in_the_post(client, cast, trio):
    resource("<script>alert(1)</script> Plan *gras*", slug="hostile")
    resource("Plan](javascript:alert(1)) [x", slug="crochets")
    response = ask(client, cast.member, trio.public, "plan")
    assert response["Content-Type"] == "application/json"
    found = {item["url"]: item for item in response.json()["results"]}
    assert found["/ressources/hostile/"]["label"] == "<script>alert(1)</script> Plan *gras*"
    body = " ".join(item["markdown"] for item in found.values())
    thread = services.thread_create(
        user=cast.member, committee=trio.public, title="Liens", body=body
    )
    html = thread.posts.get().body_html
    assert "<script" not in html and 'href="javascript' not in html
    assert (
        '<a href="/ressources/hostile/" rel="nofollow noopener">'
        "&lt;script&gt;alert(1)&lt;/script&gt; Plan *gras*</a>" in html
    )
    assert (
        '<a href="/ressources/crochets/" rel="nofollow noopener">'
        "Plan](javascript:alert(1)) [x</a>" in html
    )


def test_the_chosen_link_shows_in_the_posted_thread(client, cast, trio, small_geography):
    client.force_login(cast.member)
    choice = ask(client, cast.member, trio.restricted, "epinay").json()["results"][0]
    response = client.post(
        reverse("committees:thread_create", args=[trio.restricted.slug]),
        {"title": "Épinay", "body": f"Qui connaît {choice['markdown']} ?"},
        follow=True,
    )
    page = response.content.decode()
    assert (
        'Qui connaît <a href="/territoires/commune/98005/" rel="nofollow noopener">Épinay</a> ?'
        in page
    )
    assert client.get("/territoires/commune/98005/").status_code == 200


def test_the_writing_pages_give_the_address_of_the_suggestions(client, cast, trio, threads):
    client.force_login(cast.member)
    address = f'data-links="/comites/{trio.public.slug}/forum/liens/"'
    post = threads.public.posts.get(author=cast.member)
    for url in (
        reverse("committees:thread_create", args=[trio.public.slug]),
        threads.public.get_absolute_url(),
        reverse("committees:reply", args=[trio.public.slug, threads.public.pk]),
        reverse("committees:post_edit", args=[trio.public.slug, post.pk]),
    ):
        assert address in client.get(url).content.decode(), url
    page = client.get(threads.public.get_absolute_url()).content.decode()
    assert "tapez # et le début de son nom pour choisir sa page" in page


@pytest.mark.parametrize("many", [False, True])
def test_a_constant_number_of_queries(
    client, cast, trio, small_geography, many, django_assert_num_queries
):
    for number in range(30 if many else 1):
        resource(f"Étude {number}", slug=f"etude-{number}")
        Territory.objects.create(
            level=Level.COMMUNE, code=f"970{number:02}", name=f"Étude-la-Ville {number}"
        )
    client.force_login(cast.member)
    url = reverse("committees:links", args=[trio.public.slug])
    with django_assert_num_queries(LINK_QUERIES):
        found = client.get(url, {"q": "etude"}).json()["results"]
    assert len(found) == (links.LIMIT if many else 2)

"""Optional categories of a forum: the coordinators define them in the committee's pages, a
thread's author files it under one, a coordinator moves it (logged), readers filter the forum
by one; a forum without categories shows nothing of them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.committees.choices import ModerationAction
from portal.committees.forums import categories, services
from portal.committees.forums.models import ForumCategory, Thread
from portal.committees.moderation.models import ModerationEntry
from portal.committees.moderation.services import thread_move

pytestmark = pytest.mark.django_db


def as_(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def forum_url(committee):
    return reverse("committees:forum", args=[committee.slug])


def manage_url(committee):
    return reverse("committees:forum_categories", args=[committee.slug])


@pytest.fixture
def sorted_forum(cast, trio):
    """The public committee's forum with two categories and three threads, one in each and
    one without."""
    accueil = categories.category_create(
        user=cast.org_admin, committee=trio.public, name="Accueil de jour", position=2
    )
    logement = categories.category_create(
        user=cast.org_admin,
        committee=trio.public,
        name="Logement",
        description="Hébergement d'urgence, bailleurs.",
        position=1,
    )
    threads = {
        key: services.thread_create(
            user=cast.member,
            committee=trio.public,
            title=f"Sujet {key}",
            body="x",
            category=category,
        )
        for key, category in (("accueil", accueil), ("logement", logement), ("libre", None))
    }
    return accueil, logement, threads


def test_a_coordinator_defines_categories_in_the_committee_pages(client, cast, trio):
    as_(client, cast.org_admin)
    assert client.get(manage_url(trio.public)).status_code == 200
    response = client.post(
        manage_url(trio.public),
        {"name": "  Accès aux droits ", "position": "3", "description": "CAF, MDPH"},
    )
    assert response.status_code == 302
    category = ForumCategory.objects.get()
    assert (category.name, category.slug, category.position, category.description) == (
        "Accès aux droits",
        "acces-aux-droits",
        3,
        "CAF, MDPH",
    )
    edit = reverse("committees:forum_category", args=[trio.public.slug, category.pk])
    client.post(edit, {"name": "Droits", "position": "0", "description": ""})
    category.refresh_from_db()
    assert (category.name, category.slug, category.position) == ("Droits", "droits", 0)
    forum = client.get(forum_url(trio.public)).content.decode()
    assert "?categorie=droits" in forum and manage_url(trio.public) in forum


def test_categories_list_in_their_order_and_filter_the_forum(client, cast, trio, sorted_forum):
    page = client.get(forum_url(trio.public))
    assert [c.name for c in page.context["categories"]] == ["Logement", "Accueil de jour"]
    content = page.content.decode()
    assert content.count('class="badge badge-category"') == 2  # the third has none
    assert manage_url(trio.public) not in content  # for the coordinators only
    filtered = client.get(forum_url(trio.public), {"categorie": "logement"})
    assert [t.title for t in filtered.context["threads"]] == ["Sujet logement"]
    assert "Hébergement d&#x27;urgence, bailleurs." in filtered.content.decode()
    assert 'aria-current="page">Logement' in filtered.content.decode()
    assert client.get(forum_url(trio.public), {"categorie": "inconnue"}).status_code == 404
    # Another committee's category does not filter this forum.
    ForumCategory.objects.create(committee=trio.restricted, name="Ailleurs", slug="ailleurs")
    assert client.get(forum_url(trio.public), {"categorie": "ailleurs"}).status_code == 404


def test_the_pages_of_a_category_keep_it(client, cast, trio, sorted_forum):
    accueil, _, _ = sorted_forum
    for number in range(25):
        services.thread_create(
            user=cast.member, committee=trio.public, title=f"S{number}", body="x", category=accueil
        )
    page = client.get(forum_url(trio.public), {"categorie": accueil.slug})
    assert 'href="?categorie=accueil-de-jour&amp;page=2"' in page.content.decode()
    second = client.get(forum_url(trio.public), {"categorie": accueil.slug, "page": 2})
    assert len(second.context["threads"]) == 6
    assert {t.category_id for t in second.context["threads"]} == {accueil.pk}


def test_without_categories_nothing_of_them_shows(client, cast, trio, threads):
    as_(client, cast.member)
    forum = client.get(forum_url(trio.public)).content.decode()
    assert "category-nav" not in forum and "badge-category" not in forum
    create = client.get(reverse("committees:thread_create", args=[trio.public.slug]))
    assert "category" not in create.context["form"].fields
    as_(client, cast.org_admin)
    thread = client.get(threads.public.get_absolute_url()).content.decode()
    assert "thread-category" not in thread


def test_the_author_chooses_a_category_when_starting_a_thread(client, cast, trio, sorted_forum):
    accueil, _, _ = sorted_forum
    as_(client, cast.member)
    create = reverse("committees:thread_create", args=[trio.public.slug])
    assert "category" in client.get(create).context["form"].fields
    client.post(create, {"title": "Nouveau", "body": "x", "category": accueil.pk})
    thread = Thread.objects.get(title="Nouveau")
    assert thread.category == accueil
    assert "Accueil de jour" in client.get(thread.get_absolute_url()).content.decode()
    # A category of another committee, forged: refused, nothing started.
    elsewhere = ForumCategory.objects.create(committee=trio.private, name="Secret", slug="secret")
    refused = client.post(create, {"title": "Forgé", "body": "x", "category": elsewhere.pk})
    assert refused.status_code == 200 and refused.context["form"].errors["category"]
    with pytest.raises(ValidationError):
        services.thread_create(
            user=cast.member, committee=trio.public, title="Forgé", body="x", category=elsewhere
        )
    assert not Thread.objects.filter(title="Forgé").exists()


def test_a_coordinator_refiles_a_thread_and_the_log_says_so(client, cast, trio, sorted_forum):
    accueil, logement, threads = sorted_forum
    thread = threads["libre"]
    url = reverse("committees:thread_category", args=[trio.public.slug, thread.pk])
    as_(client, cast.org_admin)
    assert 'id="thread-category"' in client.get(thread.get_absolute_url()).content.decode()
    client.post(url, {"category": logement.pk})
    thread.refresh_from_db()
    assert thread.category == logement
    entry = ModerationEntry.objects.get(action=ModerationAction.CATEGORY)
    assert (entry.actor, entry.thread, entry.reason) == (cast.org_admin, thread, "Logement")
    client.post(url, {"category": ""})
    thread.refresh_from_db()
    assert thread.category is None
    log = client.get(reverse("committees:moderation_log", args=[trio.public.slug]))
    assert "Catégorie du sujet changée" in log.content.decode()
    # Forged: another committee's category, or a member's request.
    elsewhere = ForumCategory.objects.create(committee=trio.restricted, name="Autre", slug="autre")
    client.post(url, {"category": elsewhere.pk})
    as_(client, cast.member)
    assert client.post(url, {"category": accueil.pk}).status_code == 403
    with pytest.raises(PermissionDenied):
        categories.thread_categorise(user=cast.member, thread=thread, category=accueil)
    thread.refresh_from_db()
    assert thread.category is None
    assert ModerationEntry.objects.filter(action=ModerationAction.CATEGORY).count() == 2


def test_deleting_a_category_leaves_its_threads_uncategorised(client, cast, trio, sorted_forum):
    accueil, _, threads = sorted_forum
    as_(client, cast.org_admin)
    delete = reverse("committees:forum_category_delete", args=[trio.public.slug, accueil.pk])
    assert client.post(delete).status_code == 302
    assert not ForumCategory.objects.filter(pk=accueil.pk).exists()
    thread = Thread.objects.get(pk=threads["accueil"].pk)
    assert thread.category is None and thread.posts.count() == 1
    assert client.get(forum_url(trio.public), {"categorie": accueil.slug}).status_code == 404


def test_moving_a_thread_leaves_its_category_behind(cast, trio, sorted_forum):
    _, _, threads = sorted_forum
    thread_move(user=cast.org_admin, thread=threads["accueil"], target=trio.restricted)
    thread = Thread.objects.get(pk=threads["accueil"].pk)
    assert thread.committee == trio.restricted and thread.category is None


def test_bad_categories_are_refused_and_change_nothing(client, cast, trio, sorted_forum):
    accueil, _, _ = sorted_forum
    as_(client, cast.org_admin)
    for data in (
        {"name": "", "position": "0"},
        {"name": "!!!", "position": "0"},  # no letter nor digit: no address
        {"name": "ACCUEIL DE JOUR", "position": "0"},  # the same address as another
        {"name": "Santé", "position": "-1"},
        {"name": "Santé", "position": "deux"},
        {"name": "x" * 81, "position": "0"},
    ):
        response = client.post(manage_url(trio.public), data)
        assert response.status_code == 200 and response.context["form"].errors, data
    assert (
        "Ce forum a déjà une catégorie de ce nom."
        in client.post(
            manage_url(trio.public), {"name": "Accueil de Jour", "position": "0"}
        ).content.decode()
    )
    edit = reverse("committees:forum_category", args=[trio.public.slug, accueil.pk])
    assert client.post(edit, {"name": "Logement", "position": "0"}).status_code == 200
    with pytest.raises(ValidationError):
        categories.category_create(
            user=cast.org_admin, committee=trio.public, name="Logement", position=0
        )
    accueil.refresh_from_db()
    assert accueil.name == "Accueil de jour"
    assert ForumCategory.objects.filter(committee=trio.public).count() == 2


# Who may not manage the categories nor refile a thread, per committee visibility: a
# visitor is sent to log in; a private committee is unknown to who does not sit on it,
# administrators included.
REFUSED = {
    "public": {"visitor": 302, "member": 403, "other_admin": 403, "curator": 403},
    "restricted": {"visitor": 302, "member": 403, "other_admin": 403, "curator": 403},
    "private": {"visitor": 302, "member": 403, "other_admin": 404, "curator": 404, "admin": 404},
}


@pytest.mark.parametrize("access", ["public", "restricted", "private"])
def test_only_coordinators_manage_categories(client, cast, trio, access):
    committee = getattr(trio, access)
    category = ForumCategory.objects.create(committee=committee, name="Garde", slug="garde")
    thread = services.thread_create(user=cast.member, committee=committee, title="T", body="x")
    forged = {
        manage_url(committee): {"name": "Intrus", "position": "0"},
        reverse("committees:forum_category", args=[committee.slug, category.pk]): {
            "name": "Intrus",
            "position": "0",
        },
        reverse("committees:forum_category_delete", args=[committee.slug, category.pk]): {},
        reverse("committees:thread_category", args=[committee.slug, thread.pk]): {
            "category": category.pk
        },
    }
    for persona, expected in REFUSED[access].items():
        as_(client, getattr(cast, persona))
        for url, data in forged.items():
            assert client.post(url, data).status_code == expected, (persona, url)
    category.refresh_from_db()
    thread.refresh_from_db()
    assert category.name == "Garde" and thread.category is None
    assert ForumCategory.objects.filter(committee=committee).count() == 1
    assert not ModerationEntry.objects.exists()
    managers = ["org_admin"] if access == "private" else ["org_admin", "admin"]
    for persona in managers:
        as_(client, getattr(cast, persona))
        assert client.get(manage_url(committee)).status_code == 200
        url = reverse("committees:thread_category", args=[committee.slug, thread.pk])
        assert client.post(url, {"category": category.pk}).status_code == 302
    thread.refresh_from_db()
    assert thread.category == category

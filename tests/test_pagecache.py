"""Pages kept for anonymous visitors (portal.pagecache): read without a query, never shown to
anyone they could differ for, and renewed as soon as a write that may show on them commits."""

import gzip
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.choices import PortalGroup
from portal.committees.choices import CommitteeAccess
from portal.committees.forums import services as forums
from portal.committees.models import Committee, CommitteeMembership
from portal.knowledge.curation import services as curation
from portal.pagecache import generation
from territories.catalogue.models import IndicatorValue
from territories.pipeline import services as pipeline
from tests.knowledge.helpers import published
from tests.territories.pipeline.test_pipeline import put


@pytest.fixture(autouse=True)
def kept(settings):
    settings.PAGE_CACHE_TTL = 300


@pytest.fixture
def run_published(small_geography, django_capture_on_commit_callbacks):
    """Populations of the small région, recomputed and published (committed)."""
    values = {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250}
    put(small_geography, "population", values)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.recompute_now(reason="first")
    return small_geography


@pytest.fixture
def resource(cast, organisation):
    return published(cast, organisation, title="Accueil de jour à Laval")


def test_an_anonymous_page_is_read_without_a_query(client, resource, django_assert_num_queries):
    first = client.get(resource.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(resource.get_absolute_url())
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_an_edit_shows_as_soon_as_it_commits(
    client, cast, resource, django_capture_on_commit_callbacks
):
    before = client.get("/").content
    # QuerySet.update() sends no signal: the SQL itself is watched.
    with django_capture_on_commit_callbacks(execute=True):
        curation.resource_feature(user=cast.curator, resource=resource, featured=True)
    after = client.get("/").content
    assert after != before
    assert "Accueil de jour à Laval" in after.decode()


def test_an_uncommitted_write_leaves_the_kept_page(client, cast, resource):
    before = client.get("/").content
    curation.resource_feature(user=cast.curator, resource=resource, featured=True)
    # The test's transaction never commits: the write may still be rolled back.
    assert client.get("/").content == before


def test_a_new_run_shows_as_soon_as_it_is_published(
    client, small_geography, run_published, django_capture_on_commit_callbacks
):
    address = "/api/v1/values/?indicator=population&level=region&period=2021"
    assert client.get(address).json()[0]["value"] == 1000
    IndicatorValue.objects.filter(territory=small_geography["98001"]).update(value=1100)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.recompute_now(reason="second")
    assert client.get(address).json()[0]["value"] == 2000


def test_a_logged_in_person_never_gets_a_kept_page_nor_leaves_one(client, cast, trio_private):
    committee, thread = trio_private
    # Anonymous first: the private committee's forum is refused, and that is not kept.
    refused = client.get(committee.get_absolute_url())
    client.force_login(cast.member)
    seen = client.get(thread.get_absolute_url())
    assert "Sujet confidentiel" in seen.content.decode()
    assert client.get("/").content.decode().count("Mina Membre") >= 1
    client.logout()
    for address in (committee.get_absolute_url(), thread.get_absolute_url(), "/"):
        page = client.get(address)
        assert "Sujet confidentiel" not in page.content.decode()
        assert "Mina Membre" not in page.content.decode()
    assert refused.status_code in (302, 403, 404)


@pytest.fixture
def trio_private(cast):
    committee = Committee.objects.create(
        name="Comité secret", slug="secret", access=CommitteeAccess.PRIVATE
    )
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    thread = forums.thread_create(
        user=cast.member, committee=committee, title="Sujet confidentiel", body="Entre nous."
    )
    return committee, thread


def test_pages_with_a_csrf_token_are_never_kept(client, db):
    first = client.get("/compte/login/")
    again = client.get("/compte/login/")
    assert "csrftoken" in first.cookies and "csrftoken" in again.cookies


def test_each_language_and_encoding_has_its_own_page(client, db):
    french = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert '<html lang="fr">' in french and '<html lang="en">' in english
    compressed = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content).decode() == english
    assert "Content-Encoding" not in client.get("/")


def test_bookkeeping_writes_do_not_renew_pages(client, cast, django_capture_on_commit_callbacks):
    token = generation.current()
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(cast.member)  # a session row, a last-login date
        client.get("/")
    assert generation.current() != token  # last_login is a write to the user
    token = generation.current()
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/carte/")  # the session is saved again: bookkeeping
    assert generation.current() == token


def test_when_the_cache_is_away_every_page_is_computed(client, resource, monkeypatch):
    first = client.get(resource.get_absolute_url())
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    again = client.get(resource.get_absolute_url())
    assert again.status_code == 200 and again.content == first.content


def _digits(response):
    return re.sub(r"[\s\u00a0\u202f]", "", response.content.decode())


def test_a_portrait_is_kept_for_members_too_and_shows_the_new_run(
    client, cast, small_geography, run_published, django_capture_on_commit_callbacks
):
    client.force_login(cast.member)
    address = small_geography["epci_a"].get_absolute_url()
    with CaptureQueriesContext(connection) as first:
        assert ">600<" in _digits(client.get(address))
    with CaptureQueriesContext(connection) as again:
        client.get(address)
    # The values, members, signals and typology are read from the kept fragments.
    assert len(again) < len(first) - 4
    IndicatorValue.objects.filter(territory=small_geography["98001"]).update(value=1100)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.recompute_now(reason="second")
    assert ">1600<" in _digits(client.get(address))


def test_a_role_given_shows_in_the_menu_at_once(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.member)
    imports = reverse("territories:import_list")
    assert imports not in client.get("/carte/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        cast.member.groups.add(Group.objects.get(name=PortalGroup.ANALYST))
    assert imports in client.get("/carte/").content.decode()


@pytest.mark.parametrize(
    "sql, table",
    [
        ('INSERT INTO "knowledge_resource" ("title") VALUES (%s)', "knowledge_resource"),
        ('INSERT OR IGNORE INTO "accounts_user_groups" VALUES (1, 2)', "accounts_user_groups"),
        ('  UPDATE "territories_pipelinerun" SET "state" = %s', "territories_pipelinerun"),
        ('DELETE FROM "committees_post" WHERE "id" = 3', "committees_post"),
    ],
)
def test_every_form_of_write_names_its_table(sql, table):
    assert generation.WRITE.match(sql).group(1) == table
    assert generation.WRITE.match('SELECT "x" FROM "knowledge_resource"') is None


@pytest.mark.parametrize(
    "address",
    [
        "/carte/",
        "/indicateurs/population/",
        "/territoires/comparer/?t=epci/200000001&t=epci/200000002",
        "/carte/croiser/",
        "/territoires/signaux/",
        "/",
    ],
)
def test_pages_keep_what_is_the_same_for_every_member(client, cast, address, run_published):
    client.force_login(cast.member)
    with CaptureQueriesContext(connection) as first:
        assert client.get(address).status_code == 200
    with CaptureQueriesContext(connection) as again:
        page = client.get(address)
    assert len(again) < len(first)
    assert "Mina Membre" in page.content.decode()  # the header stays personal


def test_reviewers_get_their_own_forms_never_a_kept_list(client, cast, small_geography):
    client.force_login(cast.analyst)
    client.get("/territoires/signaux/")
    with CaptureQueriesContext(connection) as again:
        client.get("/territoires/signaux/")
    # The list is read again: a reviewer's forms carry their own CSRF token.
    assert any("territories_weaksignal" in query["sql"] for query in again.captured_queries)


def test_public_read_apis_are_kept_for_everyone(client, cast, small_geography, settings):
    assert "territory-list" in settings.PAGE_CACHE_SAME_FOR_EVERYONE
    anonymous = client.get("/api/v1/territories/?level=commune")
    client.force_login(cast.member)
    with CaptureQueriesContext(connection) as queries:
        member = client.get("/api/v1/territories/?level=commune")
    assert member.content == anonymous.content
    assert len(queries) == 0
    # A page with a personal part is not: the member's header is drawn for them.
    assert "Mina Membre" in client.get("/carte/").content.decode()


def test_a_wrong_api_token_is_still_refused(client, small_geography):
    assert client.get("/api/v1/territories/").status_code == 200
    refused = client.get("/api/v1/territories/", HTTP_AUTHORIZATION="Token faux")
    assert refused.status_code == 401


def test_portrait_sections_are_kept_per_audience_never_shown_beyond_it(
    client, cast, small_geography
):
    secret = Committee.objects.create(
        name="Comité secret de la région",
        slug="secret-region",
        access=CommitteeAccess.PRIVATE,
        territory=small_geography["region"],
    )
    CommitteeMembership.objects.create(committee=secret, user=cast.member)
    address = small_geography["98001"].get_absolute_url()
    client.force_login(cast.member)
    assert "Comité secret de la région" in client.get(address).content.decode()
    assert "Comité secret de la région" in client.get(address).content.decode()  # kept
    for other in (cast.other_admin, None):
        client.logout()
        if other:
            client.force_login(other)
        assert "Comité secret de la région" not in client.get(address).content.decode()
    client.force_login(cast.curator)
    assert "Comité secret de la région" in client.get(address).content.decode()


# Pages kept per audience for logged-in readers (PAGE_CACHE_PER_AUDIENCE, pagecache.holes).


def _token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_an_audience_shares_a_page_each_reader_with_their_own_header_and_token(
    cast, run_published, django_assert_max_num_queries
):
    from django.test import Client

    first, second = Client(), Client(enforce_csrf_checks=True)
    first.force_login(cast.member)
    second.force_login(cast.other_admin)
    drawn = first.get("/carte/").content.decode()
    second.get("/")  # their roles, for the menu, are kept for them
    with django_assert_max_num_queries(1):  # the session's person; nothing of the page
        kept = second.get("/carte/").content.decode()
    assert "Omar Autre" in kept and "Mina Membre" not in kept
    assert "Mina Membre" in drawn and "Omar Autre" not in drawn
    # The same page around the header and the tokens.
    assert re.sub(r"<!--personal.*?/personal-->", "", drawn, flags=re.S).replace(
        _token(drawn), ""
    ) == re.sub(r"<!--personal.*?/personal-->", "", kept, flags=re.S).replace(_token(kept), "")
    # The kept page's token is the reader's own: their logout form works.
    assert second.post("/compte/logout/", {"csrfmiddlewaretoken": _token(kept)}).status_code == 302
    assert "Omar Autre" not in second.get("/carte/").content.decode()


def test_a_kept_page_compressed_reads_as_the_page(client, cast, run_published):
    client.force_login(cast.member)
    plain = client.get("/carte/").content.decode()
    compressed = client.get("/carte/", HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    unpacked = gzip.decompress(compressed.content).decode()
    assert unpacked.replace(_token(unpacked), "") == plain.replace(_token(plain), "")


def test_a_portrait_tells_each_reader_whether_they_follow_and_shows_their_message(
    client, cast, small_geography, django_capture_on_commit_callbacks
):
    territory = small_geography["98001"]
    address = territory.get_absolute_url()
    client.force_login(cast.other_admin)
    assert "Suivre ce territoire" in client.get(address).content.decode()
    client.force_login(cast.member)
    assert "Suivre ce territoire" in client.get(address).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        followed = client.post(
            reverse("signals:follow", args=[territory.level, territory.code]), follow=True
        )
    page = followed.content.decode()
    assert "Ne plus suivre ce territoire" in page
    assert "Vous recevrez un e-mail" in page  # the pending message, drawn once
    assert "Vous recevrez un e-mail" not in client.get(address).content.decode()
    client.force_login(cast.other_admin)
    page = client.get(address).content.decode()
    assert "Suivre ce territoire" in page and "Ne plus suivre" not in page


def test_a_resource_is_kept_for_its_readers_never_with_its_workflow(client, cast, resource):
    address = resource.get_absolute_url()
    revisions = reverse("knowledge:resource_revisions", args=[resource.slug])
    for reader in (cast.other_admin, cast.analyst):
        client.force_login(reader)
        assert revisions not in client.get(address).content.decode()
    client.force_login(cast.member)  # its author
    assert revisions in client.get(address).content.decode()
    client.force_login(cast.curator)
    assert "Demander des modifications" in client.get(address).content.decode()


def test_a_committee_page_follows_where_each_reader_stands(
    client, cast, django_capture_on_commit_callbacks
):
    committee = Committee.objects.create(
        name="Comité ouvert", slug="ouvert", access=CommitteeAccess.PUBLIC
    )
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    address = committee.get_absolute_url()
    client.force_login(cast.member)
    assert "Quitter le comité" in client.get(address).content.decode()
    client.force_login(cast.other_admin)
    page = client.get(address).content.decode()
    assert "Quitter le comité" not in page and "Demander à rejoindre" in page
    client.force_login(cast.member)
    assert "Quitter le comité" in client.get(address).content.decode()


def test_personal_parts_are_templates_under_personal(rf):
    from django.template import Context, Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template('{% load pagecache %}{% personal "base.html" %}').render(Context())


def test_forms_carry_their_token_only_through_the_csrf_token_tag():
    """A kept page's CSRF tokens are found by the field the tag draws; any other use of the
    token would be served to another reader."""
    from pathlib import Path

    from django.conf import settings

    roots = [Path(settings.BASE_DIR)]
    found = [
        str(path)
        for root in roots
        for path in root.glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        and re.search(r"csrf_token(?!\s*%\})|get_token", path.read_text())
    ]
    assert found == []


def test_the_session_person_is_read_once_then_kept_until_the_next_write(
    client, cast, run_published, django_assert_num_queries
):
    client.force_login(cast.member)
    client.get("/carte/")
    with django_assert_num_queries(0):  # the person and the page: both kept
        page = client.get("/carte/").content.decode()
    assert "Mina Membre" in page


def test_a_kept_person_never_outlives_a_new_password_or_a_closed_account(
    cast, run_published, django_capture_on_commit_callbacks
):
    from django.test import Client

    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(cast.member)
        assert "Mina Membre" in client.get("/carte/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        cast.member.set_password("un-tout-nouveau-mot-de-passe")
        cast.member.save()
    assert "Mina Membre" not in first.get("/carte/").content.decode()  # logged out
    second.force_login(cast.member)  # logged in again, with the new password
    assert "Mina Membre" in second.get("/carte/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        type(cast.member).objects.filter(pk=cast.member.pk).update(is_active=False)
    assert "Mina Membre" not in second.get("/carte/").content.decode()


def test_a_kept_page_reads_the_cache_in_three_round_trips(
    client, cast, run_published, monkeypatch, redis_available
):
    """The session, then the person with their audience and header (pagecache.batch), then
    the page: each would otherwise be a round trip of its own."""
    import redis

    client.force_login(cast.member)
    for _ in range(2):
        client.get("/carte/")
    commands = []
    original = redis.Redis.execute_command

    def counted(self, *args, **kwargs):
        commands.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    page = client.get("/carte/").content.decode()
    assert "Mina Membre" in page
    assert commands == ["GET", "MGET", "GET"]

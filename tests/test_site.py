"""The public site: home page, security headers, no external host, API root and schema."""

import re

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from portal.knowledge.reference.services import reference_preconisations_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference():
    reference_preconisations_load()


def test_home_page_says_what_the_portal_is_for(client):
    html = client.get("/").content.decode()
    assert "400 000" in html and "124 000" in html
    for title in [
        "Conforter et partager la connaissance",
        "Politiques publiques régionales",
        "Agir sur les territoires avec les partenaires",
        "Prendre soin de ceux qui agissent",
    ]:
        assert title in html
    assert html.count('href="/preconisations/') >= 13


def test_navigation_shows_only_parts_that_exist(client):
    html = client.get("/").content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    assert "Comités" in nav
    assert "Observatoire" in nav


def test_pages_ask_nothing_of_another_host(client):
    for url in ["/", "/preconisations/", "/compte/login/", "/api/docs/"]:
        html = client.get(url).content.decode()
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], (url, external)


def test_strict_content_security_policy_and_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_healthz_without_a_worker_is_503_and_says_little(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"database", "broker", "workers", "status"}
    assert body["workers"] == "down"


def test_api_root_lists_the_endpoints_and_the_schema_is_valid(client):
    root = client.get("/api/v1/").json()
    assert {"preconisations", "axes", "organisations", "jobs"} <= set(root)
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/preconisations/" in schema["paths"]
    preconisation = client.get("/api/v1/preconisations/12/").json()
    assert preconisation["axis"] == 4


def test_api_token_authentication(client, cast):
    token = Token.objects.create(user=cast.member)
    assert client.get("/api/v1/jobs/").status_code in (401, 403)
    response = client.get("/api/v1/jobs/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    bad = client.get("/api/v1/jobs/", HTTP_AUTHORIZATION="Token forged")
    assert bad.status_code == 401


def test_jobs_api_shows_only_ones_own_jobs(client, cast):
    from jobs.models import Job

    mine = Job.objects.create(kind="x", created_by=cast.member)
    Job.objects.create(kind="x", created_by=cast.analyst)
    client.force_login(cast.member)
    ids = [job["id"] for job in client.get("/api/v1/jobs/").json()["results"]]
    assert ids == [str(mine.pk)]


def test_demo_accounts_are_created_once(capsys):
    call_command("create_demo_accounts")
    first = capsys.readouterr().out
    call_command("create_demo_accounts")
    second = capsys.readouterr().out
    assert first.count("@cohesion.example") == 5
    assert "already created" not in first
    assert second.count("already created") == 5
    from portal.accounts.models import Organisation, User

    assert User.objects.filter(email__endswith="@cohesion.example").count() == 5
    assert Organisation.objects.filter(is_demo=True).count() == 1


def test_list_pages_have_a_constant_number_of_queries(client, django_assert_max_num_queries):
    from tests.factories import OrganisationFactory

    OrganisationFactory.create_batch(30)
    with django_assert_max_num_queries(4):
        client.get("/organisations/")
    with django_assert_max_num_queries(4):
        client.get("/preconisations/")
    with django_assert_max_num_queries(4):
        client.get("/")


def test_api_root_lists_the_territories_endpoints(client):
    root = client.get("/api/v1/").json()
    assert {
        "territories",
        "indicators",
        "values",
        "layers",
        "composites",
        "typologies",
        "signals",
    } <= set(root)


def test_home_page_shows_featured_and_latest_readable_resources(client, cast):
    from django.utils import timezone

    from portal.knowledge.models import Resource

    def resource(slug, **fields):
        values = {"kind": "study", "title": slug, "slug": slug, "summary": "…"}
        values |= {"status": "published", "published_at": timezone.now()} | fields
        return Resource.objects.create(**values)

    resource("mise-en-avant", featured=True)
    resource("recente")
    resource("reservee-aux-membres", visibility="members")
    resource("brouillon-invisible", status="draft")
    html = client.get("/").content.decode()
    assert "mise-en-avant" in html and "recente" in html
    assert "reservee-aux-membres" not in html and "brouillon-invisible" not in html
    client.force_login(cast.member)
    assert "reservee-aux-membres" in client.get("/").content.decode()


@pytest.mark.django_db
def test_pages_and_api_answers_are_compressed_for_clients_that_accept_it(client):
    import gzip

    page = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    assert "Aller au contenu" in gzip.decompress(page.content).decode()
    assert "Accept-Encoding" in page["Vary"]
    plain = client.get("/")
    assert not plain.has_header("Content-Encoding")
    api = client.get("/api/v1/indicators/", HTTP_ACCEPT_ENCODING="gzip")
    assert api.status_code == 200
    assert len(api.content) < 200 or api["Content-Encoding"] == "gzip"

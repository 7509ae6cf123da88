"""The resource pages: editing, concurrent saves, preview, revisions."""

import pytest
from django.urls import reverse

from portal.knowledge.models import Resource
from portal.knowledge.resources import services
from tests.knowledge.helpers import draft, form_data, published

pytestmark = pytest.mark.django_db


def test_other_organisation_cannot_edit_or_see_a_draft(client, cast, organisation):
    resource = draft(cast, organisation)
    client.force_login(cast.other_admin)
    url = reverse("knowledge:resource_edit", args=[resource.slug])
    assert client.post(url, {"title": "Piraté"}).status_code == 404
    resource = published(cast, organisation, title="Publiée")
    url = reverse("knowledge:resource_edit", args=[resource.slug])
    assert client.post(url, {"title": "Piraté"}).status_code == 403
    assert Resource.objects.get(pk=resource.pk).title == "Publiée"


def test_edit_view_warns_on_concurrent_save_and_keeps_the_text(client, cast, organisation):
    resource = draft(cast, organisation)
    stale = form_data(resource, body="Mon long texte")
    services.resource_update(user=cast.org_admin, resource=resource, version=1, title="Autre")
    client.force_login(cast.member)
    response = client.post(reverse("knowledge:resource_edit", args=[resource.slug]), stale)
    assert response.status_code == 409
    assert "Mon long texte" in response.content.decode()
    resource.refresh_from_db()
    assert (resource.title, resource.body) == ("Autre", "Du **texte**.")


def test_preview_renders_sanitised_html_without_saving(client, cast, organisation):
    client.force_login(cast.member)
    data = form_data(
        Resource(kind="study", title="T", summary="S", organisation=organisation, version=1),
        body="**gras** <script>alert(1)</script>",
        preview="1",
    )
    response = client.post(reverse("knowledge:resource_create"), data)
    content = response.content.decode()
    assert "<strong>gras</strong>" in content
    assert "<script>alert(1)" not in content
    assert not Resource.objects.exists()


@pytest.mark.parametrize("query", ["de=1&a=2", "de=x&a=2", "de=99999999999999999999&a=1", "a=-1"])
def test_revisions_page_compares_valid_numbers_and_ignores_others(
    client, cast, organisation, query
):
    resource = draft(cast, organisation)
    services.resource_update(user=cast.member, resource=resource, version=1, body="Autre texte.")
    client.force_login(cast.member)
    url = reverse("knowledge:resource_revisions", args=[resource.slug])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    assert (response.context["diff"] is not None) is (query == "de=1&a=2")


def test_the_differences_name_the_fields_and_the_links_in_french(
    client, cast, organisation, themes
):
    resource = draft(cast, organisation)
    theme = themes["logement"]
    services.resource_update(
        user=cast.member, resource=resource, version=1, body="Autre texte.", themes=[theme]
    )
    client.force_login(cast.member)
    url = reverse("knowledge:resource_revisions", args=[resource.slug])
    html = client.get(f"{url}?de=1&a=2").content.decode()
    assert "<caption>Texte (Markdown)</caption>" in html
    assert "<caption>body</caption>" not in html and "<caption>links</caption>" not in html
    assert "Thèmes : Logement" in html and "themes: logement" not in html

"""Authoring and curation of resources: services, rules, visibility and views."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.models import Attachment, Resource, ReviewEvent
from portal.knowledge.resources import selectors, services

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def draft(cast, organisation, **fields):
    values = {
        "kind": ResourceKind.PRACTICE_SHEET,
        "title": "Accueil de jour",
        "summary": "Un accueil sans condition.",
        "body": "Du **texte**.",
        "organisation": organisation,
        "visibility": Visibility.PUBLIC,
    }
    values.update(fields)
    return services.resource_create(user=cast.member, **values)


def published(cast, organisation, **fields):
    resource = draft(cast, organisation, **fields)
    services.resource_submit(user=cast.member, resource=resource)
    return services.resource_publish(user=cast.curator, resource=resource)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://evil.example"></iframe>',
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    ],
)
def test_hostile_markdown_comes_out_inert(hostile):
    html = markdown_to_html(hostile)
    for bad in ("<script", "<iframe", "<svg", '<a href="javascript', 'src="data:'):
        assert bad not in html
    # Text may mention an attribute; no tag may carry one.
    assert not re.search(r"<[a-z][^>]*\son\w+=", html)


def test_markdown_keeps_harmless_formatting():
    html = markdown_to_html(
        "## Titre\n\n[lien](https://exemple.fr) ![i](/a.png)\n\n| a |\n|---|\n| 1 |"
    )
    assert "<h2>Titre</h2>" in html
    assert 'rel="nofollow noopener"' in html
    assert '<img src="/a.png" alt="i">' in html
    assert "<table>" in html


def test_create_keeps_a_revision_and_the_creator_as_author(cast, organisation):
    resource = draft(cast, organisation)
    assert resource.status == ResourceStatus.DRAFT
    assert resource.version == 1
    assert "<strong>texte</strong>" in resource.body_html
    assert list(resource.authors.all()) == [cast.member]
    assert resource.revisions.get().snapshot["title"] == "Accueil de jour"


def test_member_cannot_create_for_another_organisation(cast, other_organisation):
    with pytest.raises(PermissionDenied):
        draft(cast, other_organisation)


def test_update_increments_version_and_refuses_a_stale_edit(cast, organisation):
    resource = draft(cast, organisation)
    services.resource_update(user=cast.member, resource=resource, version=1, title="Deux")
    resource.refresh_from_db()
    assert (resource.version, resource.title) == (2, "Deux")
    with pytest.raises(services.StaleEdit):
        services.resource_update(user=cast.org_admin, resource=resource, version=1, title="Vieux")
    resource.refresh_from_db()
    assert resource.title == "Deux"
    assert resource.revisions.count() == 2


def test_workflow_with_events_notifications_and_double_publish(
    cast, organisation, django_capture_on_commit_callbacks
):
    resource = draft(cast, organisation)
    services.resource_submit(user=cast.member, resource=resource)
    with pytest.raises(ValidationError):
        services.resource_request_changes(user=cast.curator, resource=resource, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.resource_request_changes(user=cast.curator, resource=resource, comment="Sources ?")
    assert mail.outbox[-1].to == [cast.member.email]
    assert "Sources ?" in mail.outbox[-1].body
    services.resource_submit(user=cast.member, resource=resource)
    resource = services.resource_publish(user=cast.curator, resource=resource)
    assert resource.published_at is not None
    assert resource.review_date is not None
    with pytest.raises(services.TransitionError):
        services.resource_publish(user=cast.curator, resource=resource)
    actions = list(ReviewEvent.objects.filter(resource=resource).values_list("action", flat=True))
    assert sorted(actions) == sorted(["submit", "request_changes", "submit", "publish"])


@pytest.mark.parametrize("persona", ["member", "org_admin", "other_admin", "analyst"])
def test_only_curators_publish_feature_archive(cast, organisation, persona):
    resource = draft(cast, organisation)
    services.resource_submit(user=cast.member, resource=resource)
    user = getattr(cast, persona)
    with pytest.raises(PermissionDenied):
        services.resource_publish(user=user, resource=resource)
    with pytest.raises(PermissionDenied):
        services.resource_archive(user=user, resource=resource)
    with pytest.raises(PermissionDenied):
        services.resource_request_changes(user=user, resource=resource, comment="x")
    assert Resource.objects.get(pk=resource.pk).status == ResourceStatus.SUBMITTED


@pytest.mark.parametrize(
    ("persona", "may_edit_draft", "may_edit_published"),
    [
        ("member", True, False),
        ("org_admin", True, False),
        ("other_admin", False, False),
        ("analyst", False, False),
        ("curator", True, True),
        ("admin", True, True),
    ],
)
def test_edit_matrix(cast, organisation, persona, may_edit_draft, may_edit_published):
    user = getattr(cast, persona)
    resource = draft(cast, organisation)
    assert user.has_perm("knowledge.change_resource", resource) is may_edit_draft
    resource.status = ResourceStatus.PUBLISHED
    assert user.has_perm("knowledge.change_resource", resource) is may_edit_published


def test_visibility(cast, organisation, django_user_model):
    public = published(cast, organisation, title="Public")
    members = published(cast, organisation, title="Membres", visibility=Visibility.MEMBERS)
    hidden = draft(cast, organisation, title="Brouillon")

    def seen(user):
        return set(selectors.visible_resources(user).values_list("pk", flat=True))

    assert seen(None) == {public.pk}
    assert seen(cast.other_admin) == {public.pk, members.pk}
    assert seen(cast.member) == seen(cast.org_admin) == seen(cast.curator)
    assert hidden.pk in seen(cast.member)


def test_revision_diff_and_restore(cast, organisation):
    resource = draft(cast, organisation)
    services.resource_update(user=cast.member, resource=resource, version=1, body="Autre texte.")
    first, second = resource.revisions.order_by("number")
    diff = selectors.revision_diff(old=first, new=second)
    body = next(part for part in diff if part["field"] == "body")
    assert body["changed"]
    with pytest.raises(PermissionDenied):
        services.revision_restore(user=cast.member, resource=resource, revision=first)
    services.revision_restore(user=cast.curator, resource=resource, revision=first)
    resource.refresh_from_db()
    assert resource.body == "Du **texte**."
    assert resource.version == 3


def test_attachments_type_and_size(cast, organisation, settings):
    resource = draft(cast, organisation)
    attachment = services.attachment_add(
        user=cast.member, resource=resource, uploaded=SimpleUploadedFile("a.png", PNG)
    )
    assert attachment.content_type == "image/png"
    assert attachment.file.name.startswith("attachments/")
    for name, content in [("fake.pdf", PNG), ("x.exe", b"MZ" + b"\x00" * 64), ("e.png", b"")]:
        with pytest.raises(ValidationError):
            services.attachment_add(
                user=cast.member, resource=resource, uploaded=SimpleUploadedFile(name, content)
            )
    big = SimpleUploadedFile("big.pdf", PDF)
    big.size = services.ATTACHMENT_MAX_BYTES + 1
    with pytest.raises(ValidationError):
        services.attachment_add(user=cast.member, resource=resource, uploaded=big)
    assert Attachment.objects.count() == 1


def test_stale_reminder_mails_curators(cast, organisation):
    resource = published(cast, organisation)
    Resource.objects.filter(pk=resource.pk).update(review_date="2020-01-01")
    mail.outbox.clear()
    assert services.stale_resources_remind()["sent"] == 1
    assert mail.outbox[0].to == [cast.curator.email]
    assert resource.title in mail.outbox[0].body
    assert selectors.review_queue()["stale"][0].pk == resource.pk


# Views


def test_forged_publish_post_is_refused_and_changes_nothing(client, cast, organisation):
    resource = draft(cast, organisation)
    services.resource_submit(user=cast.member, resource=resource)
    client.force_login(cast.member)
    url = reverse("knowledge:resource_transition", args=[resource.slug, "publish"])
    assert client.post(url).status_code == 403
    assert Resource.objects.get(pk=resource.pk).status == ResourceStatus.SUBMITTED


def test_other_organisation_cannot_edit_or_see_a_draft(client, cast, organisation):
    resource = draft(cast, organisation)
    client.force_login(cast.other_admin)
    url = reverse("knowledge:resource_edit", args=[resource.slug])
    assert client.post(url, {"title": "Piraté"}).status_code == 404
    resource = published(cast, organisation, title="Publiée")
    url = reverse("knowledge:resource_edit", args=[resource.slug])
    assert client.post(url, {"title": "Piraté"}).status_code == 403
    assert Resource.objects.get(pk=resource.pk).title == "Publiée"


def test_queue_is_for_curators(client, cast):
    client.force_login(cast.member)
    assert client.get(reverse("knowledge:resource_queue")).status_code == 403
    client.force_login(cast.curator)
    assert client.get(reverse("knowledge:resource_queue")).status_code == 200


def form_data(resource, **changes):
    data = {
        "kind": resource.kind,
        "title": resource.title,
        "summary": resource.summary,
        "body": resource.body,
        "organisation": resource.organisation_id,
        "visibility": resource.visibility,
        "version": resource.version,
    }
    data.update(changes)
    return data


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


def test_attachment_download_checks_visibility(client, cast, organisation):
    resource = draft(cast, organisation)
    attachment = services.attachment_add(
        user=cast.member, resource=resource, uploaded=SimpleUploadedFile("a.pdf", PDF)
    )
    url = reverse("knowledge:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 404
    client.force_login(cast.member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_upload_view_refuses_a_disguised_file(client, cast, organisation):
    resource = draft(cast, organisation)
    client.force_login(cast.member)
    response = client.post(
        reverse("knowledge:resource_attachments", args=[resource.slug]),
        {"file": SimpleUploadedFile("rapport.pdf", PNG)},
    )
    assert response.status_code == 200
    assert "ne correspond pas" in response.content.decode() or "does not match" in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()

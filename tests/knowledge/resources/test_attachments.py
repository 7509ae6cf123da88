"""Attachments: checked on upload, downloaded only by those who may open the resource."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.knowledge.models import Attachment
from portal.knowledge.resources import attachments
from tests.knowledge.helpers import PDF, PNG, draft

pytestmark = pytest.mark.django_db


def test_attachments_type_and_size(cast, organisation, settings):
    resource = draft(cast, organisation)
    attachment = attachments.attachment_add(
        user=cast.member, resource=resource, uploaded=SimpleUploadedFile("a.png", PNG)
    )
    assert attachment.content_type == "image/png"
    assert attachment.file.name.startswith("attachments/")
    for name, content in [("fake.pdf", PNG), ("x.exe", b"MZ" + b"\x00" * 64), ("e.png", b"")]:
        with pytest.raises(ValidationError):
            attachments.attachment_add(
                user=cast.member, resource=resource, uploaded=SimpleUploadedFile(name, content)
            )
    big = SimpleUploadedFile("big.pdf", PDF)
    big.size = attachments.ATTACHMENT_MAX_BYTES + 1
    with pytest.raises(ValidationError):
        attachments.attachment_add(user=cast.member, resource=resource, uploaded=big)
    assert Attachment.objects.count() == 1


def test_attachment_download_checks_visibility(client, cast, organisation):
    resource = draft(cast, organisation)
    attachment = attachments.attachment_add(
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

"""An upload on a full disk: the person is told, nothing is recorded, no partial file stays."""

import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.knowledge.choices import ResourceKind
from portal.knowledge.models import Attachment, Resource
from tests.conftest import require

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + b"0" * 300_000 + b"\n%%EOF\n"


@pytest.fixture
def full_media(settings, tmp_path):
    """MEDIA_ROOT on a real 64 KB file system (tmpfs), too small for the upload."""
    media = tmp_path / "media"
    media.mkdir()
    mounted = os.geteuid() == 0 and (
        subprocess.run(
            ["/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(media)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    require(mounted, "a small tmpfs (root may mount one)")
    settings.MEDIA_ROOT = media
    try:
        yield media
    finally:
        subprocess.run(["/bin/umount", str(media)], check=False)


def files_under(folder):
    return [path for path in Path(folder).rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_an_upload_on_a_full_disk_is_refused_clearly(client, cast, organisation, full_media):
    resource = Resource.objects.create(
        kind=ResourceKind.STUDY,
        title="Étude",
        slug="etude",
        summary="S",
        body="B",
        organisation=organisation,
    )
    resource.authors.add(cast.member)
    client.force_login(cast.member)
    client.raise_request_exception = False
    response = client.post(
        reverse("knowledge:resource_attachments", args=[resource.slug]),
        {"file": SimpleUploadedFile("rapport.pdf", PDF)},
    )
    assert response.status_code == 507
    assert "plus de place" in response.content.decode()
    assert not Attachment.objects.exists()
    assert files_under(full_media) == []

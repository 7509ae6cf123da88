"""Writes about a resource's attachments: checked uploads, their text extracted for search."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.knowledge.models import Attachment
from portal.knowledge.resources.services import require
from portal.knowledge.search.services import attachment_text_extract_later, refresh_search_text

ATTACHMENT_MAX_BYTES = getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# Declared extension -> the MIME type `filetype` must read in the content.
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def attachment_check(*, uploaded):
    """Raise ValidationError unless the file is small enough and really what it claims."""
    if uploaded.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(mb)s MB).")
            % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            code="size",
        )
    extension = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    expected = ATTACHMENT_TYPES.get(extension)
    if expected is None:
        raise ValidationError(
            _("This kind of file is not accepted: PDF, PNG, JPEG, WebP, DOCX, XLSX, ODT, ODS."),
            code="extension",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    found = filetype.guess(head)
    if found is None or found.mime != expected:
        raise ValidationError(
            _("The content of the file does not match its extension .%(ext)s.")
            % {"ext": extension},
            code="content",
        )
    return expected


def attachment_add(*, user, resource, uploaded):
    require(user, "knowledge.change_resource", resource)
    content_type = attachment_check(uploaded=uploaded)
    with transaction.atomic():
        attachment = Attachment.objects.create(
            resource=resource,
            file=uploaded,
            original_name=uploaded.name[:255],
            content_type=content_type,
            size=uploaded.size,
        )
        if content_type == "application/pdf":
            attachment_text_extract_later(attachment=attachment, user=user)
    refresh_search_text(resource=attachment.resource)
    return attachment


def attachment_delete(*, user, attachment):
    require(user, "knowledge.change_resource", attachment.resource)
    attachment.file.delete(save=False)
    attachment.delete()

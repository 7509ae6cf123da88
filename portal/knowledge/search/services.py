"""Writes for search: the plain text of attachments and of a resource's searchable text."""

import io
import logging

from django.db import transaction
from django.utils.html import strip_tags

from jobs.services import job_enqueue
from portal.knowledge.models import Attachment, Resource

logger = logging.getLogger(__name__)

EXTRACT_TASK = "knowledge.extract_attachment_text"
MAX_EXTRACTED_CHARS = 200_000


def pdf_text(*, data):
    """The text of a PDF's pages, or "" when the file cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        logger.warning("PDF text not extracted: %s", exc)
        return ""
    return " ".join(" ".join(pages).split())[:MAX_EXTRACTED_CHARS]


def refresh_search_text(*, resource):
    """Recompute a resource's search text: its body and its attachments' extracted text.

    Call it after saving a resource's body or its attachments; it writes one field."""
    parts = [strip_tags(resource.body_html) if resource.body_html else resource.body]
    parts += list(
        Attachment.objects.filter(resource=resource)
        .exclude(extracted_text="")
        .values_list("extracted_text", flat=True)
    )
    resource.search_text = "\n".join(part for part in parts if part)
    Resource.objects.filter(pk=resource.pk).update(search_text=resource.search_text)
    return resource.search_text


def attachment_text_extract(*, attachment_id):
    """Extract an attachment's text (PDF only) and refresh its resource's search text.

    Re-running it is harmless: it recomputes the same text."""
    attachment = Attachment.objects.select_related("resource").filter(pk=attachment_id).first()
    if attachment is None:
        return {"extracted": 0}
    text = ""
    is_pdf = (
        attachment.content_type == "application/pdf"
        or attachment.original_name.lower().endswith(".pdf")
    )
    if is_pdf:
        with attachment.file.open("rb") as handle:
            text = pdf_text(data=handle.read())
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(extracted_text=text)
        refresh_search_text(resource=attachment.resource)
    return {"extracted": len(text)}


def attachment_text_extract_later(*, attachment, user=None):
    """Queue the extraction of an attachment's text in the background (after commit)."""
    return job_enqueue(
        kind=EXTRACT_TASK,
        arguments={"attachment_id": attachment.pk},
        user=user,
        label=f"Extraction du texte de {attachment.original_name}",
    )

"""Writes for search: a resource's searchable text (its body and its attachments' text) and,
on PostgreSQL, the stored document that the GIN index serves (Resource.search_vector).

Every service that changes a resource's title, summary, body or attachments calls
refresh_search_text(); bulk writers (bench, imports) call search_documents_refresh()."""

import io
import logging

from django.db import transaction
from django.utils.html import strip_tags

from jobs.services import job_enqueue
from portal.knowledge.models import Attachment, Resource
from portal.knowledge.search import postgres, tasks

logger = logging.getLogger(__name__)

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
    search_documents_refresh(Resource.objects.filter(pk=resource.pk))
    return resource.search_text


def search_documents_refresh(queryset=None):
    """Recompute the stored search document of these resources (all by default) from their
    title, summary and search text. PostgreSQL only: SQLite reads those fields directly."""
    if not postgres.in_use():
        return 0
    queryset = Resource.objects.all() if queryset is None else queryset
    return queryset.update(search_vector=postgres.document())


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
        task=tasks.extract_attachment_text,
        arguments={"attachment_id": attachment.pk},
        user=user,
        label=f"Extraction du texte de {attachment.original_name}",
    )

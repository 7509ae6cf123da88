"""The text of attached PDFs, extracted in the background, is searched."""

from django.core.files.base import ContentFile

from jobs.models import Job
from portal.celery import app as celery_app
from portal.knowledge.models import Attachment
from portal.knowledge.search import selectors as search
from portal.knowledge.search.services import attachment_text_extract_later
from tests.knowledge.helpers import make, minimal_pdf, titles


def test_pdf_text_is_extracted_in_the_background_and_searchable(
    db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)
    resource = make("Rapport annuel", "Un rapport.", "Le texte du rapport.")
    data = minimal_pdf("Les tiers-lieux rompent la solitude des habitants")
    attachment = Attachment(
        resource=resource,
        original_name="annexe.pdf",
        content_type="application/pdf",
        size=len(data),
    )
    attachment.file.save("annexe.pdf", ContentFile(data), save=False)
    attachment.save()
    assert search.search_resources(user=None, query="solitude").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        job = attachment_text_extract_later(attachment=attachment)
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    attachment.refresh_from_db()
    assert "tiers-lieux" in attachment.extracted_text
    resource.refresh_from_db()
    assert "Le texte du rapport." in resource.search_text
    assert titles(search.search_resources(user=None, query="solitudes")) == ["Rapport annuel"]
    assert Job.objects.filter(kind="knowledge.extract_attachment_text").count() == 1

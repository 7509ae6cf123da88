import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
from portal.knowledge.resources.visibility import ResourceQuerySet


class Resource(models.Model):
    """A resource of the shared knowledge base: practice sheet, study, narrative map…"""

    kind = models.CharField(_("kind"), max_length=24, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("identifier"), max_length=260, unique=True)
    summary = models.TextField(_("summary"), max_length=2000)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True, help_text="sanitised HTML of body")
    external_url = models.URLField(_("address of the external reference"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("authors"), blank=True, related_name="resources"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    themes = models.ManyToManyField(
        "knowledge.Theme", verbose_name=_("themes"), blank=True, related_name="resources"
    )
    preconisations = models.ManyToManyField(
        "knowledge.Preconisation",
        verbose_name=_("préconisations"),
        blank=True,
        related_name="resources",
    )
    territories = models.ManyToManyField(
        "territories.Territory", verbose_name=_("territories"), blank=True, related_name="resources"
    )
    indicators = models.ManyToManyField(
        "territories.Indicator", verbose_name=_("indicators"), blank=True, related_name="resources"
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # A string reference, not an import: the knowledge base sits below the committees app and
    # never imports it. The foreign key keeps the database's integrity (PROTECT); who sits on
    # the committee is asked through the audience hook (resources/audiences.py).
    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
        help_text=_("The committee whose members alone may read it."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT
    )
    featured = models.BooleanField(_("featured on the home page"), default=False)
    review_date = models.DateField(
        _("review date"),
        null=True,
        blank=True,
        help_text=_("After this date the resource is flagged as possibly stale."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, help_text="incremented at each save; a stale edit form is refused"
    )
    search_text = models.TextField(
        editable=False, blank=True, help_text="plain text of the body and attachments, for search"
    )
    # PostgreSQL's weighted French document (title A, summary B, text C), written by the
    # services that change those fields (search/services.py) and matched through a GIN index
    # (migration 0005). Unused on SQLite, which scores in Python (search/sqlite.py).
    search_vector = SearchVectorField(null=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_at", "-updated_at"]
        indexes = [models.Index(fields=["status", "visibility", "-published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility=Visibility.COMMITTEE, committee__isnull=False)
                | (~models.Q(visibility=Visibility.COMMITTEE) & models.Q(committee__isnull=True)),
                name="resource_committee_iff_committee_visibility",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:resource_detail", args=[self.slug])


def attachment_path(instance, filename):
    # Unguessable, and not served by MEDIA_URL: a view checks who may read it.
    return f"attachments/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A file attached to a resource (PDF, image, office document)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    extracted_text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name


class Revision(models.Model):
    """A saved state of a resource; every save keeps one, a curator may restore it."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text="title, summary, body, kind, links at that save")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="revision_unique")
        ]

    def __str__(self):
        return f"{self.resource_id} r{self.number}"

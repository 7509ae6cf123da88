"""Writes about resources: authoring, revisions, attachments and the curation workflow."""

import datetime

import filetype
from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jobs.services import job_enqueue
from portal.accounts.choices import PortalGroup
from portal.knowledge.choices import ResourceStatus, ReviewAction, Visibility
from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.models import Attachment, Resource, ReviewEvent, Revision
from portal.knowledge.resources.selectors import SNAPSHOT_FIELDS, stale_resources
from portal.knowledge.search.services import refresh_search_text

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
EXTRACT_TASK = "knowledge.extract_attachment_text"
# Paths beside the detail page that a slug must never shadow.
RESERVED_SLUGS = {"nouvelle", "mes-ressources", "a-relire", "recherche", "flux"}
DEFAULT_REVIEW_DELAY = datetime.timedelta(days=365)


class StaleEdit(Exception):
    """Someone saved the resource after the editor opened it: nothing was written."""


class TransitionError(ValidationError):
    """A workflow step that does not apply to the resource's current status."""


def _require(user, permission, resource=None):
    if not user.has_perm(permission, resource):
        raise PermissionDenied(permission)


def _unique_slug(title):
    base = slugify(title)[:240] or "ressource"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Resource.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _snapshot(resource):
    data = {field: getattr(resource, field) for field in SNAPSHOT_FIELDS}
    data["links"] = {
        "themes": sorted(resource.themes.values_list("slug", flat=True)),
        "preconisations": sorted(resource.preconisations.values_list("number", flat=True)),
        "territories": sorted(resource.territories.values_list("pk", flat=True)),
        "indicators": sorted(resource.indicators.values_list("slug", flat=True)),
    }
    return data


def _set_links(resource, *, themes, preconisations, territories, indicators):
    resource.themes.set(themes)
    resource.preconisations.set(preconisations)
    resource.territories.set(territories)
    resource.indicators.set(indicators)


def _check_organisation(user, organisation):
    from portal.accounts.rules import is_curator

    if is_curator(user):
        return
    if organisation is None or not user.memberships.filter(organisation=organisation).exists():
        raise PermissionDenied("organisation")


def _check_audience(user, visibility, committee):
    """A committee's resource names a committee its author sits on; others name none."""
    from portal.accounts.rules import is_curator
    from portal.committees.models import Committee

    if visibility != Visibility.COMMITTEE:
        if committee is not None:
            raise ValidationError(_("Only a resource for one committee names a committee."))
        return
    if committee is None:
        raise ValidationError(_("Choose the committee that may read this resource."))
    if not is_curator(user) and not Committee.objects.of(user).filter(pk=committee.pk).exists():
        raise PermissionDenied("committee")


def resource_create(
    *,
    user,
    kind,
    title,
    summary,
    body="",
    external_url="",
    organisation=None,
    visibility,
    committee=None,
    review_date=None,
    authors=(),
    themes=(),
    preconisations=(),
    territories=(),
    indicators=(),
):
    """Create a draft, its first revision; the creator is one of its authors."""
    _require(user, "knowledge.add_resource")
    _check_organisation(user, organisation)
    _check_audience(user, visibility, committee)
    now = timezone.now()
    with transaction.atomic():
        resource = Resource.objects.create(
            kind=kind,
            title=title,
            slug=_unique_slug(title),
            summary=summary,
            body=body,
            body_html=markdown_to_html(body),
            external_url=external_url,
            organisation=organisation,
            visibility=visibility,
            committee=committee,
            review_date=review_date,
            created_by=user,
            created_at=now,
            updated_at=now,
            version=1,
        )
        resource.authors.set({user, *authors})
        _set_links(
            resource,
            themes=themes,
            preconisations=preconisations,
            territories=territories,
            indicators=indicators,
        )
        Revision.objects.create(
            resource=resource, number=1, snapshot=_snapshot(resource), author=user
        )
    refresh_search_text(resource=resource)
    return resource


def resource_update(
    *,
    user,
    resource,
    version,
    authors=None,
    themes=(),
    preconisations=(),
    territories=(),
    indicators=(),
    note="",
    **fields,
):
    """Save an edit made on `version`; raise StaleEdit when someone saved since."""
    _require(user, "knowledge.change_resource", resource)
    if "organisation" in fields and fields["organisation"] != resource.organisation:
        _check_organisation(user, fields["organisation"])
    allowed = {*SNAPSHOT_FIELDS, "organisation", "visibility", "committee", "review_date"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown resource fields: {sorted(unknown)}")
    if "visibility" in fields or "committee" in fields:
        visibility = fields.get("visibility", resource.visibility)
        committee = fields.get("committee", resource.committee)
        if (visibility, committee) != (resource.visibility, resource.committee):
            _check_audience(user, visibility, committee)
    with transaction.atomic():
        if "body" in fields:
            fields["body_html"] = markdown_to_html(fields["body"])
        updated = Resource.objects.filter(pk=resource.pk, version=version).update(
            **fields, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise StaleEdit
        resource.refresh_from_db()
        if authors:
            resource.authors.set(authors)
        _set_links(
            resource,
            themes=themes,
            preconisations=preconisations,
            territories=territories,
            indicators=indicators,
        )
        Revision.objects.create(
            resource=resource,
            number=resource.version,
            snapshot=_snapshot(resource),
            author=user,
            note=note[:250],
        )
    refresh_search_text(resource=resource)
    return resource


def revision_restore(*, user, resource, revision):
    """Bring back an earlier revision's text and links as a new revision (curators)."""
    _require(user, "knowledge.restore_revision", resource)
    if revision.resource_id != resource.pk:
        raise PermissionDenied("revision of another resource")
    from portal.knowledge.models import Preconisation, Theme
    from territories.models import Indicator, Territory

    snapshot = revision.snapshot
    links = snapshot.get("links", {})
    with transaction.atomic():
        resource = resource_update(
            user=user,
            resource=resource,
            version=Resource.objects.values_list("version", flat=True).get(pk=resource.pk),
            themes=Theme.objects.filter(slug__in=links.get("themes", [])),
            preconisations=Preconisation.objects.filter(number__in=links.get("preconisations", [])),
            territories=Territory.objects.filter(pk__in=links.get("territories", [])),
            indicators=Indicator.objects.filter(slug__in=links.get("indicators", [])),
            note=_("Restored from revision %(number)s") % {"number": revision.number},
            **{field: snapshot.get(field, "") for field in SNAPSHOT_FIELDS},
        )
        _record(resource=resource, action=ReviewAction.RESTORE, user=user, notify=False)
    refresh_search_text(resource=resource)
    return resource


def _record(*, resource, action, user, comment="", notify=True):
    event = ReviewEvent.objects.create(
        resource=resource, action=action, comment=comment, author=user
    )
    if notify:
        # Registers the task in this process too (until the app's ready() imports it).
        from portal.knowledge.curation import tasks  # noqa: F401

        job_enqueue(
            kind="knowledge.notify_authors",
            arguments={"event_id": event.pk},
            user=user,
            label=_("Notification to the authors of %(title)s") % {"title": resource.title},
        )
    return event


def _transition(*, resource, user, action, sources, target, comment="", **extra):
    """Move `resource` from one of `sources` to `target` once, however many clicks."""
    with transaction.atomic():
        moved = Resource.objects.filter(pk=resource.pk, status__in=sources).update(
            status=target, updated_at=timezone.now(), **extra
        )
        if not moved:
            raise TransitionError(
                _("This step does not apply to the resource in its current state."),
                code="status",
            )
        _record(resource=resource, action=action, user=user, comment=comment)
    resource.refresh_from_db()
    return resource


def resource_submit(*, user, resource, comment=""):
    _require(user, "knowledge.submit_resource", resource)
    return _transition(
        resource=resource,
        user=user,
        action=ReviewAction.SUBMIT,
        sources=[ResourceStatus.DRAFT, ResourceStatus.CHANGES_REQUESTED],
        target=ResourceStatus.SUBMITTED,
        comment=comment,
    )


def resource_request_changes(*, user, resource, comment):
    _require(user, "knowledge.review_resource", resource)
    if not comment.strip():
        raise ValidationError(_("Say what should change: a comment is required."), code="comment")
    return _transition(
        resource=resource,
        user=user,
        action=ReviewAction.REQUEST_CHANGES,
        sources=[ResourceStatus.SUBMITTED, ResourceStatus.PUBLISHED],
        target=ResourceStatus.CHANGES_REQUESTED,
        comment=comment,
    )


def resource_publish(*, user, resource, comment=""):
    _require(user, "knowledge.review_resource", resource)
    now = timezone.now()
    extra = {"published_at": now}
    if resource.review_date is None:
        extra["review_date"] = (now + DEFAULT_REVIEW_DELAY).date()
    return _transition(
        resource=resource,
        user=user,
        action=ReviewAction.PUBLISH,
        sources=[ResourceStatus.SUBMITTED, ResourceStatus.ARCHIVED],
        target=ResourceStatus.PUBLISHED,
        comment=comment,
        **extra,
    )


def resource_archive(*, user, resource, comment=""):
    _require(user, "knowledge.review_resource", resource)
    return _transition(
        resource=resource,
        user=user,
        action=ReviewAction.ARCHIVE,
        sources=[s for s in ResourceStatus.values if s != ResourceStatus.ARCHIVED],
        target=ResourceStatus.ARCHIVED,
        comment=comment,
        featured=False,
    )


def resource_feature(*, user, resource, featured):
    """Put a published resource on the home page, or take it off."""
    _require(user, "knowledge.review_resource", resource)
    with transaction.atomic():
        queryset = Resource.objects.filter(pk=resource.pk, featured=not featured)
        if featured:
            queryset = queryset.filter(status=ResourceStatus.PUBLISHED)
        if not queryset.update(featured=featured):
            raise TransitionError(_("Nothing to change."), code="featured")
        action = ReviewAction.FEATURE if featured else ReviewAction.UNFEATURE
        _record(resource=resource, action=action, user=user, notify=False)
    resource.refresh_from_db()
    return resource


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
    _require(user, "knowledge.change_resource", resource)
    content_type = attachment_check(uploaded=uploaded)
    with transaction.atomic():
        attachment = Attachment.objects.create(
            resource=resource,
            file=uploaded,
            original_name=uploaded.name[:255],
            content_type=content_type,
            size=uploaded.size,
        )
        if content_type == "application/pdf" and EXTRACT_TASK in current_app.tasks:
            pk = attachment.pk
            transaction.on_commit(
                lambda: job_enqueue(kind=EXTRACT_TASK, arguments={"attachment_id": pk})
            )
    refresh_search_text(resource=attachment.resource)
    return attachment


def attachment_delete(*, user, attachment):
    _require(user, "knowledge.change_resource", attachment.resource)
    attachment.file.delete(save=False)
    attachment.delete()


def _send(*, template, context, recipients):
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"knowledge/resource_email_{template}_subject.txt", context)
        body = render_to_string(f"knowledge/resource_email_{template}_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.strip(), body, None, list(recipients))


def authors_notify(*, event_id):
    """E-mail the authors that their resource moved a step in the workflow."""
    event = ReviewEvent.objects.select_related("resource", "author").get(pk=event_id)
    recipients = [
        a.email for a in event.resource.authors.filter(is_active=True) if a != event.author
    ]
    if not recipients:
        return {"sent": 0}
    site = settings.SITE_URL.rstrip("/")
    context = {
        "event": event,
        "resource": event.resource,
        "url": site + event.resource.get_absolute_url(),
    }
    _send(template="step", context=context, recipients=recipients)
    return {"sent": len(recipients)}


def stale_resources_remind():
    """E-mail curators the list of published resources past their review date."""
    resources = list(stale_resources())
    if not resources:
        return {"sent": 0}
    curators = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=PortalGroup.CURATOR)
        .values_list("email", flat=True)
    )
    recipients = sorted(set(curators))
    if not recipients:
        return {"sent": 0}
    site = settings.SITE_URL.rstrip("/")
    context = {"resources": resources, "site": site}
    _send(template="stale", context=context, recipients=recipients)
    return {"sent": len(recipients), "resources": len(resources)}

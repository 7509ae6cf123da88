"""Writes of the curation workflow: draft → submitted → changes requested / published →
archived, each step recorded with its comment; the authors told; curators reminded of stale
resources."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.services import job_enqueue
from portal.accounts.choices import PortalGroup
from portal.accounts.notifications import services as notifications
from portal.knowledge.choices import ResourceStatus, ReviewAction
from portal.knowledge.curation import tasks
from portal.knowledge.curation.selectors import stale_resources
from portal.knowledge.models import Resource, ReviewEvent
from portal.links import site_url

DEFAULT_REVIEW_DELAY = datetime.timedelta(days=365)


class TransitionError(ValidationError):
    """A workflow step that does not apply to the resource's current status."""


def _require(user, permission, resource=None):
    if not user.has_perm(permission, resource):
        raise PermissionDenied(permission)


def event_record(*, resource, action, user, comment="", notify=True):
    event = ReviewEvent.objects.create(
        resource=resource, action=action, comment=comment, author=user
    )
    if notify:
        job_enqueue(
            task=tasks.notify_authors,
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
        event_record(resource=resource, action=action, user=user, comment=comment)
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
        event_record(resource=resource, action=action, user=user, notify=False)
    resource.refresh_from_db()
    return resource


CURATION_STEPS = "knowledge.curation_step"
STALE_REVIEWS = "knowledge.stale_review"


def _tell(*, template, context, recipients, kind, path):
    """Tell people of a step of the workflow (portal.accounts notifications, delivered as each
    chose), in the portal's language."""
    with notifications.portal_language():
        subject = render_to_string(f"knowledge/resource_email_{template}_subject.txt", context)
        body = render_to_string(f"knowledge/resource_email_{template}_message.txt", context)
    notifications.notify(
        recipients=recipients, kind=kind, title=" ".join(subject.split()), body=body, path=path
    )


def authors_notify(*, event_id):
    """Tell the authors that their resource moved a step in the workflow."""
    event = ReviewEvent.objects.select_related("resource", "author").get(pk=event_id)
    recipients = [a for a in event.resource.authors.filter(is_active=True) if a != event.author]
    if not recipients:
        return {"sent": 0}
    path = event.resource.get_absolute_url()
    context = {"event": event, "resource": event.resource, "url": site_url(path)}
    _tell(template="step", context=context, recipients=recipients, kind=CURATION_STEPS, path=path)
    return {"sent": len(recipients)}


def stale_resources_remind():
    """Tell curators of the published resources past their review date."""
    resources = list(stale_resources())
    if not resources:
        return {"sent": 0}
    curators = list(
        get_user_model().objects.filter(is_active=True, groups__name=PortalGroup.CURATOR)
    )
    if not curators:
        return {"sent": 0}
    _tell(
        template="stale",
        context={"resources": resources, "site": site_url()},
        recipients=curators,
        kind=STALE_REVIEWS,
        path=reverse("knowledge:resource_queue"),
    )
    return {"sent": len(curators), "resources": len(resources)}

"""Reads of the curation workflow: the review queue, stale resources, a resource's history."""

from django.utils import timezone

from portal.knowledge.choices import ResourceStatus
from portal.knowledge.models import Resource


def resource_is_stale(*, resource, today=None):
    today = today or timezone.localdate()
    return (
        resource.status == ResourceStatus.PUBLISHED
        and resource.review_date is not None
        and resource.review_date < today
    )


def stale_resources(*, today=None):
    today = today or timezone.localdate()
    return Resource.objects.published().filter(review_date__lt=today).order_by("review_date")


def review_queue(*, today=None):
    """What curators have to look at: submissions first (oldest first), then stale pages."""
    submitted = (
        Resource.objects.filter(status=ResourceStatus.SUBMITTED)
        .select_related("organisation")
        .order_by("updated_at")
    )
    stale = stale_resources(today=today).select_related("organisation")
    return {"submitted": list(submitted), "stale": list(stale)}


def review_history(*, resource):
    return resource.events.select_related("author").order_by("-created_at", "-pk")

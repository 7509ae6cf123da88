"""What the knowledge base holds about a person, for their data export (portal.accounts):
the resources they wrote, the revisions they saved, the curation steps they took with their
comments. Only their own writing: a co-author's revision or a curator's comment on their
resource belongs to its author's export."""

from django.db.models import Q

from portal.knowledge.curation.models import ReviewEvent
from portal.knowledge.models import Resource, Revision


def knowledge_data(user):
    resources = (
        Resource.objects.filter(Q(authors=user) | Q(created_by=user))
        .distinct()
        .select_related("organisation")
        .order_by("created_at", "pk")
    )
    return {
        "resources": [
            {
                "title": resource.title,
                "slug": resource.slug,
                "kind": resource.kind,
                "status": resource.status,
                "visibility": resource.visibility,
                "organisation": resource.organisation.name if resource.organisation else None,
                "summary": resource.summary,
                "body": resource.body,
                "created_at": resource.created_at,
                "published_at": resource.published_at,
            }
            for resource in resources
        ],
        "revisions": [
            {
                "resource": revision.resource.title,
                "number": revision.number,
                "note": revision.note,
                "created_at": revision.created_at,
            }
            for revision in Revision.objects.filter(author=user)
            .select_related("resource")
            .order_by("created_at", "pk")
        ],
        "reviews": [
            {
                "resource": event.resource.title,
                "action": event.action,
                "comment": event.comment,
                "created_at": event.created_at,
            }
            for event in ReviewEvent.objects.filter(author=user)
            .select_related("resource")
            .order_by("created_at", "pk")
        ],
    }

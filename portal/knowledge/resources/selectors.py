"""Reads about resources: who sees what, the review queue, revisions and their differences."""

import difflib

from django.db.models import Q
from django.utils import timezone

from portal.accounts.choices import MembershipRole
from portal.accounts.models import Organisation
from portal.accounts.rules import is_curator
from portal.committees.models import Committee
from portal.knowledge.choices import ResourceStatus, Visibility
from portal.knowledge.models import Resource

SNAPSHOT_FIELDS = ("title", "summary", "body", "kind", "external_url")


def _owned_q(user):
    """Resources `user` wrote, or that belong to an organisation `user` administers."""
    administered = Organisation.objects.filter(
        memberships__user=user, memberships__role=MembershipRole.ADMIN
    ).values("pk")
    authored = Resource.objects.filter(authors=user).values("pk")
    return Q(pk__in=authored) | Q(organisation__in=administered)


def audience_q(user):
    """Which resources `user` may read by their visibility: public ones for everyone,
    members-only ones once logged in, a committee's ones for its members; curators read
    them all."""
    if user is None or not user.is_authenticated:
        return Q(visibility=Visibility.PUBLIC)
    if is_curator(user):
        return Q()
    return Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(
        visibility=Visibility.COMMITTEE, committee__in=Committee.objects.of(user).values("pk")
    )


def visible_resources(user):
    """Every resource `user` may open.

    Visitors: published and public. Logged-in people: what they may read once published
    (audience_q), plus whatever they wrote or their organisation owns. Curators:
    everything.
    """
    queryset = Resource.objects.all()
    if user is None or not user.is_authenticated:
        return queryset.filter(status=ResourceStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    if is_curator(user):
        return queryset
    return queryset.filter((Q(status=ResourceStatus.PUBLISHED) & audience_q(user)) | _owned_q(user))


def resource_for_reading(*, user, slug):
    """The resource with what its page shows, or Resource.DoesNotExist."""
    return (
        visible_resources(user)
        .select_related("organisation", "created_by", "committee")
        .prefetch_related("authors", "themes", "preconisations", "territories", "indicators")
        .get(slug=slug)
    )


def resources_of(*, user):
    """The "my resources" list: written by `user` or owned by an organisation they run."""
    return (
        Resource.objects.filter(_owned_q(user))
        .select_related("organisation")
        .order_by("-updated_at")
    )


def resource_is_stale(*, resource, today=None):
    today = today or timezone.localdate()
    return (
        resource.status == ResourceStatus.PUBLISHED
        and resource.review_date is not None
        and resource.review_date < today
    )


def stale_resources(*, today=None):
    today = today or timezone.localdate()
    return Resource.objects.filter(status=ResourceStatus.PUBLISHED, review_date__lt=today).order_by(
        "review_date"
    )


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


def revisions_of(*, resource):
    return resource.revisions.select_related("author").order_by("-number")


def revision_diff(*, old, new):
    """Line differences between two revisions, field by field, for a table.

    Each field gives rows of (kind, old line, new line) where kind is "equal", "delete",
    "insert" or "replace".
    """
    result = []
    for field in (*SNAPSHOT_FIELDS, "links"):
        before = _lines(old.snapshot.get(field))
        after = _lines(new.snapshot.get(field))
        rows = []
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            left, right = before[i1:i2], after[j1:j2]
            for index in range(max(len(left), len(right))):
                rows.append(
                    (
                        tag,
                        left[index] if index < len(left) else "",
                        right[index] if index < len(right) else "",
                    )
                )
        result.append({"field": field, "changed": before != after, "rows": rows})
    return result


def _lines(value):
    if value is None:
        return []
    if isinstance(value, dict):
        return [f"{key}: {', '.join(map(str, items))}" for key, items in sorted(value.items())]
    return str(value).splitlines()

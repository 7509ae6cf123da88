"""Reads about resources: one to read, lists of them, revisions and their differences.

Who may read what is decided in visibility.py (Resource.objects.readable_by / visible_to)."""

import difflib

from django.db.models import Prefetch

from portal.knowledge.models import Resource
from territories.geography.models import Territory
from territories.geography.selectors import territory_ancestor_ids

SNAPSHOT_FIELDS = ("title", "summary", "body", "kind", "external_url")
LIST_FIELDS = ("title", "slug", "kind", "summary", "published_at")


def visible_resources(user):
    """Every resource `user` may open (see ResourceQuerySet.visible_to)."""
    return Resource.objects.visible_to(user)


def resource_for_reading(*, user, slug):
    """The resource with what its page shows, or Resource.DoesNotExist."""
    return (
        Resource.objects.visible_to(user)
        .select_related("organisation", "created_by", "committee")
        .prefetch_related(
            "authors",
            "themes",
            "preconisations",
            # Territories are named and linked, never drawn: their boundaries stay unread.
            Prefetch("territories", queryset=Territory.objects.defer("geometry")),
            "indicators",
        )
        .get(slug=slug)
    )


def resources_of(*, user):
    """The "my resources" list: written by `user` or owned by an organisation they run."""
    return Resource.objects.owned_by(user).select_related("organisation").order_by("-updated_at")


def resources_for_territory(*, territory, user, limit=20):
    """Published readable resources tagged on the territory or on a territory containing it."""
    return (
        Resource.objects.readable_by(user)
        .filter(territories__in=territory_ancestor_ids(territory=territory))
        .distinct()
        .only(*LIST_FIELDS)
        .order_by("-published_at", "title")[:limit]
    )


def resources_for_committee(*, committee, user):
    """Published resources shared with the committee that `user` may read."""
    return (
        Resource.objects.readable_by(user)
        .filter(committee=committee)
        .only(*LIST_FIELDS)
        .order_by("-published_at", "title")
    )


def resources_for_preconisation(*, preconisation, user):
    return (
        Resource.objects.readable_by(user)
        .filter(preconisations=preconisation)
        .only(*LIST_FIELDS)
        .order_by("-published_at", "title")
    )


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

"""Reads about resources: one to read, lists of them, revisions and their differences.

Who may read what is decided in visibility.py (Resource.objects.readable_by / visible_to)."""

import difflib

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext

from portal.knowledge.choices import ResourceKind
from portal.knowledge.models import Preconisation, Resource, Theme
from territories.catalogue.models import Indicator
from territories.geography.models import Territory
from territories.geography.selectors import territory_ancestor_ids

SNAPSHOT_FIELDS = ("title", "summary", "body", "kind", "external_url")
LIST_FIELDS = ("title", "slug", "kind", "summary", "published_at")
LINK_KINDS = ("themes", "preconisations", "territories", "indicators")


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

    Each field gives its label and rows of (kind, old line, new line) where kind is "equal",
    "delete", "insert" or "replace". Links are named (themes, territories…), not given by
    the identifiers the snapshots keep.
    """
    names = _link_names([old.snapshot.get("links") or {}, new.snapshot.get("links") or {}])
    result = []
    for field in (*SNAPSHOT_FIELDS, "links"):
        before = _lines(field, old.snapshot.get(field), names)
        after = _lines(field, new.snapshot.get(field), names)
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
        result.append(
            {"field": field, "label": _label(field), "changed": before != after, "rows": rows}
        )
    return result


def _label(field):
    if field == "links":
        return gettext("Links")
    return capfirst(Resource._meta.get_field(field).verbose_name)


def _link_names(links):
    """{link kind: {identifier: name}} for the links of the snapshots compared."""
    wanted = {kind: set() for kind in LINK_KINDS}
    for snapshot_links in links:
        for kind in LINK_KINDS:
            wanted[kind].update(snapshot_links.get(kind) or [])
    return {
        "themes": dict(Theme.objects.filter(slug__in=wanted["themes"]).values_list("slug", "name")),
        "preconisations": {
            number: f"{number}. {title}"
            for number, title in Preconisation.objects.filter(
                number__in=wanted["preconisations"]
            ).values_list("number", "title")
        },
        "territories": dict(
            Territory.objects.filter(pk__in=wanted["territories"]).values_list("pk", "name")
        ),
        "indicators": dict(
            Indicator.objects.filter(slug__in=wanted["indicators"]).values_list("slug", "name")
        ),
    }


def _lines(field, value, names):
    if value is None:
        return []
    if field == "kind":
        return [str(dict(ResourceKind.choices).get(value, value))]
    if field == "links":
        return [
            gettext("%(links)s: %(names)s")
            % {
                "links": _label_of_link(kind),
                "names": ", ".join(str(names.get(kind, {}).get(item, item)) for item in items),
            }
            for kind, items in sorted(value.items())
            if items
        ]
    return str(value).splitlines()


def _label_of_link(kind):
    try:
        return capfirst(Resource._meta.get_field(kind).verbose_name)
    except FieldDoesNotExist:
        return kind

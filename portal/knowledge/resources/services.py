"""Writes about resources: authoring and revisions (attachments: attachments.py; the
curation workflow: curation/services.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.knowledge.choices import ReviewAction, Visibility
from portal.knowledge.curation.services import event_record
from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.models import Preconisation, Resource, Revision, Theme
from portal.knowledge.resources.audiences import may_share_with
from portal.knowledge.resources.selectors import SNAPSHOT_FIELDS
from portal.knowledge.search.services import refresh_search_text
from territories.models import Indicator, Territory

# Paths beside the detail page that a slug must never shadow.
RESERVED_SLUGS = {"nouvelle", "mes-ressources", "a-relire", "recherche", "flux"}


class StaleEdit(Exception):
    """Someone saved the resource after the editor opened it: nothing was written."""


def require(user, permission, resource=None):
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
    """A committee's resource names a committee its author may share with; others name none."""
    if visibility != Visibility.COMMITTEE:
        if committee is not None:
            raise ValidationError(_("Only a resource for one committee names a committee."))
        return
    if committee is None:
        raise ValidationError(_("Choose the committee that may read this resource."))
    if not may_share_with(user=user, committee=committee):
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
    require(user, "knowledge.add_resource")
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
    require(user, "knowledge.change_resource", resource)
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
    require(user, "knowledge.restore_revision", resource)
    if revision.resource_id != resource.pk:
        raise PermissionDenied("revision of another resource")
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
        event_record(resource=resource, action=ReviewAction.RESTORE, user=user, notify=False)
    refresh_search_text(resource=resource)
    return resource

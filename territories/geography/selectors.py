"""Reads of the geography: search, members and parents of a territory, the loaded région."""

from django.core.cache import cache
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from territories.choices import Level
from territories.geography.models import Territory, fold


def search_territories(query, limit=50):
    """Territories matching what a person typed, those it names exactly first (« 72 » is the
    Sarthe before its 352 communes, « Sarthe » before Sablé-sur-Sarthe)."""
    query = query.strip()
    exact = Q(code=query) | Q(siren=query) | Q(search_name=fold(query))
    return (
        Territory.objects.search(query)
        .select_related("departement", "epci")
        .defer("geometry", "departement__geometry", "epci__geometry")
        .alias(named=Case(When(exact, then=Value(0)), default=Value(1)))
        .order_by("named", "level", "name")[:limit]
    )


def territory_members(*, territory):
    if territory.level == Level.EPCI:
        return Territory.objects.filter(epci=territory).order_by("name")
    if territory.level == Level.DEPARTEMENT:
        return Territory.objects.filter(departement=territory).order_by("name")
    if territory.level == Level.REGION:
        return Territory.objects.filter(level=Level.DEPARTEMENT, region=territory).order_by("code")
    return Territory.objects.none()


def epci_departements(*, epci):
    return (
        Territory.objects.filter(level=Level.DEPARTEMENT, communes_dep__epci=epci)
        .distinct()
        .order_by("code")
    )


def territory_ancestor_ids(*, territory):
    """The territory and those containing it (commune → EPCI, département, région)."""
    family = [territory.pk]
    if territory.level == Level.COMMUNE:
        family += [territory.epci_id, territory.departement_id, territory.region_id]
    elif territory.level == Level.EPCI:
        family += list(
            Territory.objects.filter(
                level=Level.DEPARTEMENT, communes_dep__epci=territory
            ).values_list("pk", flat=True)
        )
        family.append(territory.region_id)
    elif territory.level == Level.DEPARTEMENT:
        family.append(territory.region_id)
    return {pk for pk in family if pk}


def territory_family_ids(*, territory):
    """Ids of the territory, its parents and its children, for a territory filter."""
    ids = territory_ancestor_ids(territory=territory)
    if territory.level == Level.EPCI:
        ids |= set(territory.communes_epci.values_list("pk", flat=True))
    elif territory.level == Level.DEPARTEMENT:
        communes = Territory.objects.filter(level=Level.COMMUNE, departement=territory)
        ids |= set(communes.values_list("pk", flat=True))
        ids |= {pk for pk in communes.values_list("epci_id", flat=True).distinct() if pk}
    elif territory.level == Level.REGION:
        ids |= set(Territory.objects.filter(region=territory).values_list("pk", flat=True))
    return ids


REGION_KEY = "territories:loaded-region"
REGION_TTL = 300  # seconds; forgotten as soon as a run is published


def loaded_region(*, cached=None):
    """The région the portal was loaded with: {"code", "name", "communes"}, or None.

    Nothing names a région in code or templates: the header, the e-mails and the indicator
    sheets read it here, so another région's files make another région's portal. Cached, since
    every page shows it; a publication (which follows every import) forgets it. `cached`: the
    value already read from the cache (REGION_KEY), if any.
    """
    value = cached if cached is not None else cache.get(REGION_KEY)
    if value is None:
        communes = Territory.objects.filter(level=Level.COMMUNE, region=OuterRef("pk"))
        region = (
            Territory.objects.filter(level=Level.REGION)
            .annotate(communes=Coalesce(_count(communes), 0))
            .order_by("code")
            .values("code", "name", "communes")
            .first()
        )
        value = region or {}
        cache.set(REGION_KEY, value, timeout=REGION_TTL)
    return value or None


def loaded_region_forget():
    cache.delete(REGION_KEY)


def _count(queryset):
    """How many rows `queryset` has, as a subquery of the row it refers to."""
    return Subquery(queryset.order_by().values("region").annotate(n=Count("pk")).values("n")[:1])

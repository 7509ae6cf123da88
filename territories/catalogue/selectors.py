"""Reads for territories: what the last published recompute and the imports hold."""

from territories.choices import Level, RunState, ValueStatus
from territories.models import AggregateValue, Indicator, IndicatorValue, PipelineRun, Territory


def published_run_id():
    return (
        PipelineRun.objects.filter(state=RunState.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("pk", flat=True)
        .first()
    )


def territory_values(*, territory):
    """Every indicator value of one territory, newest period first, as plain rows."""
    if territory.level == Level.COMMUNE:
        queryset = IndicatorValue.objects.filter(territory=territory).select_related("indicator")
        rows = [
            {
                "indicator": value.indicator,
                "period": value.period,
                "value": value.value,
                "status": value.status,
                "coverage": 1.0 if value.status == ValueStatus.OK else 0.0,
                "members": 1,
                "members_known": int(value.status == ValueStatus.OK),
            }
            for value in queryset
        ]
    else:
        rows = []
    # Aggregates, and for communes what the pipeline computed for them (composite indexes).
    queryset = AggregateValue.objects.filter(
        run_id=published_run_id(), territory=territory
    ).select_related("indicator")
    rows += [
        {
            "indicator": value.indicator,
            "period": value.period,
            "value": value.value,
            "status": value.status,
            "coverage": value.coverage,
            "members": value.members,
            "members_known": value.members_known,
        }
        for value in queryset
    ]
    rows.sort(key=lambda row: (row["indicator"].theme, row["indicator"].name, -row["period"]))
    return rows


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


def indicator_catalogue():
    return Indicator.objects.select_related("denominator", "numerator").order_by("theme", "name")


def values_table(*, indicator=None, level=None, period=None, territory_code=None):
    """Rows (territory, indicator, period, value, status, coverage) across levels.

    Communes read the imported values; other levels read the published aggregates.
    """
    rows = []
    levels = [level] if level else [Level.COMMUNE, Level.EPCI, Level.DEPARTEMENT, Level.REGION]
    for current in levels:
        if current == Level.COMMUNE:
            queryset = IndicatorValue.objects.filter(territory__level=Level.COMMUNE)
        else:
            queryset = AggregateValue.objects.filter(
                run_id=published_run_id(), territory__level=current
            )
        if indicator is not None:
            queryset = queryset.filter(indicator=indicator)
        if period:
            queryset = queryset.filter(period=period)
        if territory_code:
            queryset = queryset.filter(territory__code=territory_code)
        fields = [
            "territory__level",
            "territory__code",
            "territory__name",
            "indicator__slug",
            "period",
            "value",
            "status",
        ]
        if current != Level.COMMUNE:
            fields += ["coverage"]
        for row in queryset.values(*fields).order_by(
            "territory__code", "indicator__slug", "period"
        ):
            row.setdefault("coverage", 1.0 if row["status"] == ValueStatus.OK else 0.0)
            rows.append(row)
    return rows


def recent_runs(limit=50):
    return PipelineRun.objects.select_related("requested_by", "job").order_by("-created_at")[:limit]


def search_territories(query, limit=50):
    return (
        Territory.objects.search(query)
        .select_related("departement", "epci")
        .order_by("level", "name")[:limit]
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

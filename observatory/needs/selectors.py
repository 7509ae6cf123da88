"""Reads for the « besoins / ressources » section: each need the professions answer (the
indicator named by Profession.need_indicator), its value here and in the département and
région, and the workforce figures of the professions answering it — all from the published
recompute, in three queries whatever the number of professions."""

from itertools import groupby

from observatory.indicators.definitions import indicator_slug
from observatory.reference.models import Profession
from territories.catalogue.models import Indicator, IndicatorValue
from territories.choices import Level, ValueStatus
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id
from territories.portraits.portrait import reference_territories

# What the section shows of each profession: how tense, how vacant, how many for how many.
WORKFORCE = ("indice-tension", "taux-vacance", "densite-etp")
KNOWN = (ValueStatus.OK, ValueStatus.PARTIAL)


def workforce_territory(territory):
    """Where the workforce figures are read: a commune's are its EPCI's (they start at the
    EPCI level); other territories' their own."""
    if territory.level == Level.COMMUNE:
        return territory.epci
    return territory


def needs_and_resources(territory):
    """[{"need": Indicator, "values": {"here", "departement", "region"}, "professions":
    [{"profession", "figures": [{"indicator", "value", "status"}]}]}], one item per need;
    empty when no profession names a need or nothing is published."""
    professions = list(
        Profession.objects.exclude(need_indicator="").order_by("need_indicator", "position")
    )
    workforce = workforce_territory(territory)
    if not professions or workforce is None:
        return []
    slugs = {p.need_indicator for p in professions}
    slugs |= {indicator_slug(m, p.code) for p in professions for m in WORKFORCE}
    indicators = {
        i.slug: i for i in Indicator.objects.filter(slug__in=slugs).select_related("variant_of")
    }
    departement, region = reference_territories(territory)
    places = {"here": territory, "departement": departement, "region": region}
    latest = _latest_values(indicators.values(), places, workforce)
    items = []
    for need_slug, members in groupby(professions, key=lambda p: p.need_indicator):
        need = indicators.get(need_slug)
        rows = [_profession_row(p, indicators, latest, workforce) for p in members]
        rows = [row for row in rows if row["figures"]]
        if need is None or not rows:
            continue
        items.append(
            {
                "need": need,
                "values": {
                    place: latest.get((need.pk, territory_.pk)) if territory_ else None
                    for place, territory_ in places.items()
                },
                "professions": rows,
            }
        )
    return items


def _profession_row(profession, indicators, latest, workforce):
    figures = []
    for measure in WORKFORCE:
        indicator = indicators.get(indicator_slug(measure, profession.code))
        if indicator is None:
            continue
        value = latest.get((indicator.pk, workforce.pk))
        if value is not None:
            figures.append({"indicator": indicator, **value})
    return {"profession": profession, "figures": figures}


def _latest_values(indicators, places, workforce):
    """{(indicator id, territory id): {"value", "status", "period"}}, latest period first."""
    ids = [i.pk for i in indicators]
    territory_ids = {t.pk for t in places.values() if t is not None} | {workforce.pk}
    rows = list(
        AggregateValue.objects.filter(
            run_id=published_run_id(), indicator_id__in=ids, territory_id__in=territory_ids
        ).values_list("indicator_id", "territory_id", "period", "value", "status")
    )
    here = places["here"]
    if here.level == Level.COMMUNE:
        rows += list(
            IndicatorValue.objects.filter(indicator_id__in=ids, territory=here).values_list(
                "indicator_id", "territory_id", "period", "value", "status"
            )
        )
    latest = {}
    for indicator_id, territory_id, period, value, status in sorted(rows, key=lambda r: r[2]):
        latest[(indicator_id, territory_id)] = {
            "value": value if status in KNOWN else None,
            "status": status,
            "period": period,
        }
    return latest

"""Reads of the dashboard, from the published recompute only.

Two reads, each kept in Django's cache under the published run's version (a new run names
new keys, so nothing is ever invalidated, and old keys expire):

- `regional()`: the workforce indicators of the catalogue, the professions they detail, and
  the région's values for every year — what the table and the trends show, whatever is
  chosen;
- `local(data, year=, profession=)`: for one year, the tension index and its components of
  every profession in every EPCI, every measure of the chosen profession, the poverty rate
  of the EPCI (its latest period), and the class bounds of the two maps, read from the
  layers the pipeline stored.

Not kept, each costs a constant number of queries, whatever the number of professions, EPCI
and years (tests/observatory/dashboard/test_queries.py pins it).
"""

import json
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q

from observatory.indicators.definitions import (
    ALL_PROFESSIONS,
    SLUG_PREFIX,
    TENSION_COMPONENTS,
    parse_slug,
)
from observatory.reference.models import Profession
from territories.catalogue.models import Indicator
from territories.choices import Level, ValueStatus
from territories.geography.models import Territory
from territories.geography.selectors import loaded_region
from territories.maps import stored as stored_layers
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_version

TENSION = "indice-tension"
POVERTY = "taux-pauvrete"
# The région's table, in this order: how many, how tense and why, who leaves, who stays.
COLUMNS = (
    "effectif",
    TENSION,
    "taux-vacance",
    "taux-vacance-longue",
    "rotation",
    "taux-demission",
    "part-55-plus",
    "absenteisme",
    "part-cdd",
    "part-temps-partiel",
    "densite-etp",
)
KNOWN = (ValueStatus.OK, ValueStatus.PARTIAL)
TTL = 24 * 3600  # seconds; a new run uses new keys anyway
TOP = 10


@dataclass(frozen=True)
class Cell:
    """A published value, or why there is none: a secret cell never carries a number."""

    value: float | None
    status: str

    @property
    def known(self):
        return self.value is not None

    @property
    def secret(self):
        return self.status == ValueStatus.SECRET


MISSING = Cell(None, ValueStatus.MISSING)


def cell(value, status):
    return Cell(value if status in KNOWN and value is not None else None, status)


@dataclass(frozen=True)
class Info:
    """What the dashboard shows of an indicator of the catalogue."""

    pk: int
    slug: str
    name: str
    unit: str
    decimals: int
    polarity: str
    source: str
    source_vintage: str
    is_demo: bool
    variant_label: str


INFO_FIELDS = [
    "pk",
    "slug",
    "name",
    "unit",
    "decimals",
    "polarity",
    "source",
    "source_vintage",
    "is_demo",
    "variant_label",
]


def _kept(key, compute):
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TTL)
    return found


def regional():
    """The published workforce figures of the région, or None when no run is published:

    {"run_id", "version", "region": {"code", "name"} | None, "years": [...],
    "professions": [(code, name)] in the reference order, "indicators": {(measure,
    profession code or ALL_PROFESSIONS): Info}, "poverty": Info | None, "poverty_region":
    {period: Cell}, "values": {(measure, profession, year): Cell}, "is_demo"}.
    """
    run_id, version = published_run_version()
    if run_id is None:
        return None
    return _kept(f"observatory:dashboard:regional:{version}", lambda: _regional(run_id, version))


def _regional(run_id, version):
    indicators, poverty = {}, None
    for row in Indicator.objects.filter(Q(slug__startswith=SLUG_PREFIX) | Q(slug=POVERTY)).values(
        *INFO_FIELDS
    ):
        info = Info(**row)
        if info.slug == POVERTY:
            poverty = info
        elif (parsed := parse_slug(info.slug)) is not None:
            indicators[parsed] = info
    details = {
        profession: info.variant_label or profession
        for (_measure, profession), info in indicators.items()
        if profession != ALL_PROFESSIONS
    }
    professions = list(Profession.objects.filter(code__in=details).values_list("code", "name"))
    listed = {code for code, _name in professions}
    professions += sorted(((c, n) for c, n in details.items() if c not in listed), key=str)
    keys = {info.pk: key for key, info in indicators.items()}
    if poverty is not None:
        keys[poverty.pk] = (POVERTY, ALL_PROFESSIONS)
    rows = list(
        AggregateValue.objects.filter(
            run_id=run_id, indicator_id__in=list(keys), territory__level=Level.REGION
        ).values_list(
            "indicator_id", "territory__code", "territory__name", "period", "value", "status"
        )
    )
    regions = {code: name for _i, code, name, *_rest in rows}
    region_code = None
    if len(regions) == 1:
        region_code = next(iter(regions))
    elif regions:
        # Values for several régions (another région's files loaded too): the portal's own.
        loaded = (loaded_region() or {}).get("code")
        region_code = loaded if loaded in regions else min(regions)
    values = {
        (*keys[indicator_id], period): cell(value, status)
        for indicator_id, code, _name, period, value, status in rows
        if code == region_code
    }
    poverty_values = {
        period: found for (measure, _p, period), found in values.items() if measure == POVERTY
    }
    values = {key: found for key, found in values.items() if key[0] != POVERTY}
    return {
        "run_id": run_id,
        "version": version,
        "region": {"code": region_code, "name": regions[region_code]} if region_code else None,
        "years": sorted({period for _measure, _profession, period in values}),
        "professions": professions,
        "indicators": indicators,
        "poverty": poverty,
        "poverty_region": poverty_values,
        "values": values,
        "is_demo": any(info.is_demo for info in indicators.values()),
    }


def local(data, *, year, profession):
    """One year's EPCI figures, for the maps, the most tense and the exports:

    {"year", "profession", "epci": {(measure, profession, EPCI code): Cell} (the tension
    index and its components for every profession, every measure for the chosen one),
    "names": {code: name} of every EPCI, "poverty": {"period", "cells": {code: Cell}},
    "bounds": {"tension": [...], "poverty": [...]} (the layers' quantiles, [] when no layer
    is stored), "top": [(profession, code)] of the highest published tension indexes}.
    """
    key = f"observatory:dashboard:local:{data['version']}:{year}:{profession}"
    return _kept(key, lambda: _local(data, year, profession))


def _local(data, year, profession):
    wanted = {
        info.pk: (measure, code)
        for (measure, code), info in data["indicators"].items()
        if code == profession
        or (code != ALL_PROFESSIONS and measure in (TENSION, *TENSION_COMPONENTS))
    }
    epci = {
        (*wanted[indicator_id], code): cell(value, status)
        for indicator_id, code, value, status in AggregateValue.objects.filter(
            run_id=data["run_id"],
            indicator_id__in=list(wanted),
            territory__level=Level.EPCI,
            period=year,
        ).values_list("indicator_id", "territory__code", "value", "status")
    }
    names = dict(
        Territory.objects.filter(level=Level.EPCI).order_by("code").values_list("code", "name")
    )
    poverty = {"period": None, "cells": {}}
    if data["poverty"] is not None:
        rows = AggregateValue.objects.filter(
            run_id=data["run_id"], indicator_id=data["poverty"].pk, territory__level=Level.EPCI
        ).values_list("territory__code", "period", "value", "status")
        by_period = {}
        for code, period, value, status in rows:
            by_period.setdefault(period, {})[code] = cell(value, status)
        if by_period:
            latest = max(by_period)
            poverty = {"period": latest, "cells": by_period[latest]}
    tension = data["indicators"].get((TENSION, profession))
    bounds = {
        "tension": _bounds(tension.slug, year) if tension else [],
        "poverty": _bounds(POVERTY, poverty["period"]) if poverty["period"] else [],
    }
    ranked = sorted(
        (
            (-found.value, position, names.get(code, code), profession_code, code)
            for position, (profession_code, _name) in enumerate(data["professions"])
            for code in names
            if (found := epci.get((TENSION, profession_code, code))) is not None and found.known
        )
    )
    return {
        "year": year,
        "profession": profession,
        "epci": epci,
        "names": names,
        "poverty": poverty,
        "bounds": bounds,
        "top": [(profession_code, code) for *_order, profession_code, code in ranked[:TOP]],
    }


def _bounds(slug, period, classes=5):
    """The upper bounds of the stored layer's quantile classes (5, or fewer when its values
    allow fewer), as the pipeline computed them with mapclassify: nothing is classed here."""
    content = stored_layers.layer(slug=slug, level=Level.EPCI, period=period).content(gzip=False)
    if not content:
        return []
    quantiles = json.loads(content).get("classes", {}).get("quantiles", {})
    for count in range(classes, 2, -1):
        if str(count) in quantiles:
            return quantiles[str(count)]
    return []

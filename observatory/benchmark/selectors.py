"""Reads of an organisation's benchmark, from what the published recompute stored
(observatory.benchmark.compute): a constant number of queries, whatever the number of its
establishments, professions and groups. A group's quartiles are read only where the
establishment's position says the secrecy rule lets them be shown; its members' values
(`distributions`) are never read here."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from observatory.benchmark.compute import (
    HIGHEST,
    LOWEST,
    MEASURE_SLUGS,
    MEDIAN,
    MIN_OTHER_EMPLOYERS,
    SECOND,
    THIRD,
)
from observatory.benchmark.models import (
    BenchmarkGroup,
    BenchmarkKind,
    BenchmarkPosition,
    SizeBand,
)
from observatory.establishments.models import Establishment
from observatory.indicators.definitions import ALL_PROFESSIONS, BY_SLUG
from observatory.reference.models import Profession
from territories.choices import RunState
from territories.pipeline.models import PipelineRun

BANDS = {
    LOWEST: gettext_lazy("in the lowest quarter"),
    SECOND: gettext_lazy("between the first quartile and the median"),
    MEDIAN: gettext_lazy("at the median"),
    THIRD: gettext_lazy("between the median and the third quartile"),
    HIGHEST: gettext_lazy("in the highest quarter"),
}
SECRET = gettext_lazy("comparison group too small (statistical secrecy)")
KINDS = (BenchmarkKind.SIMILAR, BenchmarkKind.TERRITORY)


def number(value, decimals):
    return floatformat(value, f"{decimals}g")


def value_text(value, measure):
    """A value in words, with its unit where it is a percentage; « — » for none."""
    if value is None:
        return "—"
    shown = number(value, measure.decimals)
    return f"{shown} %" if measure.unit == "%" else shown


@dataclass
class Comparison:
    """One measure of one establishment beside one group: shown, or secret."""

    shown: bool
    position: str = ""
    percentile: int | None = None
    q1: str = ""
    median: str = ""
    q3: str = ""
    employers: int = 0
    establishments: int = 0

    @property
    def secret_text(self):
        return SECRET

    @property
    def quartiles_text(self):
        """« Q1 · median · Q3 », or why a group too small to tell them has none."""
        if not self.median:
            return _("not published (group too small)")
        return f"{self.q1} · {self.median} · {self.q3}"

    @property
    def position_text(self):
        if self.percentile is None:
            return self.position or "—"
        return _("%(position)s (percentile %(percentile)s)") % {
            "position": self.position,
            "percentile": self.percentile,
        }


@dataclass
class MeasureRow:
    measure: object
    value: str
    similar: Comparison | None
    territory: Comparison | None

    @property
    def comparisons(self):
        return (self.similar, self.territory)


@dataclass
class ProfessionBlock:
    code: str
    name: str
    rows: list = field(default_factory=list)

    @property
    def is_all(self):
        return self.code == ALL_PROFESSIONS


@dataclass
class EstablishmentBenchmark:
    establishment: Establishment
    headcount: int
    similar_label: str
    similar_employers: int | None  # None: too few to be told (secrecy)
    territory_label: str
    territory_employers: int | None
    professions: list = field(default_factory=list)

    @property
    def similar_size(self):
        return group_size(self.similar_employers)

    @property
    def territory_size(self):
        return group_size(self.territory_employers)


@dataclass
class Benchmark:
    """An organisation's benchmark for one year of the published run."""

    run: object
    year: int | None
    years: list
    establishments: list
    without: list  # establishments with no validated figures that year
    demo: bool
    problems: list = field(default_factory=list)

    @property
    def kinds(self):
        return [(kind, BenchmarkKind(kind).label) for kind in KINDS]


def group_label(group):
    if group is None:
        return ""
    if group.kind == BenchmarkKind.TERRITORY:
        return _("the establishments of %(epci)s") % {"epci": group.territory.name}
    return _("%(sector)s, %(departement)s, %(band)s") % {
        "sector": group.sector.name if group.sector else "—",
        "departement": group.territory.name,
        "band": SizeBand(group.size_band).label if group.size_band else "—",
    }


def group_size(employers):
    """« 7 employers », or the secrecy marker where the group is too small to be told."""
    if employers is None:
        return str(SECRET)
    return ngettext("%(count)s employer", "%(count)s employers", employers) % {"count": employers}


def _size(group):
    """How many employers a group holds, told only where it may be compared with at all:
    a count of one or two would point at the other employers that answered."""
    if group is None or group.employers - 1 < MIN_OTHER_EMPLOYERS:
        return None
    return group.employers


def _comparison(place, group, profession, measure):
    """The comparison of one measure with one group, as its establishment may see it."""
    if group is None or place is None:
        return None
    summary = group.summaries.get(profession, {}).get(measure.slug, {})
    if not place or not summary:
        return Comparison(shown=False)
    quartiles = {}
    if "median" in summary:  # only large groups' (observatory.benchmark.compute)
        quartiles = {q: value_text(summary[q], measure) for q in ("q1", "median", "q3")}
    return Comparison(
        shown=True,
        position=BANDS.get(place[1], ""),
        percentile=place[0],
        **quartiles,
        employers=summary["employers"],
        establishments=summary["values"],
    )


def _year_chosen(raw, years):
    """(year, problems): the year asked for if the run holds it, else the latest."""
    if not years:
        return None, []
    raw = (raw or "").strip()
    if not raw:
        return years[-1], []
    if raw.isdigit() and int(raw) in years:
        return int(raw), []
    return years[-1], [
        _("There is no comparison for the year “%(year)s”: that of %(latest)s is shown.")
        % {"year": raw[:40], "latest": years[-1]}
    ]


def benchmarked_run():
    """The latest published run whose benchmark is computed: a run publishes its indicators
    before its benchmark job ends, and readers keep the previous benchmark meanwhile."""
    return (
        PipelineRun.objects.filter(state=RunState.SUCCEEDED)
        .filter(Exists(BenchmarkGroup.objects.filter(run=OuterRef("pk"))))
        .order_by("-pk")
        .first()
    )


def benchmark_of(*, organisation, year=None):
    """The benchmark of the organisation's establishments for `year` (the latest the
    published run holds when it holds none such), with every profession each declared."""
    run = benchmarked_run()
    establishments = list(
        Establishment.objects.filter(organisation=organisation)
        .select_related("commune")
        .only("name", "siret", "is_demo", "organisation_id", "commune__name", "commune__code")
        .order_by("name")
    )
    demo = organisation.is_demo or any(e.is_demo for e in establishments)
    if run is None:
        return Benchmark(run, None, [], [], establishments, demo)
    positions = BenchmarkPosition.objects.filter(run=run, establishment__organisation=organisation)
    years = sorted(positions.values_list("year", flat=True).distinct())
    chosen, problems = _year_chosen(year, years)
    if chosen is None:
        return Benchmark(run, None, [], [], establishments, demo, problems)
    found = list(
        positions.filter(year=chosen)
        .select_related("similar__sector", "similar__territory", "territory__territory")
        .only(
            "year",
            "establishment_id",
            "headcount",
            "comparisons",
            "similar__kind",
            "similar__employers",
            "similar__size_band",
            "similar__summaries",
            "similar__sector__name",
            "similar__territory__name",
            "territory__kind",
            "territory__employers",
            "territory__summaries",
            "territory__territory__name",
        )
    )
    names = dict(Profession.objects.values_list("code", "name"))
    order = {code: index for index, code in enumerate(names)}
    by_establishment = {position.establishment_id: position for position in found}
    shown, without = [], []
    for establishment in establishments:
        position = by_establishment.get(establishment.pk)
        if position is None:
            without.append(establishment)
            continue
        shown.append(_establishment(establishment, position, names, order))
    return Benchmark(run, chosen, years, shown, without, demo, problems)


def _establishment(establishment, position, names, order):
    groups = {BenchmarkKind.SIMILAR: position.similar, BenchmarkKind.TERRITORY: position.territory}
    result = EstablishmentBenchmark(
        establishment=establishment,
        headcount=position.headcount,
        similar_label=group_label(position.similar),
        similar_employers=_size(position.similar),
        territory_label=group_label(position.territory),
        territory_employers=_size(position.territory),
    )
    codes = sorted(
        position.comparisons,
        key=lambda code: (code != ALL_PROFESSIONS, order.get(code, len(order)), code),
    )
    for code in codes:
        entries = position.comparisons[code]
        block = ProfessionBlock(
            code=code,
            name=_("All professions") if code == ALL_PROFESSIONS else names.get(code, code),
        )
        for slug in MEASURE_SLUGS:
            measure = BY_SLUG[slug]
            entry = entries.get(slug)
            if entry is None:
                continue
            value, *places = entry
            compared = {
                kind: _comparison(place, groups[kind], code, measure)
                for kind, place in zip(KINDS, places, strict=True)
            }
            block.rows.append(
                MeasureRow(
                    measure=measure,
                    value=value_text(value, measure),
                    similar=compared[BenchmarkKind.SIMILAR],
                    territory=compared[BenchmarkKind.TERRITORY],
                )
            )
        result.professions.append(block)
    return result

"""Pairs of values, correlations and bivariate classes, from the stored layers."""

import json
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db.models import Sum
from scipy import stats

from territories.catalogue.models import Indicator
from territories.choices import Level, ValueStatus
from territories.geography.models import Territory
from territories.maps import stored as stored_layers
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id

# Joshua Stevens' bivariate scheme (pink for the first indicator, blue for the second), whose
# nine colours stay distinct for the common forms of colour blindness. Indexed [y - 1][x - 1].
BIVARIATE_COLOURS = [
    ["#e8e8e8", "#e4acac", "#c85a5a"],
    ["#b0d5df", "#ad9ea5", "#985356"],
    ["#64acbe", "#627f8c", "#574249"],
]
# Okabe and Ito's palette, for the points' départements.
CATEGORY_COLOURS = [
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
]
MIN_POINTS = 5
OUTLIER_SD = 2.0  # a point whose residual exceeds this many standard deviations


@dataclass
class Point:
    code: str
    name: str
    group: str
    x: float
    y: float
    status_x: str = ValueStatus.OK
    status_y: str = ValueStatus.OK
    klass: tuple = (0, 0)
    residual: float = 0.0
    outlier: bool = False

    @property
    def colour(self):
        return BIVARIATE_COLOURS[self.klass[1] - 1][self.klass[0] - 1]


@dataclass
class Crossed:
    x: Indicator
    y: Indicator
    level: str
    period_x: int
    period_y: int
    points: list = field(default_factory=list)
    excluded: list = field(default_factory=list)  # (code, name, which, status)
    pearson: float | None = None
    pearson_p: float | None = None
    spearman: float | None = None
    spearman_p: float | None = None
    slope: float | None = None
    intercept: float | None = None
    reference: tuple = (None, None)  # the région's values, or the points' means
    reference_is_region: bool = False
    terciles_x: tuple = ()
    terciles_y: tuple = ()
    computed_at: str = ""

    @property
    def n(self):
        return len(self.points)

    @property
    def enough(self):
        return self.n >= MIN_POINTS

    def excluded_counts(self):
        counts = {}
        for _code, _name, _which, status in self.excluded:
            counts[status] = counts.get(status, 0) + 1
        return counts


def _layer(slug, level, period):
    content = stored_layers.layer(slug=slug, level=level, period=period).content(gzip=False)
    return json.loads(content) if content else None


def _names(level):
    """{code: (name, département code)} of a level, kept with the published run."""
    key = f"territories:crossed:names:{level}:{published_run_id()}"
    names = cache.get(key)
    if names is None:
        rows = Territory.objects.filter(level=level).values_list(
            "code", "name", "departement__code"
        )
        names = {code: (name, dep or "") for code, name, dep in rows}
        if level == Level.EPCI:
            # An EPCI may cross départements: it goes with the one holding most of its people.
            largest = {}
            shares = (
                Territory.objects.filter(level=Level.COMMUNE, epci__isnull=False)
                .values_list("epci__code", "departement__code")
                .annotate(people=Sum("population"))
                .order_by("epci__code", "-people")
            )
            for epci, dep, _people in shares:
                largest.setdefault(epci, dep or "")
            names = {code: (name, largest.get(code, dep)) for code, (name, dep) in names.items()}
        cache.set(key, names, timeout=3600)
    return names


def _region_values(x, y, period_x, period_y):
    rows = AggregateValue.objects.filter(
        run_id=published_run_id(),
        territory__level=Level.REGION,
        indicator__in=[x, y],
        period__in={period_x, period_y},
        status__in=[ValueStatus.OK, ValueStatus.PARTIAL],  # never a secret cell's number
        value__isnull=False,
    ).values_list("indicator_id", "period", "value")
    found = {(indicator, period): value for indicator, period, value in rows}
    return found.get((x.pk, period_x)), found.get((y.pk, period_y))


def crossed(*, x, y, level, period_x, period_y):
    """The territories of `level` with both values known, and what the pair tells."""
    result = Crossed(x=x, y=y, level=level, period_x=period_x, period_y=period_y)
    first, second = _layer(x.slug, level, period_x), _layer(y.slug, level, period_y)
    if first is None or second is None:
        return None
    result.computed_at = first["computed_at"]
    names = _names(level)
    for code in sorted(set(first["values"]) | set(second["values"])):
        name, group = names.get(code, (code, ""))
        vx, sx = (first["values"].get(code) or [None, ValueStatus.MISSING])[:2]
        vy, sy = (second["values"].get(code) or [None, ValueStatus.MISSING])[:2]
        if vx is None or vy is None:
            which, status = (x, sx) if vx is None else (y, sy)
            status = status if status != ValueStatus.OK else ValueStatus.MISSING
            result.excluded.append((code, name, which, status))
            continue
        result.points.append(
            Point(code=code, name=name, group=group, x=vx, y=vy, status_x=sx, status_y=sy)
        )
    if not result.enough:
        return result
    xs = np.array([p.x for p in result.points])
    ys = np.array([p.y for p in result.points])
    if np.ptp(xs) > 0 and np.ptp(ys) > 0:
        pearson = stats.pearsonr(xs, ys)
        spearman = stats.spearmanr(xs, ys)
        result.pearson, result.pearson_p = float(pearson.statistic), float(pearson.pvalue)
        result.spearman, result.spearman_p = float(spearman.statistic), float(spearman.pvalue)
        fit = stats.linregress(xs, ys)
        result.slope, result.intercept = float(fit.slope), float(fit.intercept)
        residuals = ys - (fit.slope * xs + fit.intercept)
        spread = residuals.std()
        for point, residual in zip(result.points, residuals, strict=True):
            point.residual = float(residual)
            point.outlier = bool(spread > 0 and abs(residual) > OUTLIER_SD * spread)
    region = _region_values(x, y, period_x, period_y)
    result.reference_is_region = None not in region
    result.reference = region if result.reference_is_region else (xs.mean(), ys.mean())
    result.terciles_x = tuple(np.quantile(xs, [1 / 3, 2 / 3]))
    result.terciles_y = tuple(np.quantile(ys, [1 / 3, 2 / 3]))
    for point in result.points:
        point.klass = (
            1 + int(point.x > result.terciles_x[0]) + int(point.x > result.terciles_x[1]),
            1 + int(point.y > result.terciles_y[0]) + int(point.y > result.terciles_y[1]),
        )
    return result


def group_colours(points):
    """A colour for each département found among the points, in code order."""
    groups = sorted({p.group for p in points})
    return {g: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, g in enumerate(groups)}

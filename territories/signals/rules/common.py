"""What every rule reads and writes: the series of the run being computed, loaded once, and
the way a value is worded in an explanation."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import formats

from territories.catalogue.models import Indicator, IndicatorValue
from territories.choices import Level, Polarity, ValueStatus
from territories.geography.models import Territory
from territories.pipeline.models import AggregateValue
from territories.signals.models import WeakSignal


@dataclass(frozen=True)
class Place:
    pk: int
    level: str
    name: str
    population: int
    departement_id: int | None
    region_id: int | None


class SignalData:
    """Everything detect() reads, loaded once: series per (indicator, territory)."""

    def __init__(self, *, run_id, slugs):
        self.indicators = {i.slug: i for i in Indicator.objects.filter(slug__in=slugs)}
        ids = [i.pk for i in self.indicators.values()]
        self.places = {
            row[0]: Place(*row)
            for row in Territory.objects.values_list(
                "pk", "level", "name", "population", "departement_id", "region_id"
            )
        }
        # {indicator_id: {territory_id: {period: value}}}
        self.series = defaultdict(lambda: defaultdict(dict))
        communes = IndicatorValue.objects.filter(
            indicator_id__in=ids,
            status=ValueStatus.OK,
            value__isnull=False,
            territory__level=Level.COMMUNE,
        ).values_list("indicator_id", "territory_id", "period", "value")
        # Aggregates of this run, and what it computed for communes (composite indexes).
        # Known ones only: a secret cell may be published with its number (publishers).
        aggregates = AggregateValue.objects.filter(
            run_id=run_id,
            indicator_id__in=ids,
            status__in=[ValueStatus.OK, ValueStatus.PARTIAL],
            value__isnull=False,
        ).values_list("indicator_id", "territory_id", "period", "value")
        for rows in (communes, aggregates):
            for indicator_id, territory_id, period, value in rows.iterator(chunk_size=5000):
                self.series[indicator_id][territory_id][period] = value

    def latest_period(self, indicator):
        periods = {p for values in self.series[indicator.pk].values() for p in values}
        return max(periods) if periods else None

    def candidates(self, indicator, *, levels, min_population=0):
        """(place, {period: value}) of the territories a rule may look at."""
        for territory_id, values in self.series[indicator.pk].items():
            place = self.places.get(territory_id)
            if place is None or place.level not in levels:
                continue
            if (place.population or 0) < min_population:
                continue
            yield place, values


def adverse(indicator, difference):
    """The difference counted in the fragile direction (positive means worse)."""
    return difference if indicator.polarity == Polarity.HIGHER_IS_WORSE else -difference


def number_text(value, decimals):
    return formats.number_format(
        round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


def amount_text(value, indicator):
    """A value with its unit, the way the portal prints it."""
    text = number_text(value, indicator.decimals)
    return text if indicator.unit in ("", "ratio") else f"{text} {indicator.unit}"


def signal(*, run_id, place, rule, indicator, period, score, explanation, details):
    return WeakSignal(
        run_id=run_id,
        territory_id=place.pk,
        rule=rule,
        indicator=indicator,
        period=period,
        score=round(score, 4),
        explanation=explanation,
        details=details,
    )

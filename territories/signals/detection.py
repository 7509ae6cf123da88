"""Weak signals: territories whose indicators move the wrong way, cross a threshold, stand
out from similar territories, or sit just above the poverty line (the *halo*).

`detect()` is a step of the recompute pipeline (recompute_finish): it reads the run being
computed (aggregates, typologies) and the imported commune values, never the published run,
and replaces what an earlier attempt of itself wrote for that run. The rules and their
thresholds live in data/reference/signal_rules.json, each with the sentence saying why.

`notify_followers()` runs after publication. Reviews and follows are written here too.
"""

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from territories.choices import Level, Polarity, RunState, SignalRule, ValueStatus
from territories.models import (
    AggregateValue,
    Indicator,
    IndicatorValue,
    PipelineRun,
    SignalReview,
    Territory,
    TerritoryFollow,
    TypologyLabel,
    TypologyMembership,
    TypologyResult,
    WeakSignal,
)

RULES_PATH = Path(settings.BASE_DIR) / "data" / "reference" / "signal_rules.json"
# The rules this module raises; field observations (SignalRule.FIELD) are written elsewhere
# and must survive a new detection.
DETECTED_RULES = [SignalRule.TREND, SignalRule.THRESHOLD, SignalRule.OUTLIER, SignalRule.HALO]
# 0.6745 is the 0.75 quantile of the standard normal: it makes the MAD comparable to a
# standard deviation (Iglewicz and Hoaglin's modified z-score).
MAD_SCALE = 0.6745


def load_rules(*, path=RULES_PATH):
    return json.loads(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Place:
    pk: int
    level: str
    name: str
    population: int
    departement_id: int | None
    region_id: int | None


class _Data:
    """Everything detect() reads, loaded once: series per (indicator, territory)."""

    def __init__(self, *, run_id, slugs):
        self.indicators = {i.slug: i for i in Indicator.objects.filter(slug__in=slugs)}
        ids = [i.pk for i in self.indicators.values()]
        self.places = {
            row[0]: _Place(*row)
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
        aggregates = AggregateValue.objects.filter(
            run_id=run_id, indicator_id__in=ids, value__isnull=False
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


def _adverse(indicator, difference):
    """The difference counted in the fragile direction (positive means worse)."""
    return difference if indicator.polarity == Polarity.HIGHER_IS_WORSE else -difference


def _number(value, decimals):
    return formats.number_format(
        round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


def _amount(value, indicator):
    """A value with its unit, the way the portal prints it."""
    text = _number(value, indicator.decimals)
    return text if indicator.unit in ("", "ratio") else f"{text} {indicator.unit}"


def _signal(*, run_id, place, rule, indicator, period, score, explanation, details):
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


# ----------------------------------------------------------------------------- rules


def _trend(data, *, run_id, config, min_population):
    signals = []
    for item in config.get("indicators", []):
        indicator = data.indicators.get(item["indicator"])
        if indicator is None or indicator.polarity == Polarity.NEUTRAL:
            continue
        min_change = float(item["min_change_pct"])
        needed = int(item.get("consecutive", config.get("consecutive", 2)))
        levels = item.get("levels", config.get("levels", []))
        for place, values in data.candidates(
            indicator, levels=levels, min_population=min_population
        ):
            periods = sorted(values)
            if len(periods) < config.get("min_periods", 3):
                continue
            # Adverse changes in a row, ending with the latest period.
            count = 0
            for before, after in zip(periods[-2::-1], periods[::-1], strict=False):
                if _adverse(indicator, values[after] - values[before]) <= 0:
                    break
                count += 1
            if count < needed:
                continue
            start, end = periods[-1 - count], periods[-1]
            if values[start] == 0:
                continue
            change = 100 * (values[end] - values[start]) / abs(values[start])
            adverse_change = _adverse(indicator, change)
            if adverse_change < min_change:
                continue
            explanation = _(
                "%(indicator)s moved the wrong way %(count)s times in a row, from %(first)s in "
                "%(start)s to %(last)s in %(end)s (%(change)s %%), beyond the trend threshold "
                "of %(threshold)s %%."
            ) % {
                "indicator": indicator.name,
                "count": count,
                "first": _amount(values[start], indicator),
                "start": start,
                "last": _amount(values[end], indicator),
                "end": end,
                "change": _number(change, 1),
                "threshold": _number(min_change, 0),
            }
            signals.append(
                _signal(
                    run_id=run_id,
                    place=place,
                    rule=SignalRule.TREND,
                    indicator=indicator,
                    period=end,
                    score=adverse_change / min_change,
                    explanation=explanation,
                    details={
                        "values": {str(p): values[p] for p in periods},
                        "periods": [start, end],
                        "adverse_changes": count,
                        "change_pct": round(change, 2),
                        "threshold_pct": min_change,
                        "why": item.get("why", ""),
                    },
                )
            )
    return signals


def _threshold(data, *, run_id, config, min_population):
    signals = []
    for item in config.get("indicators", []):
        indicator = data.indicators.get(item["indicator"])
        if indicator is None or indicator.polarity == Polarity.NEUTRAL:
            continue
        threshold = float(item["threshold"])
        period = item.get("period") or data.latest_period(indicator)
        levels = item.get("levels", config.get("levels", []))
        for place, values in data.candidates(
            indicator, levels=levels, min_population=min_population
        ):
            value = values.get(period)
            if value is None:
                continue
            excess = _adverse(indicator, value - threshold)
            if excess < 0:
                continue
            explanation = _(
                "%(indicator)s is %(value)s in %(period)s, beyond the alert threshold of "
                "%(threshold)s."
            ) % {
                "indicator": indicator.name,
                "value": _amount(value, indicator),
                "period": period,
                "threshold": _amount(threshold, indicator),
            }
            signals.append(
                _signal(
                    run_id=run_id,
                    place=place,
                    rule=SignalRule.THRESHOLD,
                    indicator=indicator,
                    period=period,
                    score=1 + excess / abs(threshold),
                    explanation=explanation,
                    details={
                        "values": {str(period): value},
                        "threshold": threshold,
                        "periods": [period],
                        "why": item.get("why", ""),
                    },
                )
            )
    return signals


def _classes(*, run_id, data):
    """Per level, the class of each territory in the run's first typology of that level."""
    classes = {}
    results = (
        TypologyResult.objects.filter(run_id=run_id, error="")
        .select_related("typology")
        .order_by("typology_id")
    )
    for result in results:
        level = result.typology.level
        if level in classes:
            continue
        labels = dict(
            TypologyLabel.objects.filter(typology=result.typology).values_list("number", "label")
        )
        members = {}
        for territory_id, number in TypologyMembership.objects.filter(result=result).values_list(
            "territory_id", "number"
        ):
            label = labels.get(number) or _("%(typology)s, class %(number)s") % {
                "typology": result.typology.name,
                "number": number,
            }
            members[territory_id] = (f"typology:{result.typology.slug}:{number}", label)
        classes[level] = members
    return classes


def _fallback_group(place, data):
    """Territories of the same level and département (EPCI may cross them: their région)."""
    if place.departement_id:
        parent = data.places.get(place.departement_id)
        key = f"{place.level}:departement:{place.departement_id}"
    else:
        parent = data.places.get(place.region_id)
        key = f"{place.level}:region:{place.region_id}"
    name = parent.name if parent else "—"
    if place.level == Level.COMMUNE:
        label = _("communes of %(parent)s") % {"parent": name}
    elif place.level == Level.EPCI:
        label = _("EPCI of %(parent)s") % {"parent": name}
    else:
        label = _("départements of %(parent)s") % {"parent": name}
    return key, label


def _outlier(data, *, run_id, config, min_population):
    signals = []
    z_threshold = float(config.get("z", 3.5))
    min_group = int(config.get("min_group", 5))
    classes = _classes(run_id=run_id, data=data)
    for item in config.get("indicators", []):
        indicator = data.indicators.get(item["indicator"])
        if indicator is None or indicator.polarity == Polarity.NEUTRAL:
            continue
        period = item.get("period") or data.latest_period(indicator)
        levels = item.get("levels", config.get("levels", []))
        groups = defaultdict(list)
        labels = {}
        for place, values in data.candidates(
            indicator, levels=levels, min_population=min_population
        ):
            value = values.get(period)
            if value is None:
                continue
            if place.level in classes:
                # A territory the typology left out has no class to be compared with.
                membership = classes[place.level].get(place.pk)
                if membership is None:
                    continue
                key, label = membership
            else:
                key, label = _fallback_group(place, data)
            groups[key].append((place, value))
            labels[key] = label
        for key, members in groups.items():
            if len(members) < min_group:
                continue
            median = statistics.median(v for _place, v in members)
            mad = statistics.median(abs(v - median) for _place, v in members)
            if mad == 0:
                continue
            for place, value in members:
                z = _adverse(indicator, MAD_SCALE * (value - median) / mad)
                if z <= z_threshold:
                    continue
                explanation = _(
                    "%(indicator)s is %(value)s in %(period)s against a median of %(median)s "
                    "among %(count)s similar territories (%(group)s): a modified z-score of "
                    "%(z)s, beyond %(threshold)s."
                ) % {
                    "indicator": indicator.name,
                    "value": _amount(value, indicator),
                    "period": period,
                    "median": _amount(median, indicator),
                    "count": len(members),
                    "group": labels[key],
                    "z": _number(z, 1),
                    "threshold": _number(z_threshold, 1),
                }
                signals.append(
                    _signal(
                        run_id=run_id,
                        place=place,
                        rule=SignalRule.OUTLIER,
                        indicator=indicator,
                        period=period,
                        score=z / z_threshold,
                        explanation=explanation,
                        details={
                            "values": {str(period): value},
                            "median": median,
                            "mad": mad,
                            "z": round(z, 3),
                            "threshold": z_threshold,
                            "periods": [period],
                            "class": {"key": key, "label": labels[key], "size": len(members)},
                            "why": item.get("why", ""),
                        },
                    )
                )
    return signals


def _halo(data, *, run_id, config):
    indicator = data.indicators.get(config.get("indicator", ""))
    if indicator is None:
        return []
    line = float(config["poverty_line"])
    upper = line * (1 + float(config.get("margin", 0.10)))
    period = config["period"]
    signals = []
    for place, values in data.candidates(indicator, levels=config.get("levels", [])):
        value = values.get(period)
        if value is None or not line <= value <= upper:
            continue
        explanation = _(
            "%(indicator)s is %(value)s in %(period)s, just above the poverty threshold of "
            "%(threshold)s (less than %(margin)s %% above it): part of the inhabitants live "
            "on the edge of poverty."
        ) % {
            "indicator": indicator.name,
            "value": _amount(value, indicator),
            "period": period,
            "threshold": _amount(line, indicator),
            "margin": _number(100 * float(config.get("margin", 0.10)), 0),
        }
        signals.append(
            _signal(
                run_id=run_id,
                place=place,
                rule=SignalRule.HALO,
                indicator=indicator,
                period=period,
                # The closer to the poverty line, the stronger.
                score=1 + (upper - value) / upper,
                explanation=explanation,
                details={
                    "values": {str(period): value},
                    "threshold": line,
                    "upper": round(upper, 2),
                    "periods": [period],
                    "source": config.get("source", ""),
                    "why": config.get("why", ""),
                },
            )
        )
    return signals


def detect(*, run_id, rules=None):
    """Detect the weak signals of this run; replace what an earlier attempt wrote.

    A signal's score is 1 plus how far beyond its threshold it lies, relative to that
    threshold, so scores of different rules add up and compare.
    """
    rules = rules if rules is not None else load_rules()
    min_population = int(rules.get("min_population", 0))
    slugs = set()
    for name in ("trend", "threshold", "outlier"):
        slugs |= {item["indicator"] for item in rules.get(name, {}).get("indicators", [])}
    if rules.get("halo"):
        slugs.add(rules["halo"]["indicator"])
    # The explanations are stored: write them in the site's language, not the worker's.
    with translation.override(settings.LANGUAGE_CODE):
        data = _Data(run_id=run_id, slugs=slugs)
        kwargs = {"run_id": run_id, "min_population": min_population}
        signals = [
            *_trend(data, config=rules.get("trend", {}), **kwargs),
            *_threshold(data, config=rules.get("threshold", {}), **kwargs),
            *_outlier(data, config=rules.get("outlier", {}), **kwargs),
            *(_halo(data, run_id=run_id, config=rules["halo"]) if rules.get("halo") else []),
        ]
    with transaction.atomic():
        WeakSignal.objects.filter(run_id=run_id, rule__in=DETECTED_RULES).delete()
        WeakSignal.objects.bulk_create(signals, batch_size=1000)
    stats = {"signals": len(signals), "territories": len({s.territory_id for s in signals})}
    for rule in DETECTED_RULES:
        stats[rule.value] = sum(1 for s in signals if s.rule == rule)
    return stats


# ----------------------------------------------------------------------------- notifications


def _previous_published_run_id(run):
    queryset = PipelineRun.objects.filter(state=RunState.SUCCEEDED).exclude(pk=run.pk)
    if run.finished_at:
        queryset = queryset.filter(finished_at__lt=run.finished_at)
    return queryset.order_by("-finished_at").values_list("pk", flat=True).first()


def notify_followers(*, run_id):
    """E-mail each follower once about the signals this run raised on the territories they
    follow and that the previous published run did not have. Returns the e-mails sent.

    The run records that it notified (in its stats), so sending again is harmless.
    """
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state != RunState.SUCCEEDED or "notified" in run.stats:
            return 0
        previous_id = _previous_published_run_id(run)
        before = set(
            WeakSignal.objects.filter(run_id=previous_id).values_list(
                "territory_id", "rule", "indicator_id"
            )
        )
        followed = TerritoryFollow.objects.filter(
            territory__signals__run_id=run_id,
            user__is_active=True,
            user__deleted_at__isnull=True,
        ).values_list("user_id", "territory_id")
        followers = defaultdict(set)
        for user_id, territory_id in followed:
            followers[territory_id].add(user_id)
        new_signals = defaultdict(list)
        signals = (
            WeakSignal.objects.filter(run_id=run_id, territory_id__in=followers)
            .select_related("territory", "indicator")
            .order_by("territory__name", "-score")
        )
        for signal in signals:
            if (signal.territory_id, signal.rule, signal.indicator_id) in before:
                continue
            for user_id in followers[signal.territory_id]:
                new_signals[user_id].append(signal)
        users = {user.pk: user for user in get_user_model().objects.filter(pk__in=new_signals)}
        sent = 0
        url = settings.SITE_URL.rstrip("/") + reverse("signals:list")
        with translation.override(settings.LANGUAGE_CODE):
            for user_id, user_signals in new_signals.items():
                user = users[user_id]
                context = {"user": user, "signals": user_signals, "url": url, "run": run}
                subject = render_to_string("territories/email/signals_subject.txt", context)
                body = render_to_string("territories/email/signals_message.txt", context)
                send_mail(
                    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
                    body,
                    None,
                    [user.email],
                )
                sent += 1
        run.stats = {**run.stats, "notified": sent}
        run.save(update_fields=["stats"])
    return sent


# ----------------------------------------------------------------------------- reviews, follows


def signal_review_create(*, signal, status, comment, user):
    """Record an analyst's verdict on a signal; earlier verdicts are kept as its history."""
    return SignalReview.objects.create(
        territory_id=signal.territory_id,
        rule=signal.rule,
        indicator_id=signal.indicator_id,
        status=status,
        comment=comment,
        reviewed_by=user,
    )


def territory_follow(*, user, territory):
    follow, _created = TerritoryFollow.objects.get_or_create(user=user, territory=territory)
    return follow


def territory_unfollow(*, user, territory):
    TerritoryFollow.objects.filter(user=user, territory=territory).delete()

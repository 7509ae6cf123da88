"""The outlier rule: a territory that stands out from similar ones (its typology class, or
the territories of the same level in its département), by a robust modified z-score."""

import statistics
from collections import defaultdict

from django.utils.translation import gettext as _

from territories.analyses.models import TypologyLabel, TypologyMembership, TypologyResult
from territories.choices import Level, Polarity, SignalRule
from territories.signals.rules.common import adverse, amount_text, number_text, signal

# 0.6745 is the 0.75 quantile of the standard normal: it makes the MAD comparable to a
# standard deviation (Iglewicz and Hoaglin's modified z-score).
MAD_SCALE = 0.6745


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


def outlier(data, *, run_id, config, min_population):
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
                z = adverse(indicator, MAD_SCALE * (value - median) / mad)
                if z <= z_threshold:
                    continue
                explanation = _(
                    "%(indicator)s is %(value)s in %(period)s against a median of %(median)s "
                    "among %(count)s similar territories (%(group)s): a modified z-score of "
                    "%(z)s, beyond %(threshold)s."
                ) % {
                    "indicator": indicator.name,
                    "value": amount_text(value, indicator),
                    "period": period,
                    "median": amount_text(median, indicator),
                    "count": len(members),
                    "group": labels[key],
                    "z": number_text(z, 1),
                    "threshold": number_text(z_threshold, 1),
                }
                signals.append(
                    signal(
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

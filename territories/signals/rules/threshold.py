"""The threshold rule: an indicator beyond its alert threshold."""

from django.utils.translation import gettext as _

from territories.choices import Polarity, SignalRule
from territories.signals.rules.common import adverse, amount_text, signal


def threshold(data, *, run_id, config, min_population):
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
            excess = adverse(indicator, value - threshold)
            if excess < 0:
                continue
            explanation = _(
                "%(indicator)s is %(value)s in %(period)s, beyond the alert threshold of "
                "%(threshold)s."
            ) % {
                "indicator": indicator.name,
                "value": amount_text(value, indicator),
                "period": period,
                "threshold": amount_text(threshold, indicator),
            }
            signals.append(
                signal(
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

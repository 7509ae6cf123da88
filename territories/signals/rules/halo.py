"""The halo rule: communes just above a poverty threshold."""

from django.utils.translation import gettext as _

from territories.choices import SignalRule
from territories.signals.rules.common import amount_text, number_text, signal


def halo(data, *, run_id, config):
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
            "value": amount_text(value, indicator),
            "period": period,
            "threshold": amount_text(line, indicator),
            "margin": number_text(100 * float(config.get("margin", 0.10)), 0),
        }
        signals.append(
            signal(
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

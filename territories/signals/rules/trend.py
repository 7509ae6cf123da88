"""The trend rule: an indicator that moved the wrong way several periods in a row."""

from django.utils.translation import gettext as _

from territories.choices import Polarity, SignalRule
from territories.signals.rules.common import adverse, amount_text, number_text, signal


def trend(data, *, run_id, config, min_population):
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
                if adverse(indicator, values[after] - values[before]) <= 0:
                    break
                count += 1
            if count < needed:
                continue
            start, end = periods[-1 - count], periods[-1]
            if values[start] == 0:
                continue
            change = 100 * (values[end] - values[start]) / abs(values[start])
            adverse_change = adverse(indicator, change)
            if adverse_change < min_change:
                continue
            explanation = _(
                "%(indicator)s moved the wrong way %(count)s times in a row, from %(first)s in "
                "%(start)s to %(last)s in %(end)s (%(change)s %%), beyond the trend threshold "
                "of %(threshold)s %%."
            ) % {
                "indicator": indicator.name,
                "count": count,
                "first": amount_text(values[start], indicator),
                "start": start,
                "last": amount_text(values[end], indicator),
                "end": end,
                "change": number_text(change, 1),
                "threshold": number_text(min_change, 0),
            }
            signals.append(
                signal(
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

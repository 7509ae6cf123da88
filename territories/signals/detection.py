"""Weak signals: territories whose indicators move the wrong way, cross a threshold, stand
out from similar territories, or sit just above the poverty line (the *halo*).

`detect()` is a step of the recompute pipeline (recompute_finish): it reads the run being
computed (aggregates, typologies) and the imported commune values, never the published run,
and replaces what an earlier attempt of itself wrote for that run. Each rule is a module of
territories.signals.rules; the rules' thresholds live in data/reference/signal_rules.json,
each with the sentence saying why.

After publication, territories.signals.notifications e-mails the followers; reviews and
follows are written by territories.signals.services.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation

from territories.choices import SignalRule
from territories.signals.models import WeakSignal
from territories.signals.rules.common import SignalData
from territories.signals.rules.halo import halo
from territories.signals.rules.outlier import outlier
from territories.signals.rules.threshold import threshold
from territories.signals.rules.trend import trend

RULES_PATH = Path(settings.BASE_DIR) / "data" / "reference" / "signal_rules.json"
# The rules this module raises; field observations (SignalRule.FIELD) are written elsewhere
# and must survive a new detection.
DETECTED_RULES = [SignalRule.TREND, SignalRule.THRESHOLD, SignalRule.OUTLIER, SignalRule.HALO]


def load_rules(*, path=RULES_PATH):
    return json.loads(Path(path).read_text(encoding="utf-8"))


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
        data = SignalData(run_id=run_id, slugs=slugs)
        kwargs = {"run_id": run_id, "min_population": min_population}
        signals = [
            *trend(data, config=rules.get("trend", {}), **kwargs),
            *threshold(data, config=rules.get("threshold", {}), **kwargs),
            *outlier(data, config=rules.get("outlier", {}), **kwargs),
            *(halo(data, run_id=run_id, config=rules["halo"]) if rules.get("halo") else []),
        ]
    with transaction.atomic():
        WeakSignal.objects.filter(run_id=run_id, rule__in=DETECTED_RULES).delete()
        WeakSignal.objects.bulk_create(signals, batch_size=1000)
    stats = {"signals": len(signals), "territories": len({s.territory_id for s in signals})}
    for rule in DETECTED_RULES:
        stats[rule.value] = sum(1 for s in signals if s.rule == rule)
    return stats

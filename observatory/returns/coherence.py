"""Checking a return's lines against the coherence rules (observatory.CoherenceRule).

A rule is an expression over one line's figures that must hold, evaluated with simpleeval
(no Python eval): the names are the figures (returns.fields), and two families of names
drawn from the establishment's own past returns for the same profession:

- `last_<figure>`: last year's value (the previous campaign's return, if answered);
- `low_<figure>` and `high_<figure>`: the employer's usual range, from the median of its past
  values and their median absolute deviation — median ± 3 × 1.4826 × MAD, and at least ± 10 %
  of the median or ± 1 — once there are three past values. The median and the MAD are
  robust: one odd year does not widen the range as it would a mean ± 2 standard deviations.

A rule that names a value not known (a figure left empty, no return last year, too short a
history) is not checked: a draft is checked as far as it goes, and before submitting every
figure is needed (`missing_findings`).
"""

import statistics
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from simpleeval import EvalWithCompoundTypes, NameNotDefined, NumberTooHigh

from observatory.choices import ANSWERED, Severity
from observatory.returns.fields import NAMES

# The rule code of a figure left empty (missing_findings).
MISSING = "manquant"
MIN_HISTORY = 3
MAD_SCALE = 1.4826  # the MAD of a normal distribution times this is its standard deviation
MAD_WIDTH = 3
FUNCTIONS = {"abs": abs, "min": min, "max": max}


@dataclass(frozen=True)
class Finding:
    """A rule a line breaks, with the fields its message goes next to."""

    rule: str
    severity: str
    message: str
    fields: tuple = field(default_factory=tuple)

    @property
    def blocking(self):
        return self.severity == Severity.BLOCKING


class RuleError(ValueError):
    """A rule's expression cannot be read (checked when an administrator edits it)."""


def rule_check_expression(expression):
    """Evaluate `expression` once with every name set to 1: a syntax error, an unknown name or
    a forbidden construct raises RuleError with the reason."""
    names = dict.fromkeys(NAMES, 1.0)
    names |= {f"{prefix}_{name}": 1.0 for name in NAMES for prefix in ("last", "low", "high")}
    try:
        EvalWithCompoundTypes(names=names, functions=FUNCTIONS).eval(expression)
    except Exception as exc:
        raise RuleError(str(exc)) from exc


def line_findings(*, values, context, rules):
    """The rules among `rules` (CoherenceRule) that the figures `values` break.

    `values` maps figure names to numbers or None; `context` holds the history names
    (`last_…`, `low_…`, `high_…`) from `history_context`."""
    names = {name: float(value) for name, value in values.items() if value is not None}
    names |= {name: float(value) for name, value in context.items() if value is not None}
    evaluator = EvalWithCompoundTypes(names=names, functions=FUNCTIONS)
    findings = []
    for rule in rules:
        try:
            holds = evaluator.eval(rule.expression)
        except NameNotDefined:
            continue  # a value it needs is not known: not checked
        except (ArithmeticError, NumberTooHigh):
            # Not computable on these figures (a ratio over a zero, say, in a rule an
            # administrator added): not checked, as when a value is missing.
            continue
        if not holds:
            findings.append(Finding(rule.code, rule.severity, rule.message, tuple(rule.fields)))
    return findings


def missing_findings(values):
    """Each empty figure, as a blocking finding: a return is submitted complete."""
    return [
        Finding(
            MISSING,
            Severity.BLOCKING,
            _("Fill in this figure (0 if there is none) before submitting."),
            (name,),
        )
        for name in NAMES
        if values.get(name) is None
    ]


def usual_range(past):
    """(low, high) from the past values of one figure, or None below MIN_HISTORY values."""
    past = [float(value) for value in past if value is not None]
    if len(past) < MIN_HISTORY:
        return None
    median = statistics.median(past)
    mad = statistics.median(abs(value - median) for value in past)
    width = max(MAD_WIDTH * MAD_SCALE * mad, 0.1 * abs(median), 1.0)
    return median - width, median + width


def context_for(*, history, last_year):
    """The `last_…`, `low_…`, `high_…` names for one line.

    `history` is the establishment's past values for the profession: {year: {figure: value}}
    from its answered returns; `last_year` is the previous campaign's year."""
    context = {}
    last = history.get(last_year)
    for name in NAMES:
        if last is not None:
            context[f"last_{name}"] = last.get(name)
        bounds = usual_range([values.get(name) for values in history.values()])
        if bounds is not None:
            context[f"low_{name}"], context[f"high_{name}"] = bounds
    return context


def answered_figures(return_obj):
    """{profession code: {figure: value}} of a past return as its campaign counts it: an
    answered return's lines as they stand, or, for one reopened for a correction, its last
    validated version; None for a return never answered. Expects `lines__profession` and
    `versions` prefetched."""
    if return_obj.status in ANSWERED:
        return {
            line.profession.code: {name: getattr(line, name) for name in NAMES}
            for line in return_obj.lines.all()
        }
    versions = sorted(return_obj.versions.all(), key=lambda version: version.number)
    if not versions:
        return None
    return {
        code: {name: values.get(name) for name in NAMES}
        for code, values in versions[-1].lines.items()
    }


def past_figures(*, establishment, before_year):
    """{profession code: {year: {figure: value}}} from the establishment's returns of the
    campaigns before `before_year`, as each campaign counts them (`answered_figures`)."""
    from observatory.returns.models import Return

    returns = (
        Return.objects.filter(establishment=establishment, campaign__year__lt=before_year)
        .select_related("campaign")
        .prefetch_related("lines__profession", "versions")
    )
    history = {}
    for past in returns:
        for code, values in (answered_figures(past) or {}).items():
            history.setdefault(code, {})[past.campaign.year] = values
    return history

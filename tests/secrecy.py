"""A secret number must never leave the server, however it would be written."""

import math
import re

# Where pages and files print numbers that are not figures: a recompute's number (the
# layers' "run", « recalcul publié n° 988 », "#988"), and times (a layer's computed_at, an
# export's date). Their digits could spell the secret by chance: a run's id grows through a
# test session, a time's microseconds are anything.
NOT_FIGURES = re.compile(
    r'"run":\s*\d+'
    r"|#\d+"
    r"|(?:Recalcul publié|Published recompute)\W*\d+"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?"
)


def assert_number_absent(text, value):
    """Fail if `value` appears in `text` as a number of its own, written in full or rounded
    either way ("987.654", "987,7", "987", "988"), but not as digits inside another number
    ("1987", "0.987") nor where the portal prints ids and times (NOT_FIGURES). For a value
    of 1 to 999, whose integer part is written without a thousands separator."""
    assert 1 <= abs(value) < 1000, "the check reads integer parts without separators"
    whole = {str(math.floor(value)), str(math.ceil(value))}
    pattern = r"(?<![\d.])(?:" + "|".join(sorted(whole)) + r")(?!\d)"
    # A comma may come before (a CSV separator), not a dot (a decimal part of another number).
    figures = NOT_FIGURES.sub(" ", text)
    match = re.search(pattern, figures)
    assert match is None, (
        f"{value} shows at {figures[max(match.start() - 40, 0) : match.end() + 40]!r}"
    )

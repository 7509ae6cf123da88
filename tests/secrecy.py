"""A secret number must never leave the server, however it would be written."""

import re


def assert_number_absent(text, value):
    """Fail if `value` appears in `text` as a number of its own, written in full or rounded
    ("987.654", "987,7", "988"), but not as digits inside another number, such as a
    timestamp's microseconds ("…:52.623987+00:00")."""
    whole = {str(int(value)), str(round(value))}
    pattern = r"(?<![\d.])(?:" + "|".join(sorted(whole)) + r")(?!\d)"
    match = re.search(pattern, text)
    assert match is None, (
        f"{value} shows at {text[max(match.start() - 40, 0) : match.end() + 40]!r}"
    )

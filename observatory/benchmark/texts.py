"""What the benchmark's page and its PDF both say: where the figures come from, how the
groups are made, the secrecy rule."""

from django.utils import formats
from django.utils.translation import gettext as _

from observatory.benchmark.compute import (
    MAX_SHARE,
    MIN_OTHER_EMPLOYERS,
    MIN_QUARTILE_VALUES,
    QUARTILE_DIGITS,
    WINDOW,
)
from observatory.benchmark.selectors import SECRET, group_size


def source(benchmark):
    if benchmark.run is None or benchmark.run.finished_at is None:
        return _(
            "Source: the observatory's regional survey of employers, validated annual returns."
        )
    return _(
        "Source: the observatory's regional survey of employers, annual returns validated "
        "by the observatory; computed on %(date)s."
    ) % {"date": formats.date_format(benchmark.run.finished_at, "j F Y")}


def method():
    return _(
        "Each establishment is compared with two groups: similar employers (the "
        "establishments of the same sector, in the same département, whose total headcount "
        "falls in the same band: fewer than 10, 10 to 49, 50 to 249, 250 or more people) and "
        "its territory (every establishment of the same EPCI). A value is computed from the "
        "establishment's own figures, with the formulas of the observatory's indicators; "
        "« all professions » from the sum of its figures. The percentile, rounded to 5, says "
        "what share of the group's establishments has a lower value (half of those with the "
        "same value counted)."
    )


def secrecy():
    return _(
        "Statistical secrecy: a comparison is shown only where the group counts at least "
        "%(others)s employers besides yours giving a value and where no employer holds more "
        "than %(share)s %% of their headcount; otherwise it reads « %(marker)s ». No other "
        "employer's value is ever shown: the group's quartiles are given only for groups of "
        "at least %(values)s establishments, each as the mean of the %(window)s values around "
        "it, which must come from %(window)s different employers, rounded to %(digits)s "
        "significant digits."
    ) % {
        "others": MIN_OTHER_EMPLOYERS,
        "share": round(MAX_SHARE * 100),
        "marker": SECRET,
        "values": MIN_QUARTILE_VALUES,
        "window": WINDOW,
        "digits": QUARTILE_DIGITS,
    }


def demo():
    return _(
        "Fictitious demonstration data — the establishments and figures shown here were "
        "generated for the demonstration; they describe no real employer."
    )


def nothing_yet():
    return _(
        "No comparison yet: it is computed from the validated returns at the observatory's "
        "next recompute."
    )


def groups(item):
    """The two groups an establishment is compared with, in words."""
    parts = []
    for label, group, employers in (
        (_("Similar employers"), item.similar_label, item.similar_employers),
        (_("Its territory"), item.territory_label, item.territory_employers),
    ):
        if group:
            parts.append(
                _("%(kind)s: %(group)s (%(size)s).")
                % {"kind": label, "group": group, "size": group_size(employers)}
            )
    return " ".join(parts)

"""The dashboard's two maps of the EPCI, drawn as SVG on the server from the boundaries the
pipeline stored (as the crossed indicators draw theirs): no script is needed to read them,
and observatory-dashboard.js only links the hover of one to the other.

The classes are the stored layer's quantiles (mapclassify, computed by the pipeline); the
colours are the explorer's (static/js/explorer.js): ColorBrewer sequential schemes, darker
where more fragile, and the same greys for what has no value.
"""

import bisect

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from territories.choices import Level, Polarity, ValueStatus
from territories.maps.crossed import drawing

FRAGILE = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
}
NEUTRAL = {
    3: ["#deebf7", "#9ecae1", "#3182bd"],
    4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
    5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
}
NO_DATA = {
    ValueStatus.SECRET: "#9e9e9e",
    ValueStatus.WITHHELD: "#d4d4d4",
    ValueStatus.MISSING: "#ffffff",
}
WIDTH = drawing.MAP_WIDTH
SINGLE = "#fd8d3c"  # known values too few to be classed


def palette(polarity, count):
    scheme = NEUTRAL if polarity == Polarity.NEUTRAL else FRAGILE
    colours = list(scheme[min(max(count, 3), 5)])
    return colours[::-1] if polarity == Polarity.HIGHER_IS_BETTER else colours


def number(value, decimals):
    return floatformat(value, f"{decimals}g")


def value_text(found, decimals, unit=""):
    """A cell as words: its value (and unit), or why it has none."""
    if found.known:
        shown = number(found.value, decimals)
        return f"{shown} {unit}".strip() if unit == "%" else shown
    if found.secret:
        return _("secret statistique")
    if found.status == ValueStatus.WITHHELD:
        return _("withheld (coverage too low)")
    return _("not available")


def _class(value, bounds):
    return min(bisect.bisect_left(bounds, value), len(bounds) - 1)


def colour(found, bounds, colours):
    if not found.known:
        return NO_DATA.get(found.status, NO_DATA[ValueStatus.MISSING])
    if not bounds:
        return SINGLE
    return colours[_class(found.value, bounds)]


def legend(cells, codes, bounds, colours, decimals):
    """[{"colour", "text", "count", "dashed"}]: the classes, then what has no value."""
    known = [cells[c].value for c in codes if c in cells and cells[c].known]
    items = []
    if bounds:
        counts = [0] * len(bounds)
        for value in known:
            counts[_class(value, bounds)] += 1
        lower = min(known) if known else None
        for index, upper in enumerate(bounds):
            start = "…" if lower is None else number(lower, decimals)
            items.append(
                {
                    "colour": colours[index],
                    "text": f"{start} – {number(upper, decimals)}",
                    "count": counts[index],
                }
            )
            lower = upper
    elif known:
        items.append(
            {
                "colour": SINGLE,
                "text": _("values too few to be classed"),
                "count": len(known),
            }
        )
    missing = dict.fromkeys(NO_DATA, 0)
    for code in codes:
        found = cells.get(code)
        if found is None or not found.known:
            status = found.status if found is not None else ValueStatus.MISSING
            missing[status if status in NO_DATA else ValueStatus.MISSING] += 1
    for status, text in (
        (ValueStatus.SECRET, _("secret statistique")),
        (ValueStatus.WITHHELD, _("withheld (coverage too low)")),
        (ValueStatus.MISSING, _("not available")),
    ):
        if missing[status]:
            items.append(
                {
                    "colour": NO_DATA[status],
                    "text": text,
                    "count": missing[status],
                    "dashed": status == ValueStatus.MISSING,
                }
            )
    return items


def boundaries():
    """{code: SVG path} of the EPCI and the drawing's height (kept by their ETag)."""
    return drawing.map_paths(Level.EPCI)


def paths_svg(paths, *, cells, bounds, colours, labels):
    """The territories of one map, each a link to its portrait named by `labels[code]` (both
    maps' values, so that a keyboard reader hears them together)."""
    pattern = reverse("territories:territory_detail", args=[Level.EPCI, "CODE"])
    missing = NO_DATA[ValueStatus.MISSING]

    def row(code, d):
        found = cells.get(code)
        fill = colour(found, bounds, colours) if found else missing
        return (
            pattern.replace("CODE", code),
            code,
            labels.get(code, code),
            labels.get(code, code),
            d,
            fill,
            "4 2" if fill == missing else "none",
        )

    return format_html_join(
        "",
        '<a href="{}" data-code="{}" aria-label="{}"><title>{}</title>'
        '<path d="{}" fill="{}" stroke="#4d4d4d" stroke-width="0.6" stroke-dasharray="{}"/></a>',
        (row(code, d) for code, d in sorted(paths.items())),
    )

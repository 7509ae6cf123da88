"""The explorer: what it offers (the published layers), its state (what a permalink holds,
checked by territories.maps.forms.ExplorerForm before anything uses it), and the classes
and description of the map it draws."""

import bisect

from django.utils.translation import gettext as _

from territories.catalogue.models import Indicator
from territories.choices import ClassificationMethod, Level, ValueStatus
from territories.maps.classification import CLASS_COUNTS
from territories.maps.forms import ExplorerForm
from territories.maps.layers import MAP_LEVELS
from territories.maps.models import MapLayer
from territories.pipeline.selectors import published_run_id


def options():
    """What the explorer offers: indicators with their levels (finest first) and periods in
    the last run, headline indicators before their details.

    A detail names its headline (`variant_of`) when the headline has maps too: the explorer
    then offers it in a second select, labelled by the headline's `dimension`.
    """
    available = {}
    for slug, level, period in MapLayer.objects.filter(run_id=published_run_id()).values_list(
        "indicator__slug", "level", "period"
    ):
        available.setdefault(slug, {}).setdefault(level, []).append(period)
    indicators = [
        {
            "slug": i.slug,
            "name": i.name,
            "theme": i.theme,
            "unit": i.unit,
            "polarity": i.polarity,
            "decimals": i.decimals,
            "levels": {
                level: sorted(available[i.slug][level])
                for level in MAP_LEVELS
                if level in available[i.slug]
            },
            "variant_of": i.variant_of.slug
            if i.variant_of and i.variant_of.slug in available
            else None,
            "dimension": i.dimension,
            "variant_label": i.variant_label,
        }
        for i in Indicator.objects.select_related("variant_of").headlines_first()
        if i.slug in available
    ]
    return {
        "indicators": indicators,
        "levels": [{"value": lvl, "label": str(Level(lvl).label)} for lvl in MAP_LEVELS],
        "methods": [{"value": m.value, "label": str(m.label)} for m in ClassificationMethod],
        "classes": list(CLASS_COUNTS),
    }


def state_from(params, *, offered=None):
    """(state, errors): a state always usable, and what was wrong in the parameters (a dict
    or a QueryDict of the permalink's parameters), checked by ExplorerForm. `offered` is
    what options() returned, when the caller has it already."""
    offered = offered or options()
    form = ExplorerForm(params, catalogue={i["slug"]: i for i in offered["indicators"]})
    return form.state(), form.error_list()


def choice(offered, state):
    """What the explorer's selects show for a state: the indicators of the first select
    (headlines, and details whose headline has no map), the one chosen there, its details
    with the one chosen ("" for all of them) and the dimension naming them, and the levels
    where the chosen indicator has a map."""
    by_slug = {i["slug"]: i for i in offered["indicators"]}
    current = by_slug.get(state["indicator"])
    headline = (current["variant_of"] or current["slug"]) if current else None
    levels = list(current["levels"]) if current else []
    return {
        "headlines": [i for i in offered["indicators"] if not i["variant_of"]],
        "headline": headline,
        "details": [i for i in offered["indicators"] if headline and i["variant_of"] == headline],
        "detail": current["slug"] if current and current["variant_of"] else "",
        "dimension": by_slug[headline]["dimension"] if headline else "",
        "levels": levels,
        # Values that start at the EPCI level (published ones): the page says so.
        "from_epci": Level.EPCI in levels and Level.COMMUNE not in levels,
    }


def bounds_for(document, state):
    if state["method"] == ClassificationMethod.MANUAL:
        return state["breaks"] + (
            [document["max"]]
            if document["max"] is not None
            and (not state["breaks"] or document["max"] > state["breaks"][-1])
            else []
        )
    return document["classes"].get(state["method"], {}).get(str(state["classes"]), [])


def classified_rows(document, state, names=None):
    bounds = bounds_for(document, state)
    rows = []
    names = names or {}
    for code, (value, status, coverage, rank) in sorted(document["values"].items()):
        value = value if status in (ValueStatus.OK, ValueStatus.PARTIAL) else None
        klass = None
        if value is not None and bounds:
            klass = min(bisect.bisect_left(bounds, value), len(bounds) - 1) + 1
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "value": value,
                "status": status,
                "coverage": coverage,
                "rank": rank,
                "class": klass,
            }
        )
    return rows


def describe(document, state):
    indicator = document["indicator"]
    return {
        "indicator": indicator["slug"],
        "name": indicator["name"],
        "unit": indicator["unit"],
        "level": state["level"],
        "period": state["period"],
        "method": state["method"],
        "classes": state["classes"],
        "bounds": bounds_for(document, state),
        "source": f"{indicator['source']} ({indicator['source_vintage']})",
        "computed_at": document["computed_at"],
    }


def labels():
    """Words the explorer's script shows, in the page's language."""
    return {
        "secret": _("under statistical secrecy"),
        "missing": _("not available"),
        "withheld": _("withheld (coverage too low)"),
        "coverage": _("coverage"),
        "rank": _("rank"),
        "source": _("Source:"),
        "method": _("Classes:"),
        "loading": _("Loading the map…"),
        "load_error": _("The map could not be loaded."),
        "exported": _("Exported on"),
        "too_few": _("Too few distinct values for this number of classes: choose fewer."),
        "breaks_missing": _("Give the manual class bounds, e.g. “5 10 15”."),
        "breaks_numbers": _("Manual bounds must be numbers."),
        "breaks_order": _("Manual bounds must be in increasing order."),
        "breaks_count": _("At most 6 manual bounds (7 classes)."),
        "breaks_range": _("Manual bounds must lie between %(min)s and %(max)s."),
        "detail": _("Detail"),
        "open_panel": _("Enter opens its panel."),
        "not_found": _("No territory of this name on the map."),
        "secret_majority": _(
            "%(secret)s of the %(count)s territories of this map are under statistical "
            "secrecy (grey): a coarser level shows more."
        ),
        "coarser": {
            Level.EPCI: _("See the map of the EPCI"),
            Level.DEPARTEMENT: _("See the map of the départements"),
        },
        "from_epci": _(
            "This indicator's values start at the EPCI level: there is none for communes."
        ),
    }


def check_breaks_range(document, breaks):
    if document["min"] is None or not breaks:
        return None
    if breaks[0] <= document["min"] or breaks[-1] >= document["max"]:
        return _("Manual bounds must lie between %(min)s and %(max)s.") % {
            "min": document["min"],
            "max": document["max"],
        }
    return None

"""The explorer: what it offers (the published layers), its state (what a permalink holds,
checked by territories.maps.forms.ExplorerForm before anything uses it), and the classes
and description of the map it draws."""

import bisect

from django.utils.translation import gettext as _

from territories.catalogue.models import Indicator
from territories.choices import ClassificationMethod, Level
from territories.maps.classification import CLASS_COUNTS
from territories.maps.forms import ExplorerForm
from territories.maps.layers import MAP_LEVELS
from territories.maps.models import MapLayer
from territories.pipeline.selectors import published_run_id


def options():
    """What the explorer offers: indicators with their levels and periods in the last run."""
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
            "levels": {lvl: sorted(periods) for lvl, periods in available.get(i.slug, {}).items()},
        }
        for i in Indicator.objects.order_by("theme", "name")
        if i.slug in available
    ]
    return {
        "indicators": indicators,
        "levels": [{"value": lvl, "label": str(Level(lvl).label)} for lvl in MAP_LEVELS],
        "methods": [{"value": m.value, "label": str(m.label)} for m in ClassificationMethod],
        "classes": list(CLASS_COUNTS),
    }


def state_from(params):
    """(state, errors): a state always usable, and what was wrong in the parameters (a dict
    or a QueryDict of the permalink's parameters), checked by ExplorerForm."""
    form = ExplorerForm(params, catalogue={i["slug"]: i for i in options()["indicators"]})
    return form.state(), form.error_list()


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

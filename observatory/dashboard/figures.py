"""What the dashboard shows, put together from what the selectors read: the région's table,
the trends, the most tense, and the EPCI's rows. The page and the exports share them."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from observatory.dashboard.selectors import COLUMNS, MISSING, POVERTY, TENSION
from observatory.indicators.definitions import ALL_PROFESSIONS, BY_SLUG, TENSION_COMPONENTS
from territories.portraits.charts import chart

# The table's column headings; the full names and units are given under it.
SHORT_LABELS = {
    "effectif": pgettext_lazy("dashboard column", "Headcount"),
    TENSION: pgettext_lazy("dashboard column", "Tension index"),
    "taux-vacance": pgettext_lazy("dashboard column", "Vacancy"),
    "taux-vacance-longue": pgettext_lazy("dashboard column", "Long vacancy"),
    "rotation": pgettext_lazy("dashboard column", "Turnover"),
    "taux-demission": pgettext_lazy("dashboard column", "Resignations"),
    "part-55-plus": pgettext_lazy("dashboard column", "Aged 55 and over"),
    "absenteisme": pgettext_lazy("dashboard column", "Absenteeism"),
    "part-cdd": pgettext_lazy("dashboard column", "Fixed-term"),
    "part-temps-partiel": pgettext_lazy("dashboard column", "Part-time"),
    "densite-etp": pgettext_lazy("dashboard column", "Density"),
}


def columns(data, measures=COLUMNS):
    """[{"measure", "label", "name", "unit", "decimals", "info"}]: each measure as its
    all-professions indicator names it (the definitions' words when it is not published)."""
    found = []
    for measure in measures:
        info = data["indicators"].get((measure, ALL_PROFESSIONS)) or next(
            (i for (m, _p), i in data["indicators"].items() if m == measure), None
        )
        definition = BY_SLUG[measure]
        found.append(
            {
                "measure": measure,
                "label": SHORT_LABELS[measure],
                "name": info.name if info else definition.name,
                "unit": info.unit if info else definition.unit,
                "decimals": info.decimals if info else definition.decimals,
                "info": info,
            }
        )
    return found


def professions(data):
    """[(code, name)]: all professions together first, then each."""
    return [(ALL_PROFESSIONS, _("All professions")), *data["professions"]]


def profession_name(data, code):
    return dict(professions(data)).get(code, code)


def region_rows(data, year):
    """A row per profession (all first) with its cell for each column, for one year."""
    values = data["values"]
    return [
        {
            "code": code,
            "name": name,
            "cells": [values.get((c, code, year), MISSING) for c in COLUMNS],
        }
        for code, name in professions(data)
    ]


def trends(data, measure):
    """Per profession (all first): the measure over the years, as a small chart and as the
    table beside it; each profession is drawn beside all professions together."""
    values, years = data["values"], data["years"]
    items = []
    for code, name in professions(data):
        series = [
            {
                "period": year,
                "cell": values.get((measure, code, year), MISSING),
                "all": values.get((measure, ALL_PROFESSIONS, year), MISSING),
            }
            for year in years
        ]
        detail = code != ALL_PROFESSIONS
        points = [
            {
                "period": p["period"],
                "value": p["cell"].value,
                "departement": None,
                "region": p["all"].value if detail else None,
            }
            for p in series
        ]
        drawn = None
        if any(p["value"] is not None for p in points):
            drawn = chart(points, references=detail)
            drawn["baseline"] = drawn["height"] - 24
        items.append(
            {"code": code, "name": name, "detail": detail, "chart": drawn, "series": series}
        )
    return items


def epci_rows(data, found):
    """A row per EPCI (by name): the chosen profession's cell for each column, and the
    poverty rate of the latest period."""
    profession, epci = found["profession"], found["epci"]
    poverty = found["poverty"]["cells"]
    return [
        {
            "code": code,
            "name": name,
            "cells": [epci.get((c, profession, code), MISSING) for c in COLUMNS],
            "tension": epci.get((TENSION, profession, code), MISSING),
            "poverty": poverty.get(code, MISSING),
        }
        for code, name in sorted(found["names"].items(), key=lambda item: (item[1], item[0]))
    ]


def top_rows(data, found):
    """The most tense professions × EPCI of the year, their components beside the index."""
    names = dict(data["professions"])
    epci = found["epci"]
    return [
        {
            "rank": rank,
            "profession_code": profession,
            "profession": names.get(profession, profession),
            "code": code,
            "epci": found["names"].get(code, code),
            "tension": epci[(TENSION, profession, code)],
            "components": [epci.get((c, profession, code), MISSING) for c in TENSION_COMPONENTS],
        }
        for rank, (profession, code) in enumerate(found["top"], start=1)
    ]


def poverty_column(data, found):
    info = data["poverty"]
    return {
        "measure": POVERTY,
        "name": info.name if info else POVERTY,
        "unit": info.unit if info else "%",
        "decimals": info.decimals if info else 1,
        "period": found["poverty"]["period"],
        "info": info,
    }

"""Reads of the secrecy audits: the published run's, with names, for administrators."""

from django.utils.translation import gettext_lazy as _

from observatory.indicators.definitions import ALL_PROFESSIONS
from observatory.reference.models import Profession
from observatory.secrecy.models import SecrecyAudit
from territories.geography.models import Territory
from territories.pipeline.selectors import current_run

TABLES = {"headcount": _("Headcount"), "fte": _("Full-time equivalents")}
REASONS = {
    "employers": _("fewer than 3 employers"),
    "people": _("fewer than 5 people"),
    "dominance": _("one employer holds over 85 %"),
    "secondary": _("secondary secrecy"),
}


def published_audits():
    """(run, audits of its years newest first, each with its intervals named and the least
    protected first); (None, []) before any run."""
    run = current_run()
    if run is None:
        return None, []
    audits = list(SecrecyAudit.objects.filter(run=run).order_by("-year"))
    territory_ids = {
        territory
        for audit in audits
        for row in audit.intervals
        for territory in (row["territory"], row.get("epci"))
    }
    territories = dict(Territory.objects.filter(pk__in=territory_ids).values_list("pk", "name"))
    professions = dict(Profession.objects.values_list("code", "name"))
    for audit in audits:
        audit.rows = sorted(
            (
                {
                    **row,
                    "territory_name": _territory_name(row, territories),
                    "table_label": TABLES.get(row["table"], row["table"]),
                    "reason_label": REASONS.get(row["reason"], row["reason"]),
                    "profession_name": professions.get(row["profession"], row["profession"])
                    if row["profession"] != ALL_PROFESSIONS
                    else None,
                }
                for row in audit.intervals
            ),
            key=_protection,
        )
    return run, audits


def _territory_name(row, territories):
    """The cell's territory; for a part (never published), which part of its département."""
    name = territories.get(row["territory"], row["territory"])
    if row["level"] != "part":
        return name
    if row["epci"] is None:
        return _("%(departement)s: communes outside any EPCI") % {"departement": name}
    return _("%(departement)s: its part of %(epci)s") % {
        "departement": name,
        "epci": territories.get(row["epci"], row["epci"]),
    }


def _protection(row):
    """How well a cell is protected: the narrower side of its interval over the margin."""
    margin = row["margin"] or 1
    above = (row["high"] - row["value"]) / margin
    below = (row["value"] - row["low"]) / min(margin, row["value"]) if row["value"] else above
    return min(above, below)

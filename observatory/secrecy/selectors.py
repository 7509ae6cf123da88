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
    territory_ids = {row["territory"] for audit in audits for row in audit.intervals}
    territories = dict(Territory.objects.filter(pk__in=territory_ids).values_list("pk", "name"))
    professions = dict(Profession.objects.values_list("code", "name"))
    for audit in audits:
        audit.rows = sorted(
            (
                {
                    **row,
                    "territory_name": territories.get(row["territory"], row["territory"]),
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


def _protection(row):
    """How well a cell is protected: the narrower side of its interval over the margin."""
    margin = row["margin"] or 1
    above = (row["high"] - row["value"]) / margin
    below = (row["value"] - row["low"]) / min(margin, row["value"]) if row["value"] else above
    return min(above, below)

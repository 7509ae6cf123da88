"""The observatory's publisher in the territories' recompute (registered in
ObservatoryConfig.ready() with territories.pipeline.publishers.register_publisher).

For a run: the catalogue entries are brought up to date, the validated figures read, the
tables protected (primary and secondary secrecy, then the interval audit, stored with the
run), every measure computed per cell, and the rows returned for the pipeline to write. A
run whose audit finds a masked cell not protected fails, publishing nothing: readers keep
the previous run. The employers' benchmark follows in a job of its own
(observatory.benchmark.tasks).
"""

import datetime

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Exists, OuterRef

from jobs.services import job_enqueue
from observatory.benchmark import tasks as benchmark_tasks
from observatory.indicators.cells import KEY, cell_values
from observatory.indicators.contributions import validated_contributions
from observatory.indicators.definitions import ALL_PROFESSIONS, MEASURES, indicator_slug
from observatory.indicators.services import indicators_ensure
from observatory.reference.models import Profession
from observatory.returns.models import Return, ReturnVersion
from observatory.secrecy.measures import withheld_measures
from observatory.secrecy.models import SecrecyAudit
from observatory.secrecy.suppression import SecrecyRules, protect
from territories.choices import ValueStatus
from territories.pipeline.aggregation import FULL

WITHHELD = "withheld:"  # the columns saying a measure of a cell is masked on its own


class SecrecyNotProtected(Exception):
    """The audit found a masked cell an attacker could narrow below its margin."""


def publish(*, run_id):
    contributions = validated_contributions()
    if contributions.empty:
        # Nothing validated yet: no catalogue entry either (a portal without an observatory
        # campaign shows no empty workforce indicators).
        SecrecyAudit.objects.filter(run_id=run_id).delete()
        return []
    ids = indicators_ensure(codes=contributions["profession"].unique())
    protection = protect(contributions)
    _audits_store(run_id, protection.audits)
    if protection.failures:
        raise SecrecyNotProtected(
            f"{protection.failures} masked cells could be narrowed below their margin: "
            "nothing is published (see the secrecy audit)."
        )
    status = protection.cells.set_index(KEY)["status"]
    professions = {p.code: p for p in Profession.objects.all()}
    cells = cell_values(contributions, professions, published=status == "published")
    cells = cells.join(status, on=KEY)
    withheld = withheld_measures(contributions, min_employers=SecrecyRules().min_employers)
    cells = cells.join(withheld.add_prefix(WITHHELD), on=KEY)
    cells = cells.join(_coverage(), on=["year", "level", "territory"])
    rows = _rows(cells, ids)
    job_enqueue(
        task=benchmark_tasks.benchmark_run,
        arguments={"run_id": run_id},
        label=f"Recalcul #{run_id} : comparaison des employeurs",
    )
    return rows


def _audits_store(run_id, audits):
    with transaction.atomic():
        SecrecyAudit.objects.filter(run_id=run_id).delete()
        SecrecyAudit.objects.bulk_create(SecrecyAudit(run_id=run_id, **audit) for audit in audits)


def _coverage():
    """Per year and territory (every level): establishments invited and those whose return
    counts (a validated version), all professions together."""
    rows = Return.objects.annotate(
        counted=Exists(ReturnVersion.objects.filter(return_obj=OuterRef("pk")))
    ).values_list(
        "campaign__year",
        "establishment__commune__epci_id",
        "establishment__commune__departement_id",
        "establishment__commune__region_id",
        "counted",
        "establishment__closed_on",
        "campaign__reference_date",
    )
    frame = pd.DataFrame.from_records(
        list(rows),
        columns=["year", "epci", "departement", "region", "counted", "closed_on", "reference"],
    )
    # An establishment closed by the reference date had nobody to declare: unless it
    # answered anyway, it is not missing from the survey.
    closed = frame["closed_on"].notna() & (
        frame["closed_on"].fillna(datetime.date.max) <= frame["reference"]
    )
    frame = frame[frame["counted"] | ~closed]
    parts = []
    for level in ("epci", "departement", "region"):
        grouped = frame.dropna(subset=[level]).groupby(["year", level])["counted"]
        part = pd.DataFrame({"invited": grouped.size(), "validated": grouped.sum()})
        part.index = part.index.set_names(["year", "territory"])
        parts.append(part.reset_index().assign(level=level))
    coverage = pd.concat(parts, ignore_index=True)
    coverage["territory"] = coverage["territory"].astype(int)
    return coverage.set_index(["year", "level", "territory"])


def _rows(cells, ids):
    """The rows of every measure of every cell, as the pipeline writes them (built column by
    column: about sixty thousand at the benchmark's scale)."""
    invited = cells["invited"].fillna(0).astype(int)
    validated = cells["validated"].fillna(0).astype(int)
    coverage = (validated / invited.where(invited > 0)).fillna(0.0).to_numpy()
    secret = cells["status"].ne("published").to_numpy()
    common = {
        "territory_id": cells["territory"].astype(int).to_numpy(),
        "period": cells["year"].astype(int).to_numpy(),
        "coverage": coverage,
        "members": invited.to_numpy(),
        "members_known": validated.to_numpy(),
    }
    parts = []
    for measure in MEASURES:
        # A profession without an entry (services.indicators_ensure) is left out.
        indicator = cells["profession"].map(
            lambda code, slug=measure.slug: ids.get(
                indicator_slug(slug, None if code == ALL_PROFESSIONS else code)
            )
        )
        value = cells[measure.slug].to_numpy(dtype=float)
        unknown = ~np.isfinite(value)
        # A measure nobody gives the figures of is missing rather than secret.
        withheld = cells[WITHHELD + measure.slug].fillna(True).to_numpy(dtype=bool)
        masked = secret | (withheld & ~unknown)
        status = np.where(
            masked,
            ValueStatus.SECRET,
            np.where(
                unknown,
                ValueStatus.MISSING,
                np.where(coverage >= FULL, ValueStatus.OK, ValueStatus.PARTIAL),
            ),
        )
        part = pd.DataFrame(
            {
                "indicator_id": indicator,
                **common,
                "value": np.where(masked | unknown, np.nan, value),
                "status": status,
            }
        )
        parts.append(part[part["indicator_id"].notna()])
    rows = pd.concat(parts, ignore_index=True)
    rows["indicator_id"] = rows["indicator_id"].astype(int)
    rows["value"] = rows["value"].astype(object).where(rows["value"].notna(), None)
    rows["status"] = rows["status"].astype(str)
    return rows.to_dict("records")

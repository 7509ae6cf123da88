"""The recompute pipeline: communes → EPCI → département → région, with coverage.

A run is split into chunks of indicators, each a background job that any worker may take.
Chunks write their aggregates under the run's id; the last chunk to finish publishes the run
with a conditional UPDATE. Readers only look at the last published run, so a failed or killed
run leaves nothing half-written in sight, and running a chunk again is harmless (it deletes
what an earlier attempt of itself wrote, then writes again).
"""

import time

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs.services import job_enqueue
from territories.choices import AGGREGATE_LEVELS, Aggregation, Level, RunState, ValueStatus
from territories.models import (
    AggregateValue,
    CompositeResult,
    Indicator,
    MapLayer,
    PipelineRun,
    RunChunk,
    Territory,
    TypologyResult,
    WeakSignal,
)
from territories.pipeline import frames

FULL = 0.9995  # coverage treated as complete (rounding of populations)


def recompute_request(*, reason, user=None):
    """Ask for a recompute. Requests made while a run is still waiting join that run."""
    with transaction.atomic():
        waiting = PipelineRun.objects.select_for_update().filter(state=RunState.PENDING).first()
        if waiting is not None:
            waiting.reasons = [*waiting.reasons, reason][-50:]
            waiting.save(update_fields=["reasons"])
            return waiting
        run = PipelineRun.objects.create(
            reasons=[reason], requested_by=user if user and user.is_authenticated else None
        )
        run.job = job_enqueue(
            kind="territories.recompute",
            arguments={"run_id": run.pk},
            user=user,
            label=f"Recalcul des indicateurs (#{run.pk})",
        )
        run.save(update_fields=["job"])
    return run


def recompute_now(*, reason, user=None, analyses=True):
    """Run a whole recompute here and now (management commands, benchmarks).

    `analyses=False` publishes the aggregates alone, without composites, typologies,
    signals and map layers: the national benchmark measures the aggregation by itself.
    """
    run = PipelineRun.objects.create(reasons=[reason], requested_by=user)
    if not analyses:
        run.stats = {"analyses": "skipped"}
        run.save(update_fields=["stats"])
    recompute_start(run_id=run.pk, inline=True)
    run.refresh_from_db()
    return run


def recompute_start(*, run_id, job=None, inline=False):
    """Claim the run, record its chunks of indicators and send one job per chunk.

    Sent again after a lost worker, it finds the run already claimed with its chunks
    recorded, and sends again only the chunks that are not done.
    """
    now = timezone.now()
    claimed = PipelineRun.objects.filter(pk=run_id, state=RunState.PENDING).update(
        state=RunState.RUNNING, started_at=now
    )
    run = PipelineRun.objects.get(pk=run_id)
    if not claimed and run.state != RunState.RUNNING:
        return {"skipped": True}
    if not run.chunks.exists():
        indicator_ids = list(
            Indicator.objects.exclude(aggregation=Aggregation.NONE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        size = settings.RECOMPUTE_CHUNK_INDICATORS
        with transaction.atomic():
            RunChunk.objects.bulk_create(
                [
                    RunChunk(run=run, number=number, indicator_ids=indicator_ids[i : i + size])
                    for number, i in enumerate(range(0, len(indicator_ids), size), start=1)
                ],
                ignore_conflicts=True,
            )
            PipelineRun.objects.filter(pk=run_id).update(chunks_total=run.chunks.count())
    pending = list(run.chunks.filter(done_at__isnull=True).order_by("number"))
    if not pending:
        _after_chunks(run_id=run.pk, inline=inline)
        return {"chunks": 0}
    total = run.chunks.count()
    for chunk in pending:
        if inline:
            recompute_chunk(run_id=run.pk, number=chunk.number, inline=True)
            continue
        job_enqueue(
            kind="territories.recompute_chunk",
            arguments={"run_id": run.pk, "number": chunk.number},
            user=run.requested_by,
            label=f"Recalcul #{run.pk}, lot {chunk.number}/{total}",
        )
    return {"chunks": len(pending)}


def recompute_chunk(*, run_id, number, job=None, inline=False):
    """Aggregate one chunk of indicators for every level; publish the run after the last.

    Running a chunk again replaces what it wrote; it is counted done once.
    """
    started = time.monotonic()
    chunk = RunChunk.objects.filter(run_id=run_id, number=number).first()
    if chunk is None or not PipelineRun.objects.filter(pk=run_id, state=RunState.RUNNING).exists():
        return {"skipped": True}
    rows = aggregate(indicator_ids=chunk.indicator_ids)
    with transaction.atomic():
        AggregateValue.objects.filter(run_id=run_id, indicator_id__in=chunk.indicator_ids).delete()
        written = frames.aggregates_write(run_id, rows)
        RunChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
            done_at=timezone.now(), values=written
        )
    done = RunChunk.objects.filter(run_id=run_id, done_at__isnull=False).count()
    total = RunChunk.objects.filter(run_id=run_id).count()
    PipelineRun.objects.filter(pk=run_id).update(
        chunks_done=done, progress=int(90 * done / max(total, 1))
    )
    if done == total:
        _after_chunks(run_id=run_id, inline=inline)
    return {"values": written, "seconds": round(time.monotonic() - started, 3)}


def _after_chunks(*, run_id, inline):
    # Claimed once: only the chunk that moves the run to its analysis step sends it.
    moved = PipelineRun.objects.filter(pk=run_id, state=RunState.RUNNING, progress__lt=95).update(
        progress=95
    )
    if not moved:
        return
    if inline and PipelineRun.objects.filter(pk=run_id, stats__analyses="skipped").exists():
        recompute_publish(run_id=run_id)
    elif inline:
        recompute_finish(run_id=run_id)
    else:
        job_enqueue(
            kind="territories.recompute_finish",
            arguments={"run_id": run_id},
            label=f"Recalcul #{run_id} : analyses et cartes",
        )


def recompute_finish(*, run_id, job=None):
    """The steps that need every aggregate: composites, typologies, weak signals, map
    layers; then publish. Each step replaces what an earlier attempt of it wrote."""
    from territories.analyses import composites, typologies
    from territories.maps import layers as maps
    from territories.signals import detection as weak_signals

    if not PipelineRun.objects.filter(pk=run_id, state=RunState.RUNNING).exists():
        return {"skipped": True}
    stats = {}
    for name, step in (
        ("composites", composites.compute),
        ("typologies", typologies.compute),
        ("signals", weak_signals.detect),
        ("layers", maps.build_layers),
    ):
        started = time.monotonic()
        stats[name] = step(run_id=run_id)
        stats[f"{name}_seconds"] = round(time.monotonic() - started, 3)
        if job is not None:
            job.report_progress(len(stats) * 12, name)
    published = recompute_publish(run_id=run_id, extra_stats=stats)
    if published:
        transaction.on_commit(lambda: weak_signals.notify_followers(run_id=run_id))
        transaction.on_commit(
            lambda: job_enqueue(
                kind="territories.render_images",
                arguments={"run_id": run_id},
                label=f"Recalcul #{run_id} : images des cartes",
            )
        )
    return stats


def recompute_publish(*, run_id, extra_stats=None):
    """Make the run the one readers see, then drop the values of older runs."""
    now = timezone.now()
    values = AggregateValue.objects.filter(run_id=run_id).count()
    published = PipelineRun.objects.filter(pk=run_id, state=RunState.RUNNING).update(
        state=RunState.SUCCEEDED,
        finished_at=now,
        progress=100,
        stats={"values": values, **(extra_stats or {})},
    )
    if published:
        previous = (
            PipelineRun.objects.filter(state=RunState.SUCCEEDED)
            .exclude(pk=run_id)
            .order_by("-finished_at")
            .values_list("pk", flat=True)[:1]
        )
        keep = [run_id, *previous]
        AggregateValue.objects.exclude(run_id__in=keep).delete()
        for model in (CompositeResult, MapLayer, TypologyResult, WeakSignal):
            model.objects.exclude(run_id__in=keep).delete()
    return bool(published)


def recompute_fail(*, run_id, error):
    PipelineRun.objects.filter(pk=run_id).exclude(state=RunState.SUCCEEDED).update(
        state=RunState.FAILED, error=str(error)[:5000], finished_at=timezone.now()
    )


def current_run():
    return PipelineRun.objects.filter(state=RunState.SUCCEEDED).order_by("-finished_at").first()


# ----------------------------------------------------------------------------- aggregation


def commune_frame():
    """Communes with their parents and population: the base every aggregate is drawn from."""
    rows = Territory.objects.filter(level=Level.COMMUNE).values_list(
        "id", "epci_id", "departement_id", "region_id", "population"
    )
    frame = pd.DataFrame.from_records(
        rows, columns=["territory_id", "epci", "departement", "region", "population"]
    )
    frame["population"] = frame["population"].fillna(0).astype(float)
    return frame


def aggregate(*, indicator_ids, communes=None, values=None):
    """Aggregate commune values of the given indicators to every higher level.

    Returns dicts ready for AggregateValue. `communes` and `values` may be given as frames
    (the benchmark measures this function alone).
    """
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=indicator_ids).select_related(
            "denominator", "numerator"
        )
    }
    needed = set(indicators)
    for indicator in indicators.values():
        needed |= {indicator.denominator_id, indicator.numerator_id} - {None}
    communes = commune_frame() if communes is None else communes
    if values is None:
        values = frames.commune_values(sorted(needed))
    rows = []
    for indicator in indicators.values():
        rows.extend(_aggregate_one(indicator, values, communes))
    return rows


def _aggregate_one(indicator, values, communes):
    own = values[values["indicator_id"] == indicator.pk]
    if own.empty:
        return []
    base = own[["territory_id", "period", "value"]]
    if indicator.aggregation in (Aggregation.RATIO, Aggregation.WEIGHTED_MEAN):
        if indicator.denominator_id is None:
            return []
        den = values[values["indicator_id"] == indicator.denominator_id][
            ["territory_id", "period", "value"]
        ].rename(columns={"value": "den"})
        base = base.merge(den, on=["territory_id", "period"], how="left")
        if indicator.numerator_id:
            num = values[values["indicator_id"] == indicator.numerator_id][
                ["territory_id", "period", "value"]
            ].rename(columns={"value": "num"})
            base = base.merge(num, on=["territory_id", "period"], how="left")
        else:
            # The commune's rate times its denominator gives back the numerator count.
            base["num"] = base["value"] * base["den"] / indicator.scale
        known = base["num"].notna() & base["den"].notna() & (base["den"] > 0)
    else:
        base["num"] = base["value"]
        base["den"] = 0.0
        known = base["value"].notna()
    base = base.assign(known=known)
    base = base.merge(communes, on="territory_id", how="inner")
    base["known_population"] = np.where(base["known"], base["population"], 0.0)
    base["num"] = np.where(base["known"], base["num"], 0.0)
    base["den"] = np.where(base["known"], base["den"], 0.0)
    rows = []
    for level in AGGREGATE_LEVELS:
        totals = communes.groupby(level).agg(
            members=("territory_id", "size"), population=("population", "sum")
        )
        grouped = (
            base.groupby([level, "period"])
            .agg(
                num=("num", "sum"),
                den=("den", "sum"),
                known_population=("known_population", "sum"),
                members_known=("known", "sum"),
            )
            .reset_index()
        )
        grouped = grouped.merge(totals, left_on=level, right_index=True, how="left")
        for record in grouped.itertuples(index=False):
            rows.append(_aggregate_row(indicator, getattr(record, level), record))
    return rows


def _aggregate_row(indicator, territory_id, record):
    coverage = record.known_population / record.population if record.population else 0.0
    coverage = min(coverage, 1.0)
    if indicator.aggregation == Aggregation.SUM:
        value = record.num
        small = False
    else:
        value = indicator.scale * record.num / record.den if record.den > 0 else None
        small = record.den < indicator.min_count
    if value is None or record.members_known == 0 or coverage < indicator.min_coverage or small:
        status, value = ValueStatus.WITHHELD, None
    elif coverage >= FULL:
        status = ValueStatus.OK
    else:
        status = ValueStatus.PARTIAL
    return {
        "indicator_id": indicator.pk,
        "territory_id": int(territory_id),
        "period": int(record.period),
        "value": None if value is None else float(value),
        "coverage": float(coverage),
        "members": int(record.members),
        "members_known": int(record.members_known),
        "status": status,
    }

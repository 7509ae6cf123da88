"""The recompute pipeline: communes → EPCI → département → région, with coverage.

A run goes through three kinds of background job, each a recorded Job (jobs app) that any
worker may take:

1. `recompute_start` claims the run, records its chunks of indicators (RunChunk) and sends
   one `recompute_chunk` job per chunk: the fan-out. Each app that publishes indicators of
   its own (territories.pipeline.publishers) has a chunk too.
2. Each `recompute_chunk` writes its aggregates under the run's id and marks its chunk done.
   The chunk that finds every chunk done claims the next step with a conditional UPDATE
   (`_after_chunks`: progress moves to 95 once, whoever else finishes at the same moment)
   and sends `recompute_finish`: the fan-in.
3. `recompute_finish` computes what needs every aggregate (composites, typologies, weak
   signals, map layers), then publishes the run with a conditional UPDATE.

Why not Celery's `chord` for steps 1–2: a chord needs a result backend, which the portal
does not run (task results are ignored; the embedded default has only kombu's filesystem
transport), and its callback lives in the broker alone. Here each step is a Job in the
database: the sweep sends again a job a lost worker never started, a chunk sent twice is
done once (RunChunk.done_at), and the claim by conditional UPDATE makes the last chunk
send the finishing step exactly once, on any broker.

Readers only look at the last published run, so a failed or killed run leaves nothing
half-written in sight, and running a step again is harmless (it deletes what an earlier
attempt of itself wrote, then writes again).
"""

import time

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jobs.services import job_enqueue
from territories.analyses.models import CompositeResult, TypologyResult
from territories.catalogue.models import Indicator
from territories.choices import Aggregation, RunState
from territories.maps import tasks as maps_tasks
from territories.maps.models import MapLayer
from territories.pipeline import frames, publishers, tasks
from territories.pipeline.aggregation import aggregate
from territories.pipeline.models import AggregateValue, PipelineRun, RunChunk
from territories.pipeline.selectors import published_run_forget
from territories.signals.models import WeakSignal


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
            task=tasks.recompute,
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
            .filter(published_by="")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        size = settings.RECOMPUTE_CHUNK_INDICATORS
        chunks = [
            RunChunk(run=run, indicator_ids=indicator_ids[i : i + size])
            for i in range(0, len(indicator_ids), size)
        ]
        # Then one chunk per app that publishes indicators of its own (observatory).
        chunks += [
            RunChunk(run=run, indicator_ids=[], publisher=name) for name in publishers.registered()
        ]
        for number, chunk in enumerate(chunks, start=1):
            chunk.number = number
        with transaction.atomic():
            RunChunk.objects.bulk_create(chunks, ignore_conflicts=True)
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
            task=tasks.recompute_chunk,
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
    if chunk.publisher:
        indicator_ids, rows = publishers.published_values(chunk.publisher, run_id=run_id)
    else:
        indicator_ids = chunk.indicator_ids
        rows = aggregate(indicator_ids=indicator_ids)
    with transaction.atomic():
        AggregateValue.objects.filter(run_id=run_id, indicator_id__in=indicator_ids).delete()
        written = frames.aggregates_write(run_id, rows)
        RunChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
            done_at=timezone.now(), values=written, indicator_ids=indicator_ids
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
            task=tasks.recompute_finish,
            arguments={"run_id": run_id},
            label=f"Recalcul #{run_id} : analyses et cartes",
        )


def recompute_finish(*, run_id, job=None):
    """The steps that need every aggregate: composites, typologies, weak signals, map
    layers; then publish. Each step replaces what an earlier attempt of it wrote."""
    # Imported here: scikit-learn, geopandas and the rest load in the workers that run
    # this step, not in every web process.
    from territories.analyses import composites, typologies
    from territories.maps import layers as maps
    from territories.signals import detection as weak_signals
    from territories.signals.notifications import notify_followers

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
        transaction.on_commit(lambda: notify_followers(run_id=run_id))
        transaction.on_commit(
            lambda: job_enqueue(
                task=maps_tasks.render_images,
                arguments={"run_id": run_id},
                label=f"Recalcul #{run_id} : images des cartes",
            )
        )
    return stats


def recompute_publish(*, run_id, extra_stats=None):
    """Make the run the one readers see, then drop what finished runs older than it and
    the previous one computed.

    A run publishes only when every value its chunks wrote is there, and never over a newer
    run already published (it is then marked superseded): the published run is always the
    latest requested among the complete ones. Runs still going keep their values.
    """
    now = timezone.now()
    values = AggregateValue.objects.filter(run_id=run_id).count()
    chunks = RunChunk.objects.filter(run_id=run_id)
    if chunks.exists():
        expected = chunks.aggregate(total=Sum("values"))["total"] or 0
        aggregated = [pk for ids in chunks.values_list("indicator_ids", flat=True) for pk in ids]
        stored = AggregateValue.objects.filter(run_id=run_id, indicator_id__in=aggregated)
        if stored.count() != expected:
            recompute_fail(
                run_id=run_id,
                error=f"Incomplete: {stored.count()} values stored of the {expected} "
                "its chunks wrote.",
            )
            return False
    newer = (
        PipelineRun.objects.filter(state=RunState.SUCCEEDED, pk__gt=run_id)
        .values_list("pk", flat=True)
        .first()
    )
    if newer is not None:
        recompute_fail(run_id=run_id, error=f"Superseded by run #{newer}, published first.")
        return False
    published = PipelineRun.objects.filter(pk=run_id, state=RunState.RUNNING).update(
        state=RunState.SUCCEEDED,
        finished_at=now,
        progress=100,
        stats={"values": values, **(extra_stats or {})},
    )
    if published:
        # Forgotten now, and again after the commit: a reader in between would keep the
        # previous run a second longer.
        published_run_forget()
        transaction.on_commit(published_run_forget)
        previous = (
            PipelineRun.objects.filter(state=RunState.SUCCEEDED, pk__lt=run_id)
            .order_by("-pk")
            .values_list("pk", flat=True)[:1]
        )
        # Only what finished runs computed: a run still going keeps everything it wrote.
        finished = (
            PipelineRun.objects.filter(state__in=[RunState.SUCCEEDED, RunState.FAILED])
            .exclude(pk__in=[run_id, *previous])
            .values("pk")
        )
        for model in (AggregateValue, CompositeResult, MapLayer, TypologyResult, WeakSignal):
            model.objects.filter(run_id__in=finished).delete()
    return bool(published)


def recompute_fail(*, run_id, error):
    PipelineRun.objects.filter(pk=run_id).exclude(state=RunState.SUCCEEDED).update(
        state=RunState.FAILED, error=str(error)[:5000], finished_at=timezone.now()
    )

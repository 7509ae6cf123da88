"""Writes of imports: an uploaded file is recorded, then run in the background, all of it or
nothing; a successful import asks for a recompute."""

from pathlib import Path

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.services import JobFailed, job_enqueue
from territories.choices import ImportKind, ImportState
from territories.imports import tasks
from territories.imports.code_changes import code_changes_import
from territories.imports.common import ImportFailed, checked_options
from territories.imports.geography import geography_import
from territories.imports.models import DataImport
from territories.imports.values import values_import
from territories.pipeline import services as pipeline

RUNNERS = {
    ImportKind.VALUES: values_import,
    ImportKind.GEOGRAPHY: geography_import,
    ImportKind.CODE_CHANGES: code_changes_import,
}


def data_import_create(*, kind, uploaded, options, user=None):
    """Record an uploaded file and its mapping; the import itself runs in the background."""
    with transaction.atomic():
        data_import = DataImport(
            kind=kind,
            original_name=Path(uploaded.name).name[:255],
            options=options,
            accept_valid_rows=bool(options.get("accept_valid_rows")),
            created_by=user if user is not None and user.is_authenticated else None,
        )
        data_import.file.save(Path(uploaded.name).name, uploaded, save=False)
        data_import.save()
        data_import.job = job_enqueue(
            task=tasks.run_import,
            arguments={"import_id": data_import.pk},
            user=user,
            label=_("Import of %(name)s") % {"name": data_import.original_name},
        )
        data_import.save(update_fields=["job"])
    return data_import


def data_import_run(*, import_id, job=None, request_recompute=True):
    """Run a recorded import: all of it, or nothing. Then ask for a recompute."""
    data_import = DataImport.objects.get(pk=import_id)
    claimed = DataImport.objects.filter(
        pk=import_id, state__in=[ImportState.PENDING, ImportState.RUNNING]
    ).update(state=ImportState.RUNNING)
    if not claimed:
        return {"skipped": True}
    progress = job.report_progress if job is not None else (lambda percent, message: None)
    runner = RUNNERS[data_import.kind]
    try:
        options = checked_options(data_import.options)
        report = (
            runner(
                path=data_import.file.path,
                original_name=data_import.original_name,
                options=options,
                source_import=data_import,
                progress=progress,
            )
            if data_import.kind == ImportKind.VALUES
            else runner(
                path=data_import.file.path,
                original_name=data_import.original_name,
                options=options,
                progress=progress,
            )
        )
    except ImportFailed as exc:
        DataImport.objects.filter(pk=import_id).update(
            state=ImportState.FAILED,
            error=str(exc),
            report=exc.report,
            finished_at=timezone.now(),
        )
        raise JobFailed(str(exc)) from exc
    DataImport.objects.filter(pk=import_id).update(
        state=ImportState.SUCCEEDED, report=report, finished_at=timezone.now(), error=""
    )
    if request_recompute and data_import.kind != ImportKind.CODE_CHANGES:
        transaction.on_commit(
            lambda: pipeline.recompute_request(
                reason=f"import #{import_id} {data_import.original_name}",
                user=data_import.created_by,
            )
        )
    return {"accepted": report.get("accepted"), "rejected": len(report.get("rejected", []))}


def data_import_record_path(*, kind, path, options, user=None):
    """Record a file from disk as an import, to run synchronously with `data_import_run`."""
    with Path(path).open("rb") as handle:
        data_import = DataImport(
            kind=kind,
            original_name=Path(path).name,
            options=options,
            accept_valid_rows=bool(options.get("accept_valid_rows")),
            created_by=user,
        )
        data_import.file.save(Path(path).name, File(handle), save=False)
        data_import.save()
    return data_import


def data_import_from_path(*, kind, path, options, user=None):
    """Import a file from disk through the same path as an upload (used to load the region)."""
    data_import = data_import_record_path(kind=kind, path=path, options=options, user=user)
    report = data_import_run(import_id=data_import.pk, request_recompute=False)
    data_import.refresh_from_db()
    return data_import, report

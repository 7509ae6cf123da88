"""The recompute runs page (analysts only), and how far a run is (anyone)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from territories.choices import RunState
from territories.pipeline import selectors
from territories.pipeline.models import PipelineRun
from territories.rules import require


@login_required
def run_list(request):
    require(request, "territories.view_runs")
    return render(request, "territories/run_list.html", {"runs": selectors.recent_runs()})


@never_cache
@require_GET
def run_status(request, pk):
    """How far a run is, in the form job-progress.js reads (the pages of composite indexes
    and typologies follow the run computing them). Only its state and progress: who asked
    for it and why stay on the analysts' page."""
    run = get_object_or_404(PipelineRun.objects.only("state", "progress"), pk=pk)
    finished = run.state in (RunState.SUCCEEDED, RunState.FAILED)
    return JsonResponse(
        {
            "state": run.state,
            "state_label": run.get_state_display(),
            "progress": run.progress,
            "message": str(run.step_label()),
            "error": "",
            "finished": finished,
        }
    )

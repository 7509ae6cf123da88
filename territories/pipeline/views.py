"""The recompute runs page (analysts only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from territories.pipeline import selectors
from territories.rules import require


@login_required
def run_list(request):
    require(request, "territories.view_runs")
    return render(request, "territories/run_list.html", {"runs": selectors.recent_runs()})

"""An organisation's benchmark, as a page and as a PDF report for its board: read by its
delegates and admins (and the portal's administrators) from what the recompute stored."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from observatory.benchmark import documents, selectors, texts
from portal.accounts.models import Organisation


def benchmark_audience(request, organisation):
    """An organisation's benchmark is the same for everyone allowed to read it: kept for
    them (portal.pagecache); drawn for anyone else, who is refused."""
    found = Organisation.objects.filter(slug=organisation).first()
    if found is None or not request.user.has_perm("observatory.view_benchmark", found):
        return None
    return "allowed"


def _benchmark(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.only("name", "slug", "is_demo"), slug=slug
    )
    if not request.user.has_perm("observatory.view_benchmark", organisation):
        raise PermissionDenied(_("You are not allowed to do this."))
    return organisation, selectors.benchmark_of(
        organisation=organisation, year=request.GET.get("annee")
    )


@require_safe
@login_required
def benchmark_page(request, organisation):
    """Each establishment's measures beside similar employers' and its territory's."""
    organisation, benchmark = _benchmark(request, organisation)
    return render(
        request,
        "observatory/benchmark/page.html",
        {
            "organisation": organisation,
            "benchmark": benchmark,
            "demo": benchmark.demo,
            "texts": {
                "source": texts.source(benchmark),
                "method": texts.method(),
                "secrecy": texts.secrecy(),
            },
            "nothing_yet": texts.nothing_yet(),
        },
    )


@require_safe
@login_required
def benchmark_report(request, organisation):
    """The same, as a dated PDF for the organisation's board."""
    organisation, benchmark = _benchmark(request, organisation)
    content = documents.benchmark_report(
        organisation=organisation, benchmark=benchmark, day=timezone.localdate()
    )
    response = HttpResponse(content, content_type="application/pdf")
    year = benchmark.year or "aucune"
    response["Content-Disposition"] = (
        f'attachment; filename="comparaison-{organisation.slug}-{year}.pdf"'
    )
    return response

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from jobs.selectors import health_report
from portal.knowledge.models import Resource
from portal.knowledge.reference.selectors import axes_with_preconisations


def home(request):
    readable = (
        Resource.objects.readable_by(request.user)
        .select_related("organisation")
        .order_by("-published_at")
    )
    return render(
        request,
        "home.html",
        {
            "axes": axes_with_preconisations(),
            "featured": readable.filter(featured=True)[:3],
            "latest": readable.filter(featured=False)[:4],
        },
    )


@never_cache
def healthz(request):
    """Whether the database, the broker and at least one worker answer; nothing more."""
    report = health_report()
    healthy = all(report.values())
    body = {name: "ok" if up else "down" for name, up in report.items()}
    body["status"] = "ok" if healthy else "degraded"
    return JsonResponse(body, status=200 if healthy else 503)

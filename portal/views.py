from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs.selectors import health_report
from portal.knowledge.models import Resource
from portal.knowledge.reference.selectors import axes_with_preconisations


def home(request):
    readable = (
        Resource.objects.readable_by(request.user)
        .select_related("organisation")
        # Cards show a title and a summary: the text and its search forms stay unread.
        .defer("body", "body_html", "search_text", "search_vector")
        .order_by("-published_at")
    )
    return render(
        request,
        "home.html",
        {
            # The same for every reader: read only when the kept fragment misses.
            "kept_context": lambda: {"axes": axes_with_preconisations()},
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


@require_GET
def choose_language(request):
    """The language switcher. A GET form, unlike Django's set_language, so that pages carry
    no CSRF token and can be kept for anonymous visitors (portal.pagecache); a forged link
    can do no more than change the language. Remembers the choice and goes back."""
    back = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = HttpResponseRedirect(back)
    language = request.GET.get("language")
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response

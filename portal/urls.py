from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views
from portal.api import extra_urls, router

admin.site.site_header = "Cohésion — administration"
admin.site.site_title = "Cohésion"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("compte/", include("allauth.urls")),
    path("", include("portal.accounts.urls")),
    path("", include("portal.accounts.notifications.urls")),
    path("", include("portal.knowledge.urls")),
    path("", include("portal.committees.urls")),
    path("", include("jobs.urls")),
    path("", include("territories.urls")),
    path("", include("territories.signals.urls")),
    path("", include("territories.analyses.urls")),
    path("", include("observatory.urls")),
    path("langue/", views.choose_language, name="choose_language"),
    path("api/v1/", include([path(r, v, name=n) for r, v, n in extra_urls] + router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI injects <style> elements: inline styles are allowed on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

# No address serves MEDIA_ROOT, not even under DEBUG: every file kept there (resources' and
# forum posts' attachments, imports) is read through a view that checks who may have it.

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"

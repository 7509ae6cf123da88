"""The portal's URLs with the analysis API router mounted, until the lead registers it."""

from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns
from territories.analyses.api import router

urlpatterns = [path("api/v1/", include(router.urls)), *portal_urlpatterns]

"""The API root: each app keeps its own router, gathered here under /api/v1/."""

from rest_framework import routers

from jobs.api import router as jobs_router
from observatory.returns.api import router as observatory_returns_router
from portal.accounts.api import router as accounts_router
from portal.accounts.notifications.api import router as notifications_router
from portal.knowledge.reference.api import router as knowledge_router
from portal.knowledge.resources.api import router as resources_router
from territories.api import ValuesView
from territories.api import router as territories_router

router = routers.DefaultRouter()
APP_ROUTERS = (
    territories_router,
    knowledge_router,
    resources_router,
    accounts_router,
    notifications_router,
    jobs_router,
    observatory_returns_router,
)
for app_router in APP_ROUTERS:
    router.registry.extend(app_router.registry)


class APIRoot(routers.APIRootView):
    """The Cohésion read API. `values/` serves indicator values across levels."""

    api_root_dict = None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["values"] = request.build_absolute_uri("values/")
        return response


router.APIRootView = APIRoot
extra_urls = [("values/", ValuesView.as_view(), "values")]

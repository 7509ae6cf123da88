"""The API root: each app keeps its own router, gathered here under /api/v1/."""

from rest_framework import routers

from jobs.api import router as jobs_router
from portal.accounts.api import router as accounts_router
from portal.knowledge.api import router as knowledge_router

router = routers.DefaultRouter()
for app_router in (knowledge_router, accounts_router, jobs_router):
    router.registry.extend(app_router.registry)

"""Rate limits on the site's own pages that allauth and DRF do not cover (the searches).

django-ratelimit counts in the default cache (Redis, shared by every process); over the
limit it raises, and its middleware answers with settings.RATELIMIT_VIEW (a 429 page).
"""

from django.conf import settings
from django_ratelimit.decorators import ratelimit


def client_address(request):
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies of ours the one the
    farthest of them saw (X-Forwarded-For read from the right: its left is the client's say)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if settings.PROXY_COUNT and len(addresses) >= settings.PROXY_COUNT:
        return addresses[-settings.PROXY_COUNT]
    return request.META["REMOTE_ADDR"]


def _search_rate(group, request):
    # Read at each request, so that a deployment (or a test) may change it.
    return settings.RATE_LIMIT_SEARCH


search_rate_limited = ratelimit(group="search", key="ip", rate=_search_rate, block=True)

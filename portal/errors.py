"""Error answers: problem details (RFC 9457, JSON) for the API, pages for people.

The API's own errors go through DRF's exception handler; what happens before a view runs
or outside DRF (an unknown address, a database that does not answer) reaches Django's
handlers, which answer JSON too under /api/. None of them touches the database.
"""

import errno
import sys

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status as http
from rest_framework.views import exception_handler

PROBLEM = "application/problem+json"
API_PREFIX = "/api/"

TITLES = {
    400: lambda: _("Bad request"),
    401: lambda: _("Authentication required"),
    403: lambda: _("Forbidden"),
    404: lambda: _("Not found"),
    405: lambda: _("Method not allowed"),
    406: lambda: _("Format not available"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Server error"),
    503: lambda: _("Service unavailable"),
    507: lambda: _("Insufficient storage"),
}


def title_for(status):
    return TITLES.get(status, lambda: _("Error"))()


def problem(status, detail=None, **members):
    body = {"type": "about:blank", "title": title_for(status), "status": status}
    if detail:
        body["detail"] = str(detail)
    return {**body, **members}


def api_exception_handler(exc, context):
    """DRF's answer, as problem details: a `detail` stays, field errors go to `errors`."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) <= {"detail"}:
        body = problem(response.status_code, data.get("detail"))
    else:
        body = problem(response.status_code, _("Some parameters are invalid."))
        body["errors"] = data
    response.data = body
    response.content_type = PROBLEM
    return response


def _json(status, detail):
    return JsonResponse(problem(status, detail), status=status, content_type=PROBLEM)


def bad_request(request, exception):
    if request.path.startswith(API_PREFIX):
        return _json(http.HTTP_400_BAD_REQUEST, None)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if request.path.startswith(API_PREFIX):
        return _json(http.HTTP_403_FORBIDDEN, None)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return _json(http.HTTP_404_NOT_FOUND, _("Nothing is found at this address."))
    return defaults.page_not_found(request, exception)


def too_many_requests(request, exception=None):
    """Over a rate limit (portal.ratelimits): said plainly, nothing done."""
    if request.path.startswith(API_PREFIX):
        return _json(http.HTTP_429_TOO_MANY_REQUESTS, _("Too many requests; try again later."))
    return render(request, "429.html", status=http.HTTP_429_TOO_MANY_REQUESTS)


def _disk_full():
    error = sys.exc_info()[1]
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def server_error(request):
    if _disk_full():
        # Said as it is: the person's file was not kept, and nothing else was changed.
        if request.path.startswith(API_PREFIX):
            return _json(507, _("The server has no space left to keep the file sent."))
        return render(request, "507.html", status=507)
    if request.path.startswith(API_PREFIX):
        return _json(
            http.HTTP_500_INTERNAL_SERVER_ERROR,
            _("The service has a problem; try again in a few moments."),
        )
    return defaults.server_error(request)

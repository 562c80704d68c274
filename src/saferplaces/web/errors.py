"""The site's error handlers (``handler400`` ... ``handler500`` in ``web/urls.py``): JSON under
``/api/``, the GOV.UK error pages everywhere else.

Django REST Framework answers the errors its own views raise (``{"detail": ...}``), but some
errors never reach a view: a path the URL resolver refuses (an id longer than a record id, see
``web/converters.py``, or no such endpoint), a refusal by the deny-by-default middleware, a
suspicious request, a server error. Django answers those with its handlers, which would send a
partner system the site's HTML page. Here a request for an API endpoint, or for a path under
``/api/`` that matches nothing, gets JSON in DRF's shape instead.

The answers are fixed sentences: never the exception's own message (which might name a record
or a person), never a traceback. A server error carries the request's id (also in the
``X-Request-ID`` header) so the caller can quote it to whoever reads the server's log.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from saferplaces.apps.agencies.declare import is_api_view
from saferplaces.apps.audit.middleware import request_id_of

__all__ = ["API_PREFIX", "bad_request", "is_api_request", "not_found", "permission_denied",
           "server_error"]

#: Where the API is mounted (``web/urls.py``).
API_PREFIX = "/api/"

MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "Server error: the request could not be completed.",
}


def is_api_request(request: HttpRequest) -> bool:
    """A request under ``/api/`` for an API endpoint, or for a path that matches no view (the
    token page, an ordinary page under ``/api/``, keeps the HTML pages)."""
    if not request.path_info.startswith(API_PREFIX):
        return False
    match = getattr(request, "resolver_match", None)
    return match is None or is_api_view(match.func)


def _json(status: int, **extra: str) -> JsonResponse:
    return JsonResponse({"detail": MESSAGES[status], **extra}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return _json(400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return _json(403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return _json(404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return _json(500, request_id=request_id_of(request))
    return defaults.server_error(request)

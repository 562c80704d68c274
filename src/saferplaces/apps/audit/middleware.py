"""``RequestIdMiddleware``: one id per request, so the audit events of one request (and the
server's log lines) can be tied together.

A request id sent by a proxy in front of the service (the ``X-Request-ID`` header) is kept when
it is a short plain token; otherwise a new random one is made. The response carries it back in
``X-Request-ID`` so a user reporting a problem can quote it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

__all__ = ["RequestIdMiddleware", "request_id_of"]

#: A request id taken from outside: letters, digits, ``.``, ``_`` and ``-``, at most 64.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_of(request: HttpRequest) -> str:
    """The id of ``request``: the one the middleware gave it, or else a new one kept on it."""
    existing = getattr(request, "request_id", None)
    if isinstance(existing, str) and existing:
        return existing
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    request_id = offered if isinstance(offered, str) and _SAFE_ID.match(offered) else uuid.uuid4().hex
    request.request_id = request_id  # type: ignore[attr-defined]
    return request_id


class RequestIdMiddleware:
    """Sets ``request.request_id`` and the ``X-Request-ID`` response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response

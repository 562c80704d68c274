"""``RequestIdMiddleware``: one id per request, so the audit events of one request (and the
server's log lines) can be tied together; and where a request came from.

Both read headers only a proxy in front of the service may set, so both trust them only with
``SAFERPLACES_BEHIND_PROXY`` on (README "Running it for real": the proxy sets ``X-Request-ID``
and appends the address it saw to ``X-Forwarded-For``). Without a proxy any client could send
them, and make its events carry another request's id or another machine's address.

- Request id: the proxy's ``X-Request-ID`` when it is 1 to 64 letters, digits or ``-`` (the
  shape of a UUID or of nginx's ``$request_id``); otherwise a new random one. The response
  carries it back in ``X-Request-ID`` so a user reporting a problem can quote it.
- Client address: behind the proxy, the right-most ``X-Forwarded-For`` entry, the one our proxy
  added (entries to its left were sent by the client and prove nothing); otherwise
  ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

__all__ = ["RequestIdMiddleware", "client_address", "request_id_of"]

#: A request id taken from the proxy: letters, digits and ``-``, at most 64.
_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}\Z")


def _behind_proxy() -> bool:
    return bool(getattr(settings, "SAFERPLACES_BEHIND_PROXY", False))


def request_id_of(request: HttpRequest) -> str:
    """The id of ``request``: the one the middleware gave it, or else a new one kept on it."""
    existing = getattr(request, "request_id", None)
    if isinstance(existing, str) and existing:
        return existing
    offered = request.META.get("HTTP_X_REQUEST_ID", "") if _behind_proxy() else ""
    request_id = offered if isinstance(offered, str) and _SAFE_ID.match(offered) else uuid.uuid4().hex
    request.request_id = request_id  # type: ignore[attr-defined]
    return request_id


def client_address(request: HttpRequest) -> str | None:
    """The client's address, normalised (see the module's rule); ``None`` when absent or not
    an address."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if _behind_proxy() and forwarded.strip():
        address = forwarded.split(",")[-1]
    try:
        return str(ipaddress.ip_address(address.strip().strip("[]")))
    except ValueError:
        return None


class RequestIdMiddleware:
    """Sets ``request.request_id`` and the ``X-Request-ID`` response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response

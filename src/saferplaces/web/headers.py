"""Security headers Django does not send by itself: Permissions-Policy, and a Content Security
Policy whose image sources follow the map tile setting.

Django's SecurityMiddleware sends Referrer-Policy, X-Content-Type-Options,
Cross-Origin-Opener-Policy and, over HTTPS, Strict-Transport-Security; XFrameOptionsMiddleware
sends X-Frame-Options. The Content Security Policy comes from ``CONTENT_SECURITY_POLICY`` in the
settings (django-csp), plus the origin of ``SAFERPLACES_TILE_URL`` in ``img-src``: read on every
response, so the policy and the map always name the same tile server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_origin(template: str) -> str | None:
    """The CSP source a tile template loads from: ``https://tile.openstreetmap.org`` for
    ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``. A placeholder in the leftmost host label
    (``{s}`` subdomains) becomes the wildcard CSP allows there (``https://*.tile.example.org``);
    one anywhere else in the host leaves only the scheme (``https:``), the narrowest source CSP can
    express for it. ``None`` for no tiles, or tiles from this site (``'self'`` covers them)."""
    parts = urlsplit(template.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.rpartition("@")[2].lower()  # never copy a user:password into a header
    first, dot, rest = host.partition(".")
    if _PLACEHOLDER.search(rest):
        return f"{parts.scheme}:"
    if _PLACEHOLDER.search(first):
        first = "*"
    return f"{parts.scheme}://{first}{dot}{rest}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the tile server's origin added to ``img-src``."""

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase,
                         report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = tile_origin(getattr(settings, "SAFERPLACES_TILE_URL", ""))
        if origin and not report_only:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", ()), origin]
            parts.update = update
        return parts


def permissions_policy(features: Mapping[str, tuple[str, ...]]) -> str:
    """The Permissions-Policy header value: ``camera=(), geolocation=(self)``; an empty
    allow-list switches the feature off for this site and anything it embeds."""
    return ", ".join(f"{name}=({' '.join(allowed)})" for name, allowed in features.items())


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` from the ``PERMISSIONS_POLICY`` setting on every response:
    the browser features (camera, microphone, location, payment...) no page here needs are off,
    so an injected script or a compromised dependency cannot ask for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        value = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))
        if value:
            response.headers.setdefault("Permissions-Policy", value)
        return response

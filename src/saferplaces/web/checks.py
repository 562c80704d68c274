"""saferplaces's own deployment checks, beside Django's (``check --deploy``): each warning names
the environment variable to change (README "Running it for real").

Django's checks speak of its settings (``SECURE_HSTS_SECONDS``, ``SESSION_COOKIE_SECURE``...);
people running saferplaces set environment variables, so these say which one. They run only with
``--deploy`` (``saferplaces check --deploy``), under the tags ``security`` and ``deploy``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

from saferplaces.web.env import declared
from saferplaces.web.server import is_loopback

SECRET_KEY_HINT = ("Set SAFERPLACES_SECRET_KEY to a random value of 50 characters or more, e.g. the "
                   "output of: python -c \"import secrets; print(secrets.token_urlsafe(50))\"")


@register(Tags.security, "deploy", deploy=True)
def deployment_settings(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Settings that are fine on one's own machine and unsafe on a shared deployment."""
    https = bool(getattr(settings, "SAFERPLACES_HTTPS", False))
    hosts = list(settings.ALLOWED_HOSTS)
    found: list[CheckMessage] = []

    def warn(number: int, message: str, hint: str) -> None:
        found.append(CheckWarning(message, hint=hint, id=f"saferplaces.W{number:03d}"))

    if declared("SAFERPLACES_SECRET_KEY").default == settings.SECRET_KEY:
        warn(1, "SAFERPLACES_SECRET_KEY is the built-in key, which anyone can read in the source "
                "and use to forge a signed-in session.", SECRET_KEY_HINT)
    if settings.DEBUG:
        warn(2, "SAFERPLACES_DEBUG is on: any error shows settings, code and data to whoever "
                "caused it.", "Set SAFERPLACES_DEBUG=false.")
    if not hosts or "*" in hosts:
        warn(3, "SAFERPLACES_ALLOWED_HOSTS is empty or '*': the site would answer to any host name "
                "a request claims, and links it writes could point elsewhere.",
             "Set SAFERPLACES_ALLOWED_HOSTS to the host name(s) people use, e.g. saferplaces.example.gov.uk.")
    elif all(is_loopback(host) for host in hosts):
        warn(4, "SAFERPLACES_ALLOWED_HOSTS names only this machine, so nobody else can use the site.",
             "Set SAFERPLACES_ALLOWED_HOSTS to the host name(s) people use, e.g. saferplaces.example.gov.uk.")
    if not https:
        warn(5, "SAFERPLACES_HTTPS is off: passwords, sign-in cookies and records would cross the "
                "network readable by anyone on the way.",
             "Serve the site over HTTPS (directly or behind a proxy) and set SAFERPLACES_HTTPS=true.")
    if not getattr(settings, "SAFERPLACES_REQUIRE_2FA", True):
        warn(6, "SAFERPLACES_REQUIRE_2FA is off: one stolen password opens the partnership's records.",
             "Set SAFERPLACES_REQUIRE_2FA=true.")
    if getattr(settings, "SAFERPLACES_PUBLIC_SITE", False) and not https:
        warn(7, "SAFERPLACES_PUBLIC_SITE is on without HTTPS: public pages would go out unprotected, "
                "and the sign-in page with them.", "Set SAFERPLACES_HTTPS=true, or turn the public site off.")
    if https and str(getattr(settings, "SAFERPLACES_TILE_URL", "")).startswith("http://"):
        warn(8, "SAFERPLACES_TILE_URL loads map tiles over plain HTTP, which browsers block on an "
                "HTTPS page.", "Use the tile server's https:// address, or leave SAFERPLACES_TILE_URL empty.")
    if getattr(settings, "SAFERPLACES_BEHIND_PROXY", False) and not https:
        warn(9, "SAFERPLACES_BEHIND_PROXY is on while SAFERPLACES_HTTPS is off, so it has no effect.",
             "Set SAFERPLACES_HTTPS=true when the proxy serves HTTPS, or turn SAFERPLACES_BEHIND_PROXY off.")
    return found

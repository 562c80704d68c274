"""saferplaces's own deployment checks, beside Django's (``check --deploy``): each warning names
the environment variable to change (README "Running it for real").

Django's checks speak of its settings (``SECURE_HSTS_SECONDS``, ``SESSION_COOKIE_SECURE``...);
people running saferplaces set environment variables, so these say which one. They run only with
``--deploy`` (``saferplaces check --deploy``), under the tags ``security`` and ``deploy``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError

from saferplaces.web.env import declared
from saferplaces.web.server import is_loopback


@dataclass(frozen=True)
class Bounds:
    """The limits ``check --deploy`` holds a shared deployment's settings to, with their sources.

    - Lockout after 3 to 10 failed sign-ins: NCSC password guidance ("allow around 10 login
      attempts"); fewer than 3 lets anyone lock a colleague out with a couple of tries. Locked
      for at least 15 minutes: CIS Benchmarks ("account lockout duration" 15 or more minutes).
    - Passwords of 12 characters or more: OWASP ASVS 4.0 V2.1.1 and the shipped default.
    - Signed out after at most 60 minutes idle and 24 hours in all: NIST SP 800-63B 7.2 (AAL2
      30 minutes idle, 12 hours in all), widened for shift work; the defaults are 30 and 12.
    - HSTS for at least a year: OWASP HTTP Strict Transport Security cheat sheet.
    - A secret key of at least 16 different characters with no stretch of 8 repeated: a random
      key of 50 or more characters (``secrets.token_urlsafe(50)``, or hex) always is; Django's
      own check (security.W009) only asks for 5 different characters.
    """

    lockout_failures: tuple[int, int] = (3, 10)
    lockout_minutes: int = 15
    password_min_length: int = 12
    idle_minutes: int = 60
    session_hours: int = 24
    hsts_seconds: int = 365 * 24 * 3600
    key_distinct_characters: int = 16
    key_repeat: int = 8


BOUNDS = Bounds()

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
    for number, message, hint in (_sign_in_limits(https) + _host_and_key(hosts) + _sensitive_list()
                                  + _database()):
        warn(number, message, hint)
    return found


Found = list[tuple[int, str, str]]


def _sign_in_limits(https: bool) -> Found:
    """Lockout, passwords, session lengths and HSTS against :data:`BOUNDS`."""
    found: Found = []
    low, high = BOUNDS.lockout_failures
    failures = int(getattr(settings, "AXES_FAILURE_LIMIT", 0))
    if not low <= failures <= high:
        found.append((10, f"SAFERPLACES_LOCKOUT_FAILURES is {failures}: "
                          + ("anyone could lock a colleague out with a couple of wrong tries."
                             if 0 < failures < low else
                             "the lockout is off or comes too late to stop password and code guessing."),
                      f"Set SAFERPLACES_LOCKOUT_FAILURES between {low} and {high} (NCSC: about 10)."))
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    minutes = cool_off.total_seconds() / 60 if isinstance(cool_off, datetime.timedelta) else 0
    if minutes < BOUNDS.lockout_minutes:
        found.append((11, f"SAFERPLACES_LOCKOUT_MINUTES is {minutes:g}: a locked account opens again "
                          "too soon to slow guessing.",
                      f"Set SAFERPLACES_LOCKOUT_MINUTES to {BOUNDS.lockout_minutes} or more."))
    length = _password_min_length()
    if length < BOUNDS.password_min_length:
        found.append((12, f"SAFERPLACES_PASSWORD_MIN_LENGTH is {length}: short passwords are guessed.",
                      f"Set SAFERPLACES_PASSWORD_MIN_LENGTH to {BOUNDS.password_min_length} or more."))
    idle = int(getattr(settings, "SAFERPLACES_SESSION_IDLE_MINUTES", 0))
    if idle > BOUNDS.idle_minutes:
        found.append((13, f"SAFERPLACES_SESSION_IDLE_MINUTES is {idle}: a computer left signed in stays "
                          "open to whoever sits down at it.",
                      f"Set SAFERPLACES_SESSION_IDLE_MINUTES to {BOUNDS.idle_minutes} or less."))
    hours = int(getattr(settings, "SAFERPLACES_SESSION_MAX_HOURS", 0))
    if hours > BOUNDS.session_hours:
        found.append((14, f"SAFERPLACES_SESSION_MAX_HOURS is {hours}: a stolen session would keep "
                          "working for that long.",
                      f"Set SAFERPLACES_SESSION_MAX_HOURS to {BOUNDS.session_hours} or less."))
    hsts = int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0)
    if https and 0 < hsts < BOUNDS.hsts_seconds:
        found.append((15, f"SAFERPLACES_HSTS_SECONDS is {hsts}: browsers would soon forget to insist on "
                          "HTTPS, and a first plain-HTTP request can be intercepted.",
                      f"Set SAFERPLACES_HSTS_SECONDS to {BOUNDS.hsts_seconds} (one year) or more."))
    return found


def _password_min_length() -> int:
    for validator in getattr(settings, "AUTH_PASSWORD_VALIDATORS", []):
        if validator.get("NAME", "").endswith("MinimumLengthValidator"):
            return int(validator.get("OPTIONS", {}).get("min_length", 8))
    return 0


def _has_repeats(key: str, length: int) -> bool:
    seen: set[str] = set()
    for start in range(len(key) - length + 1):
        part = key[start:start + length]
        if part in seen:
            return True
        seen.add(part)
    return False


def _host_and_key(hosts: list[str]) -> Found:
    """Subdomain wildcards in the host names, and a long key with little randomness in it."""
    found: Found = []
    wildcards = [host for host in hosts if host.startswith(".")]
    if wildcards:
        found.append((16, f"SAFERPLACES_ALLOWED_HOSTS has {', '.join(wildcards)}, which answers to every "
                          "host name under that domain, including ones other people run.",
                      "List the site's own host name(s) only, e.g. saferplaces.example.gov.uk."))
    key = str(settings.SECRET_KEY)
    # Django's security.W009 already warns of a key under 50 characters or of under 5 different ones.
    django_warns = len(key) < 50 or len(set(key)) < 5
    builtin = key == declared("SAFERPLACES_SECRET_KEY").default
    if not django_warns and not builtin and (len(set(key)) < BOUNDS.key_distinct_characters
                                             or _has_repeats(key, BOUNDS.key_repeat)):
        found.append((17, "SAFERPLACES_SECRET_KEY is long but not random: it has few different characters "
                          "or repeats itself, so it is far easier to guess than its length suggests.",
                      SECRET_KEY_HINT))
    return found


def _sensitive_list() -> Found:
    """A partnership's own sensitive-categories file that cannot be read or lists no category."""
    path = str(getattr(settings, "SAFERPLACES_SENSITIVE_CATEGORIES_FILE", "") or "")
    if not path:
        return []
    from saferplaces.apps.incidents.sensitive import SensitivityError, load_rules

    hint = ("List the sensitive categories (domestic abuse, sexual offences, stalking...) in the file, "
            "or leave SAFERPLACES_SENSITIVE_CATEGORIES_FILE empty for the shipped list.")
    try:
        rules = load_rules(path)
    except (OSError, SensitivityError) as exc:
        return [(19, f"SAFERPLACES_SENSITIVE_CATEGORIES_FILE cannot be used: {exc}", hint)]
    if not rules.categories:
        return [(19, "SAFERPLACES_SENSITIVE_CATEGORIES_FILE lists no categories: the exact locations of "
                     "domestic abuse, sexual offences and the like would go to every viewer.", hint)]
    return []


def _database() -> Found:
    """SQLite on a shared deployment, and the audit log's append-only triggers."""
    from django.db import connection

    found: Found = []
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        found.append((18, "DATABASE_URL is not set, so the site runs on SQLite: one file, one writer at a "
                          "time, no database accounts to keep the app from owning its tables.",
                      "Use PostgreSQL: set DATABASE_URL (README: Running it for real)."))
        if not Path(str(database["NAME"])).exists():
            return found  # nothing set up yet; connecting would create an empty file
    from saferplaces.apps.audit.triggers import TABLE, missing_triggers

    try:
        if TABLE not in connection.introspection.table_names():
            return found  # not migrated yet: the migrations create the table with its triggers
        missing = missing_triggers(connection)
    except DatabaseError as exc:
        found.append((20, f"Could not check the audit log's triggers: the database did not answer ({exc}).",
                      "Check DATABASE_URL and that the database is running."))
        return found
    if missing:
        found.append((20, f"The audit log's append-only trigger{'s' if len(missing) != 1 else ''} "
                          f"{', '.join(missing)} {'are' if len(missing) != 1 else 'is'} missing or disabled: "
                          "events could be changed or removed.",
                      "Create it again (SQL in saferplaces/apps/audit/triggers.py), run `saferplaces audit "
                      "verify`, and give the app a database account that does not own the tables."))
    return found

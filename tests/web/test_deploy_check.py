"""``saferplaces check --deploy`` in a fresh process: clean with production settings, and each
insecure setting fails it with a warning naming the environment variable to change.

Production settings here: a random secret key of 50+ characters, debug off, the site's host name,
HTTPS on (two-factor sign-in is on by default).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from tests.process import environment

PRODUCTION = {
    "SAFERPLACES_SECRET_KEY": secrets.token_urlsafe(50),
    "SAFERPLACES_DEBUG": "false",
    "SAFERPLACES_ALLOWED_HOSTS": "saferplaces.example.gov.uk",
    "SAFERPLACES_HTTPS": "true",
}


def run(home: Path, *args: str, **settings: str | None) -> subprocess.CompletedProcess[str]:
    """``args`` (a ``saferplaces`` command, or ``-c CODE``) in a fresh process with the production
    settings changed by ``settings`` (None: not set at all, so the built-in default applies)."""
    env = environment(home)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' module, never in production
    for name in ("SAFERPLACES_REQUIRE_2FA", "SAFERPLACES_PUBLIC_SITE", "SAFERPLACES_BEHIND_PROXY",
                 "SAFERPLACES_TILE_URL", "SAFERPLACES_HSTS_SECONDS"):
        env.pop(name, None)
    for name, value in {**PRODUCTION, **settings}.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    command = list(args) if args[0] == "-c" else ["-m", "saferplaces.cli", *args]
    return subprocess.run([sys.executable, *command], env=env, cwd=home, capture_output=True,
                          text=True, timeout=120)


def test_production_settings_pass_every_deployment_check(tmp_path):
    done = run(tmp_path, "check", "--deploy")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_a_plain_check_passes_on_a_laptop_with_the_defaults(tmp_path):
    done = run(tmp_path, "check", **{name: None for name in PRODUCTION})
    assert done.returncode == 0, done.stdout + done.stderr


INSECURE = {
    "built-in secret key": ({"SAFERPLACES_SECRET_KEY": None},
                            ["SAFERPLACES_SECRET_KEY", "saferplaces.W001", "security.W009"]),
    "short secret key": ({"SAFERPLACES_SECRET_KEY": "too-short-to-be-safe"}, ["security.W009", "SECRET_KEY"]),
    "debug on": ({"SAFERPLACES_DEBUG": "true"}, ["SAFERPLACES_DEBUG", "security.W018"]),
    "any host name": ({"SAFERPLACES_ALLOWED_HOSTS": "*"}, ["SAFERPLACES_ALLOWED_HOSTS", "saferplaces.W003"]),
    "this machine only": ({"SAFERPLACES_ALLOWED_HOSTS": None}, ["SAFERPLACES_ALLOWED_HOSTS", "saferplaces.W004"]),
    "HTTPS off": ({"SAFERPLACES_HTTPS": "false"},
                  ["SAFERPLACES_HTTPS", "security.W004", "security.W008", "security.W012", "security.W016"]),
    "two-factor sign-in off": ({"SAFERPLACES_REQUIRE_2FA": "false"}, ["SAFERPLACES_REQUIRE_2FA"]),
    "public site without HTTPS": ({"SAFERPLACES_PUBLIC_SITE": "true", "SAFERPLACES_HTTPS": "false"},
                                  ["SAFERPLACES_PUBLIC_SITE", "saferplaces.W007"]),
    "tiles over plain HTTP": ({"SAFERPLACES_TILE_URL": "http://tiles.example.org/{z}/{x}/{y}.png"},
                              ["SAFERPLACES_TILE_URL"]),
    "proxy without HTTPS": ({"SAFERPLACES_BEHIND_PROXY": "true", "SAFERPLACES_HTTPS": "false"},
                            ["SAFERPLACES_BEHIND_PROXY"]),
}


@pytest.mark.parametrize("case", sorted(INSECURE))
def test_each_insecure_setting_fails_the_check_naming_it(case, tmp_path):
    changed, named = INSECURE[case]
    done = run(tmp_path, "check", "--deploy", **changed)
    printed = done.stdout + done.stderr
    assert done.returncode != 0, printed
    for name in named:
        assert name in printed
    assert "Not ready for a shared deployment" in printed
    assert "Traceback" not in printed


SHOW_SETTINGS = """
import json
from saferplaces.web import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER")}))
"""


def test_https_turns_on_secure_cookies_redirect_and_a_year_of_hsts(tmp_path):
    shown = json.loads(run(tmp_path, "-c", SHOW_SETTINGS).stdout)
    assert shown == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
                     "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                     "SECURE_PROXY_SSL_HEADER": None}


def test_without_https_nothing_insists_on_it(tmp_path):
    shown = json.loads(run(tmp_path, "-c", SHOW_SETTINGS, SAFERPLACES_HTTPS="false",
                           SAFERPLACES_BEHIND_PROXY="true").stdout)
    assert shown["SECURE_HSTS_SECONDS"] == 0
    assert not shown["SESSION_COOKIE_SECURE"] and not shown["SECURE_SSL_REDIRECT"]
    assert shown["SECURE_PROXY_SSL_HEADER"] is None  # a proxy header is trusted only with HTTPS on


def test_behind_a_proxy_its_https_header_is_trusted(tmp_path):
    shown = json.loads(run(tmp_path, "-c", SHOW_SETTINGS, SAFERPLACES_BEHIND_PROXY="true",
                           SAFERPLACES_HSTS_SECONDS="600").stdout)
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SECURE_HSTS_SECONDS"] == 600

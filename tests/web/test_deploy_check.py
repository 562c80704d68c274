"""``saferplaces check --deploy`` in a fresh process: clean with production settings, and each
insecure setting fails it with a warning naming the environment variable to change.

Production settings here: a random secret key of 50+ characters, debug off, the site's host name,
HTTPS on (two-factor sign-in is on by default), and PostgreSQL: a throwaway cluster this module
starts (``.ci/postgres.sh``), with the schema (and so the audit triggers) in place.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.process import environment

REPOSITORY = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "SAFERPLACES_SECRET_KEY": secrets.token_urlsafe(50),
    "SAFERPLACES_DEBUG": "false",
    "SAFERPLACES_ALLOWED_HOSTS": "saferplaces.example.gov.uk",
    "SAFERPLACES_HTTPS": "true",
}


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """The DATABASE_URL of a throwaway PostgreSQL cluster, migrated; stopped and removed after."""
    if not any(Path(d).glob("initdb") for d in os.environ.get("PATH", "").split(os.pathsep)) and not list(
            Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL server binaries are not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="saferplaces-deploy-pg-")
    started = subprocess.run(["bash", str(REPOSITORY / ".ci" / "postgres.sh"), folder, str(port)],
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stdout + started.stderr
    exports = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines())
    try:
        url = exports["DATABASE_URL"]
        migrated = run(Path(folder), "audit", "verify", DATABASE_URL=url)
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        yield url
    finally:
        subprocess.run([*exports["SAFERPLACES_PG_CTL"].strip("'").split(), "stop", "-m", "fast"],
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def production(postgres, tmp_path):
    """``run`` with the production settings and the PostgreSQL database."""
    return lambda *args, **settings: run(tmp_path, *args, **{"DATABASE_URL": postgres, **settings})


def run(home: Path, *args: str, **settings: str | None) -> subprocess.CompletedProcess[str]:
    """``args`` (a ``saferplaces`` command, or ``-c CODE``) in a fresh process with the production
    settings changed by ``settings`` (None: not set at all, so the built-in default applies)."""
    env = environment(home)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' module, never in production
    for name in ("SAFERPLACES_REQUIRE_2FA", "SAFERPLACES_PUBLIC_SITE", "SAFERPLACES_BEHIND_PROXY",
                 "SAFERPLACES_TILE_URL", "SAFERPLACES_HSTS_SECONDS", "SAFERPLACES_LOCKOUT_FAILURES",
                 "SAFERPLACES_LOCKOUT_MINUTES", "SAFERPLACES_PASSWORD_MIN_LENGTH",
                 "SAFERPLACES_SESSION_IDLE_MINUTES", "SAFERPLACES_SESSION_MAX_HOURS",
                 "SAFERPLACES_SENSITIVE_CATEGORIES_FILE"):
        env.pop(name, None)
    for name, value in {**PRODUCTION, **settings}.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    command = list(args) if args[0] == "-c" else ["-m", "saferplaces.cli", *args]
    return subprocess.run([sys.executable, *command], env=env, cwd=home, capture_output=True,
                          text=True, timeout=120)


def test_production_settings_pass_every_deployment_check(production):
    done = production("check", "--deploy")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_settings_with_the_strictest_accepted_values_pass(production):
    done = production("check", "--deploy", SAFERPLACES_LOCKOUT_FAILURES="3", SAFERPLACES_LOCKOUT_MINUTES="15",
                      SAFERPLACES_SESSION_IDLE_MINUTES="60", SAFERPLACES_SESSION_MAX_HOURS="24",
                      SAFERPLACES_BEHIND_PROXY="true",
                      SAFERPLACES_ALLOWED_HOSTS="saferplaces.example.gov.uk,intranet.example.gov.uk")
    assert done.returncode == 0, done.stdout + done.stderr


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
    "lockout after too many failures": ({"SAFERPLACES_LOCKOUT_FAILURES": "100000"},
                                        ["SAFERPLACES_LOCKOUT_FAILURES", "saferplaces.W010"]),
    "lockout off": ({"SAFERPLACES_LOCKOUT_FAILURES": "0"}, ["SAFERPLACES_LOCKOUT_FAILURES"]),
    "lockout after too few failures": ({"SAFERPLACES_LOCKOUT_FAILURES": "2"}, ["SAFERPLACES_LOCKOUT_FAILURES"]),
    "short lockout": ({"SAFERPLACES_LOCKOUT_MINUTES": "1"}, ["SAFERPLACES_LOCKOUT_MINUTES", "saferplaces.W011"]),
    "short passwords": ({"SAFERPLACES_PASSWORD_MIN_LENGTH": "1"},
                        ["SAFERPLACES_PASSWORD_MIN_LENGTH", "saferplaces.W012"]),
    "long idle sessions": ({"SAFERPLACES_SESSION_IDLE_MINUTES": "1000000"},
                           ["SAFERPLACES_SESSION_IDLE_MINUTES", "saferplaces.W013"]),
    "long sessions": ({"SAFERPLACES_SESSION_MAX_HOURS": "100000"},
                      ["SAFERPLACES_SESSION_MAX_HOURS", "saferplaces.W014"]),
    "short HSTS": ({"SAFERPLACES_HSTS_SECONDS": "1"}, ["SAFERPLACES_HSTS_SECONDS", "saferplaces.W015"]),
    "every subdomain of a domain": ({"SAFERPLACES_ALLOWED_HOSTS": ".gov.uk"},
                                    ["SAFERPLACES_ALLOWED_HOSTS", "saferplaces.W016"]),
    "a subdomain wildcard beside a host name": (
        {"SAFERPLACES_ALLOWED_HOSTS": "saferplaces.example.gov.uk,.example.gov.uk"},
        ["SAFERPLACES_ALLOWED_HOSTS", "saferplaces.W016"]),
    "a repetitive secret key": ({"SAFERPLACES_SECRET_KEY": "abcdef" * 10},
                                ["SAFERPLACES_SECRET_KEY", "saferplaces.W017"]),
    "a secret key of few characters": ({"SAFERPLACES_SECRET_KEY": "ab12C" * 11 + "abcdefghij"},
                                       ["SAFERPLACES_SECRET_KEY", "saferplaces.W017"]),
    "SQLite": ({"DATABASE_URL": None}, ["DATABASE_URL", "PostgreSQL", "saferplaces.W018"]),
}


@pytest.mark.parametrize("case", sorted(INSECURE))
def test_each_insecure_setting_fails_the_check_naming_it(case, production):
    changed, named = INSECURE[case]
    done = production("check", "--deploy", **changed)
    printed = done.stdout + done.stderr
    assert done.returncode != 0, printed
    for name in named:
        assert name in printed
    assert "Not ready for a shared deployment" in printed
    assert "Traceback" not in printed
    if case != "SQLite":
        assert "saferplaces.W018" not in printed  # each case fails for its own reason


def test_django_already_warns_of_a_short_key_so_ours_stays_quiet(production):
    done = production("check", "--deploy", SAFERPLACES_SECRET_KEY="too-short-to-be-safe")
    printed = done.stdout + done.stderr
    assert "security.W009" in printed and "saferplaces.W017" not in printed


def test_a_sensitive_categories_file_with_no_categories_fails_the_check(production, tmp_path):
    (tmp_path / "sensitive.toml").write_text('[[flag]]\nname = "domestic"\nreason = "r"\nsource = "s"\n',
                                            encoding="utf-8")
    done = production("check", "--deploy", SAFERPLACES_SENSITIVE_CATEGORIES_FILE="sensitive.toml")
    printed = done.stdout + done.stderr
    assert done.returncode != 0 and "SAFERPLACES_SENSITIVE_CATEGORIES_FILE" in printed, printed
    assert "saferplaces.W019" in printed


def test_missing_audit_triggers_fail_the_check_naming_them(tmp_path):
    assert run(tmp_path, "audit", "verify", DATABASE_URL=None).returncode == 0  # makes the store
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        db.execute("DROP TRIGGER audit_auditevent_no_delete")
    done = run(tmp_path, "check", "--deploy", DATABASE_URL=None)
    printed = done.stdout + done.stderr
    assert done.returncode != 0
    assert "saferplaces.W020" in printed and "audit_auditevent_no_delete" in printed
    assert "audit_auditevent_no_update" not in printed


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

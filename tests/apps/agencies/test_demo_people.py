"""The demo's people: synthetic agencies, one account per role, a fresh password and a working
authenticator set-up printed every run; ``--no-2fa`` only where nobody else can reach the site."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferplaces.apps.agencies.access import capabilities
from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.commands.demo_people import DEMO_AGENCIES, make_demo_people, print_demo_people
from tests.process import environment, ok

ROLES = {"demo-viewer": "viewer", "demo-practitioner": "practitioner", "demo-case-manager": "case_manager",
         "demo-analyst": "analyst", "demo-coordinator": "coordinator", "demo-administrator": "administrator"}


def code_for(secret: str) -> str:
    """The code an authenticator app shows now for a base32 key (RFC 6238, 30 s, 6 digits)."""
    return f"{TOTP(b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"


def test_the_demo_makes_synthetic_agencies_and_an_account_per_role(db):
    accounts = {account.username: account for account in make_demo_people()}
    assert set(Agency.objects.filter(synthetic=True).values_list("name", flat=True)) == {
        name for name, _ in DEMO_AGENCIES.values()}
    assert all("(synthetic)" in name for name, _ in DEMO_AGENCIES.values())
    for username, role in ROLES.items():
        assert Membership.objects.get(user__username=username).role == role
        assert get_user_model().objects.get(username=username).check_password(accounts[username].password)
    assert {a.username for a in accounts.values() if a.intelligence} == {"demo-analyst", "demo-coordinator"}
    assert "intelligence.view" in capabilities(get_user_model().objects.get(username="demo-analyst"))
    assert "intelligence.view" not in capabilities(get_user_model().objects.get(username="demo-viewer"))
    site_admins = get_user_model().objects.filter(is_superuser=True).values_list("username", flat=True)
    assert list(site_admins) == ["demo-site-admin"]


def test_each_printed_authenticator_key_gives_codes_the_stored_device_accepts(db, capsys):
    accounts = make_demo_people()
    print_demo_people(accounts, "http://127.0.0.1:8000/")
    printed = capsys.readouterr().out
    for account in accounts:
        secret = re.search(rf"{account.username}:.*?authenticator key\s+(\S+)", printed, re.S).group(1)
        assert f"secret={secret}" in printed
        device = TOTPDevice.objects.get(user__username=account.username, confirmed=True)
        assert device.verify_token(code_for(secret)), account.username


def test_every_run_gives_new_passwords_and_keys_and_the_old_ones_stop_working(db):
    first = {a.username: a for a in make_demo_people()}
    second = {a.username: a for a in make_demo_people()}
    analyst = get_user_model().objects.get(username="demo-analyst")
    assert first["demo-analyst"].password != second["demo-analyst"].password
    assert not analyst.check_password(first["demo-analyst"].password)
    assert first["demo-analyst"].totp_secret != second["demo-analyst"].totp_secret
    assert TOTPDevice.objects.filter(user=analyst).count() == 1
    assert Agency.objects.filter(synthetic=True).count() == len(DEMO_AGENCIES)


def test_a_demo_analyst_from_before_agencies_joins_the_demo_constabulary(db):
    earlier = Agency.objects.create(name="Partnership (users from before agencies)", kind="other")
    user = get_user_model().objects.create_user("demo-analyst", is_active=False)
    Membership.objects.create(user=user, agency=earlier, role="viewer")
    make_demo_people()
    user.refresh_from_db()
    assert user.is_active
    assert (user.membership.agency.name, user.membership.role) == ("Demo Constabulary (synthetic)", "analyst")


def test_without_two_factor_no_keys_are_made_or_printed(db, capsys):
    accounts = make_demo_people(two_factor=False)
    print_demo_people(accounts, "http://127.0.0.1:8000/")
    assert "authenticator key" not in capsys.readouterr().out
    assert not TOTPDevice.objects.exists()


# --- in a fresh process ---------------------------------------------------------------------------

@pytest.mark.slow
def test_no_2fa_is_refused_when_other_machines_could_reach_the_site(tmp_path):
    env_home = tmp_path
    done = subprocess.run([sys.executable, "-m", "saferplaces.cli", "demo", "--no-serve", "--no-2fa"],
                          env={**environment(env_home), "SAFERPLACES_ALLOWED_HOSTS": "127.0.0.1,csp.example.org"},
                          cwd=env_home, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "--no-2fa is for a demo on this machine only" in done.stderr and "csp.example.org" in done.stderr
    assert not (env_home / "store.sqlite3").exists()  # refused before anything was made


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_demo_with_no_2fa_serves_pages_that_say_so(tmp_path):
    ok("generate", str(tmp_path / "town"), "--scale", "0.05", "--months", "13", home=tmp_path)
    port = free_port()
    demo = subprocess.Popen([sys.executable, "-m", "saferplaces.cli", "demo", "--dir", str(tmp_path / "town"),
                             "--port", str(port), "--no-2fa"], env=environment(tmp_path), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError as exc:
                if demo.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"demo did not serve: {demo.stdout.read() if demo.stdout else ''}") from exc
                time.sleep(1)
        assert "Two-factor sign-in is off: local demo only" in page
        assert 'id="synthetic-data-banner"' in page
    finally:
        demo.terminate()
        printed = demo.communicate(timeout=60)[0]
    assert "Two-factor sign-in is off for this run" in printed and "authenticator key" not in printed
    listed = ok("users", "list", home=tmp_path)
    assert all(username in listed for username in ROLES)

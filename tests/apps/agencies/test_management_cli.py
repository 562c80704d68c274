"""``saferplaces agency`` and ``saferplaces users`` as someone looking after the server types
them: each in a fresh process with its own store, checked by what it printed and what a later
process finds."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.process import environment, ok, saferplaces, with_migrated_store

pytestmark = pytest.mark.slow


def python(code: str, home: Path) -> str:
    """Run ``code`` with Django set up on ``home``'s store, in a fresh process."""
    prelude = "from saferplaces.commands.common import setup_django\nsetup_django()\n"
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], env=environment(home),
                          cwd=home, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def add_without_terminal(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "saferplaces.cli", "users", "add", *args],
                          env=environment(home), cwd=home, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


def row_of(table: str, username: str) -> list[str]:
    """The cells of ``username``'s row in a printed table."""
    line = next(line for line in table.splitlines() if f" {username} " in line)
    return [cell.strip() for cell in line.strip().strip("│").split("│")]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    with_migrated_store(tmp_path)
    ok("agency", "add", "Essex Police", "--kind", "police", home=tmp_path)
    return tmp_path


def test_agency_add_and_list(home):
    printed = ok("agency", "add", "Colchester City Council", "--kind", "council", home=home)
    assert "Added agency Colchester City Council (council)" in printed
    listed = ok("agency", "list", home=home)
    assert "Essex Police" in listed and "Colchester City Council" in listed and "council" in listed


def test_agency_add_refuses_a_taken_name_and_an_unknown_kind(home):
    taken = saferplaces("agency", "add", "ESSEX POLICE", "--kind", "police", home=home)
    assert taken.returncode == 1 and "There is already an agency called Essex Police" in taken.stderr
    unknown = saferplaces("agency", "add", "Army", "--kind", "army", home=home)
    assert unknown.returncode == 2 and "youth_justice" in unknown.stderr


def test_users_add_without_a_terminal_prints_a_generated_password_once_and_it_signs_in(home):
    done = add_without_terminal(home, "alice", "--agency", "essex police", "--role", "analyst", "--intelligence")
    assert done.returncode == 0, done.stderr
    assert "Added alice: Analyst in Essex Police, restricted intelligence" in done.stdout
    assert "No terminal to ask for a password, so one was generated" in done.stdout
    lines = done.stdout.splitlines()
    password = lines[lines.index(next(line for line in lines if "generated" in line)) + 1].strip()
    assert python(f"""
        from django.contrib.auth import authenticate
        from django.test import RequestFactory
        print(authenticate(RequestFactory().post("/"), username="alice", password={password!r}))
    """, home).strip() == "alice"


def test_users_add_with_a_password_says_so_and_refuses_a_weak_one(home):
    weak = saferplaces("users", "add", "bob", "--agency", "Essex Police", "--role", "viewer",
                       "--password", "short", home=home)
    assert weak.returncode == 1 and "too short" in weak.stderr and "Traceback" not in weak.stderr
    printed = ok("users", "add", "bob", "--agency", "Essex Police", "--role", "viewer",
                 "--password", "a-long-passphrase-1", home=home)
    assert "with the password given" in printed and "a-long-passphrase-1" not in printed


def test_users_add_names_the_agencies_when_one_is_unknown(home):
    done = saferplaces("users", "add", "carol", "--agency", "Kent Police", "--role", "viewer",
                       "--password", "a-long-passphrase-1", home=home)
    assert done.returncode == 1 and "There is no agency called Kent Police (agencies: Essex Police)" in done.stderr


def test_users_add_again_changes_the_role_but_moves_to_another_agency_only_with_move(home):
    ok("agency", "add", "Colchester City Council", "--kind", "council", home=home)
    ok("users", "add", "dave", "--agency", "Essex Police", "--role", "viewer", "--password", "a-long-passphrase-1",
       home=home)
    printed = ok("users", "add", "DAVE", "--agency", "Essex Police", "--role", "analyst", home=home)
    assert "Updated dave: Analyst in Essex Police (password unchanged)" in printed
    refused = saferplaces("users", "add", "dave", "--agency", "Colchester City Council", "--role", "coordinator",
                          home=home)
    assert refused.returncode == 1
    assert "dave already has an account in Essex Police: add --move to move them" in refused.stderr
    assert row_of(ok("users", "list", home=home), "dave")[1:3] == ["Essex Police", "analyst"]
    printed = ok("users", "add", "dave", "--agency", "Colchester City Council", "--role", "coordinator", "--move",
                 home=home)
    assert "Updated dave: Co-ordinator in Colchester City Council (password unchanged)" in printed


def test_users_add_of_a_disabled_account_says_to_enable_it(home):
    ok("users", "add", "gina", "--agency", "Essex Police", "--role", "viewer", "--password", "a-long-passphrase-1",
       home=home)
    ok("users", "disable", "gina", home=home)
    refused = saferplaces("users", "add", "gina", "--agency", "Essex Police", "--role", "analyst", home=home)
    assert refused.returncode == 1
    assert "gina's account is disabled; enable it with `saferplaces users enable gina`" in refused.stderr
    assert "Enabled gina: they can sign in again" in ok("users", "enable", "GINA", home=home)
    assert row_of(ok("users", "list", home=home), "gina")[5] == "yes"


def test_users_unlock_lifts_a_lockout(home):
    ok("users", "add", "hal", "--agency", "Essex Police", "--role", "viewer", "--password", "a-long-passphrase-1",
       home=home)
    assert "hal was not locked" in ok("users", "unlock", "hal", home=home)
    python("""
        from django.contrib.auth import authenticate
        from django.test import RequestFactory
        for _ in range(5):
            authenticate(RequestFactory().post("/accounts/login/"), username="hal", password="a wrong guess")
        from saferplaces.apps.accounts.lockout import is_locked
        assert is_locked("hal")
    """, home)
    assert "Unlocked hal: they can sign in again now" in ok("users", "unlock", "HAL", home=home)
    assert python("""
        from saferplaces.apps.accounts.lockout import is_locked
        from saferplaces.apps.audit.models import AuditEvent
        event = AuditEvent.objects.order_by("-sequence").first()
        print(is_locked("hal"), event.changed_fields, event.reason)
    """, home).strip() == "False ['lockout'] saferplaces command line"


def test_agency_reactivate_brings_a_deactivated_agency_back(home):
    python("""
        from saferplaces.apps.agencies import services
        services.deactivate_agency(services.agency_named("Essex Police"))
    """, home)
    assert "Reactivated Essex Police: its members can work again" in ok("agency", "reactivate", "essex police",
                                                                        home=home)
    assert "Essex Police was already active" in ok("agency", "reactivate", "Essex Police", home=home)
    unknown = saferplaces("agency", "reactivate", "Kent Police", home=home)
    assert unknown.returncode == 1 and "There is no agency called Kent Police" in unknown.stderr


def test_users_list_disable_and_reset_2fa(home):
    ok("users", "add", "erin", "--agency", "Essex Police", "--role", "case_manager",
       "--password", "a-long-passphrase-1", home=home)
    python("""
        from django.contrib.auth import get_user_model
        from saferplaces.apps.accounts.services import provision_totp
        provision_totp(get_user_model().objects.get(username="erin"))
    """, home)
    assert row_of(ok("users", "list", home=home), "erin") == [
        "erin", "Essex Police", "case_manager", "no", "yes", "yes", "no"]
    assert "Reset two-factor sign-in for erin" in ok("users", "reset-2fa", "erin", home=home)
    assert "Disabled erin" in ok("users", "disable", "erin", home=home)
    assert row_of(ok("users", "list", home=home), "erin")[-4:] == ["no", "no", "no", "no"]
    assert python("""
        from saferplaces.apps.audit.models import AuditEvent
        print(sorted(AuditEvent.objects.filter(object_type="user").values_list("action", flat=True)))
        print(set(AuditEvent.objects.filter(object_type="user").values_list("reason", flat=True)))
    """, home).strip() == "['2fa-reset', 'create', 'update']\n{'saferplaces command line'}"


@pytest.mark.parametrize("command", ["disable", "enable", "reset-2fa", "unlock"])
def test_users_commands_on_nobody_are_an_error(home, command):
    done = saferplaces("users", command, "nobody", home=home)
    assert done.returncode == 1 and "There is no user called nobody" in done.stderr


def test_users_commands_find_an_account_whatever_its_capitals(home):
    ok("users", "add", "ivy", "--agency", "Essex Police", "--role", "viewer", "--password", "a-long-passphrase-1",
       home=home)
    assert "Reset two-factor sign-in for ivy" in ok("users", "reset-2fa", "IVY", home=home)
    assert "Disabled ivy" in ok("users", "disable", "Ivy", home=home)
    taken = saferplaces("users", "add", "IVY", "--agency", "Essex Police", "--role", "viewer", home=home)
    assert taken.returncode == 1 and "ivy's account is disabled" in taken.stderr


def test_users_add_makes_a_site_administrator_only_when_asked(home):
    ok("users", "add", "frank", "--agency", "Essex Police", "--role", "administrator", "--site-admin",
       "--password", "a-long-passphrase-1", home=home)
    assert row_of(ok("users", "list", home=home), "frank")[-1] == "yes"

"""Every command as a user types it: a fresh ``saferplaces`` process on a small synthetic town.

In-process CLI tests share the test runner's Django set-up, so they hide start-up faults such as a
command importing the store's models before Django is configured. These run each command in its
own process, with its own SQLite file, and check the exit code and what it printed.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import click
import pytest

from saferplaces.cli import main
from tests.process import environment, saferplaces

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A small synthetic town (a fifth of Colchester's volume), generated and loaded by the CLI."""
    home = tmp_path_factory.mktemp("town")
    generated = saferplaces("generate", str(home / "files"), "--seed", "5", "--scale", "0.2", home=home)
    assert generated.returncode == 0, generated.stderr
    loaded = saferplaces("demo", "--dir", str(home / "files"), "--no-serve", home=home)
    assert loaded.returncode == 0, loaded.stderr
    truth = json.loads((home / "files" / "ground_truth.json").read_text(encoding="utf-8"))
    return {"home": home, "files": home / "files", "truth": truth, "demo": loaded.stdout}


def run_ok(town: dict, *args: str) -> str:
    result = saferplaces(*args, home=town["home"])
    assert result.returncode == 0, f"saferplaces {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    printed = result.stdout + result.stderr
    assert printed.strip(), f"saferplaces {' '.join(args)} printed nothing"
    return printed


def command_paths(group: click.Group = main, prefix: tuple[str, ...] = ()) -> set[str]:
    """Every leaf command of the CLI, as the words a user types (``ingest police-uk``)."""
    paths: set[str] = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            paths |= command_paths(command, (*prefix, name))
        else:
            paths.add(" ".join((*prefix, name)))
    return paths


COVERED = {
    "generate", "demo", "ingest police-uk", "ingest csv", "areas import", "status", "trends", "evaluate",
    "hotspots", "near-repeat", "assess", "deep-dive", "monitor", "street-weeks", "serve", "worker",
    "users add", "users list", "users disable", "users reset-2fa", "users enable", "users unlock",
    "agency add", "agency list", "agency reactivate",
    "agency token add", "agency token revoke", "agency token list",
    "audit verify", "audit export", "check",
    "sar", "retention review", "retention delete",
    "reminders",
    "repeats holder", "repeats propose",  # their own fresh-process tests: tests/apps/repeats/test_cli.py
    "case-review figures",  # its fresh-process test: tests/apps/casereview/test_reviews.py
    "briefing",  # its fresh-process test: tests/apps/hiddenharms/test_briefing_command.py
    "intelligence import",  # its fresh-process test: tests/apps/intelligence/test_import.py
    "areas names",  # its fresh-process test: tests/apps/incidents/test_area_names.py
}


def test_every_command_has_a_fresh_process_test():
    assert command_paths() == COVERED


@pytest.mark.parametrize("command", sorted(COVERED))
def test_help_of_every_command_starts_in_a_fresh_process(command, tmp_path):
    result = saferplaces(*command.split(), "--help", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_demo_loaded_the_town_and_status_reports_it(town):
    data = json.loads(run_ok(town, "status", "--json"))
    assert data["synthetic"] is True
    assert data["incidents"]["by_source"]["police-uk"] > 1000
    assert "incidents" in run_ok(town, "status")


def test_ingest_of_a_loaded_police_uk_month_adds_nothing(town):
    month = sorted((town["files"] / "police-uk").iterdir())[0]
    printed = run_ok(town, "ingest", "police-uk", str(month))
    assert "total" in printed


def test_ingest_csv_of_a_loaded_partner_file_adds_nothing(town):
    printed = run_ok(town, "ingest", "csv", "--mapping", "fire-deliberate",
                     str(town["files"] / "partner" / "fire-deliberate.csv"))
    assert "total" in printed


def test_areas_import_reassigns_the_town_centre(town):
    printed = run_ok(town, "areas", "import", str(town["files"] / "areas" / "town-centre.geojson"),
                     "--kind", "town-centre")
    assert "incident-area links" in printed


def test_trends_runs_in_a_fresh_process(town):
    assert "Trends to" in run_ok(town, "trends")


def test_evaluate_runs_in_a_fresh_process_on_the_planted_operation(town):
    operation = town["truth"]["operation"]
    before = operation["suggested_before_period"]
    printed = run_ok(town, "evaluate", "--treatment", operation["neighbourhood_code"],
                     "--control", operation["control_neighbourhood_code"],
                     "--before", f"{before['start'][:7]}..{before['end'][:7]}",
                     "--after", f"{operation['start'][:7]}..{operation['end'][:7]}")
    assert "WDD total" in printed


def test_hotspots_gistar_and_kde_write_their_files(town):
    run_ok(town, "hotspots", "--method", "gistar", "--out", str(town["home"] / "gi.geojson"))
    run_ok(town, "hotspots", "--method", "kde", "--out", str(town["home"] / "kde.csv"))
    assert (town["home"] / "gi.geojson").stat().st_size > 0
    assert (town["home"] / "kde.csv").stat().st_size > 0


def test_near_repeat_runs_in_a_fresh_process(town):
    run_ok(town, "near-repeat", "--distance-bands", "0,100,200", "--time-bands", "0,7,14", "--iterations", "19")


def test_assess_writes_its_json_report_and_the_editable_word_version(town):
    import docx

    printed = run_ok(town, "assess", "--out", str(town["home"] / "report"), "--format", "json,docx")
    assert list((town["home"] / "report").glob("*.json"))
    (word,) = (town["home"] / "report").glob("*-panel.docx")
    assert f"Written {word}" in " ".join(printed.split())
    header = [p.text for p in docx.Document(str(word)).sections[0].header.paragraphs]
    assert header[0] == "OFFICIAL-SENSITIVE" and "SYNTHETIC DATA" in header


def test_deep_dive_monitor_and_street_weeks_run_in_fresh_processes(town):
    run_ok(town, "deep-dive", "police-uk:burglary", "--out", str(town["home"] / "dd"))
    run_ok(town, "monitor")
    run_ok(town, "street-weeks")


def test_agency_add_and_list_in_fresh_processes(town):
    assert "Added agency Essex Police (police)" in run_ok(town, "agency", "add", "Essex Police", "--kind", "police")
    listed = run_ok(town, "agency", "list")
    assert "Essex Police" in listed and "Demo Constabulary (synthetic)" in listed


def test_agency_token_add_list_and_revoke_in_fresh_processes(town):
    agency = "Demo Borough Council (synthetic)"
    made = run_ok(town, "agency", "token", "add", agency, "--name", "ASB log", "--scope",
                  "incidents.push", "--mapping", "council-asb", "--days", "30")
    assert f'"ASB log" for {agency}: incidents.push' in made
    key = re.search(r"^(sps_\S+)$", made, re.M).group(1)
    live = textwrap.dedent(f"""
        from saferplaces.commands.common import setup_django
        setup_django()
        from saferplaces.apps.agencies.service_tokens import find_live_token
        print("live" if find_live_token({key!r}) else "refused")
    """)
    def state() -> str:
        done = subprocess.run([sys.executable, "-c", live], env=environment(town["home"]), cwd=town["home"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()
    assert state() == "live"
    listed = run_ok(town, "agency", "token", "list", agency)
    assert "ASB log" in listed and "working" in listed and key not in listed
    refused = saferplaces("agency", "token", "add", agency, "--name", "Other", "--scope", "cases.view",
                          "--mapping", "council-asb", home=town["home"])
    assert refused.returncode == 1 and "Unknown scope 'cases.view'" in refused.stderr
    assert "Revoked service token" in run_ok(town, "agency", "token", "revoke", agency, "--name", "ASB log")
    assert state() == "refused"
    assert "revoked" in run_ok(town, "agency", "token", "list")


def test_users_add_list_disable_and_reset_2fa_in_fresh_processes(town):
    added = saferplaces("users", "add", "co-ordinator", "--agency", "Demo Borough Council (synthetic)",
                        "--role", "coordinator", "--password", "a-long-passphrase-1", home=town["home"])
    assert added.returncode == 0, added.stderr
    row = next(line for line in run_ok(town, "users", "list").splitlines() if " co-ordinator " in line)
    assert "coordinator" in row and "Demo Borough Council" in row
    assert "Reset two-factor sign-in for demo-viewer" in run_ok(town, "users", "reset-2fa", "demo-viewer")
    assert "Disabled co-ordinator" in run_ok(town, "users", "disable", "co-ordinator")


def test_users_enable_unlock_and_agency_reactivate_in_fresh_processes(town):
    assert "Disabled demo-practitioner" in run_ok(town, "users", "disable", "demo-practitioner")
    assert "Enabled demo-practitioner" in run_ok(town, "users", "enable", "Demo-Practitioner")
    assert "demo-practitioner was not locked" in run_ok(town, "users", "unlock", "demo-practitioner")
    assert "Demo Probation Service (synthetic) was already active" in run_ok(
        town, "agency", "reactivate", "Demo Probation Service (synthetic)")


def test_demo_prints_an_authenticator_key_that_the_store_accepts(town):
    """The demo analyst's printed key gives a code that their stored device verifies, in another
    fresh process (django-otp's TOTP, RFC 6238)."""
    secret = re.search(r"demo-analyst:.*?authenticator key\s+(\S+)", town["demo"], re.S).group(1)
    check = textwrap.dedent(f"""
        from base64 import b32decode
        from saferplaces.commands.common import setup_django
        setup_django()
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice
        key = b32decode({secret!r} + "=" * (-len({secret!r}) % 8))
        device = TOTPDevice.objects.get(user__username="demo-analyst", confirmed=True)
        print(device.verify_token(TOTP(key).token()))
    """)
    done = subprocess.run([sys.executable, "-c", check], env=environment(town["home"]), cwd=town["home"],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "True", done.stderr


def test_audit_export_and_verify_in_fresh_processes(town):
    printed = run_ok(town, "audit", "export", "--out", str(town["home"] / "audit.csv"), "--action", "export")
    assert "Written" in printed and (town["home"] / "audit.csv").read_text(encoding="utf-8").startswith("sequence,")
    assert "Audit log intact:" in run_ok(town, "audit", "verify")


PLANT_CASES = textwrap.dedent("""
    import datetime
    from saferplaces.commands.common import setup_django
    setup_django()
    from saferplaces.apps.agencies.models import Agency
    from saferplaces.apps.cases.models import Case, Note, Party
    from saferplaces.apps.people.models import Person
    police = Agency.objects.create(name="Test Police", kind="police")
    def case(reference, closed):
        return Case.objects.create(reference=reference, case_type="repeat-asb", title="Noise",
                                   owner_agency=police, opened_on=closed - datetime.timedelta(days=90),
                                   status="closed", closed_on=closed)
    old, recent = case("ASB-2015-0901", datetime.date(2015, 2, 1)), case("ASB-2025-0902", datetime.date(2025, 2, 1))
    sam = Person.objects.create(owner_agency=police, given_name="Sam", family_name="Asker")
    pat = Person.objects.create(owner_agency=police, given_name="Pat", family_name="Neighbour",
                                date_of_birth=datetime.date(1970, 3, 3))
    for person, role in ((sam, "victim"), (pat, "alleged-perpetrator")):
        Party.objects.create(case=old, person=person, role=role)
    Party.objects.create(case=recent, person=sam, role="victim")
    Note.objects.create(case=old, agency=police, text="Pat Neighbour (born 3 March 1970) shouted at Sam")
    print(sam.pk)
""")


def test_sar_and_retention_review_and_delete_in_fresh_processes(tmp_path):
    planted = subprocess.run([sys.executable, "-c", PLANT_CASES], env=environment(tmp_path), cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
    assert planted.returncode == 0, planted.stderr
    sam = planted.stdout.strip()
    printed = saferplaces("sar", sam, "--out", str(tmp_path / "sar"), home=tmp_path)
    assert printed.returncode == 0, printed.stderr
    assert f"record {sam}'s subject access copy" in printed.stdout
    written = sorted(path.suffix for path in (tmp_path / "sar").iterdir())
    assert written == [".csv", ".json", ".pdf"]  # the draft and its review sheet
    copy = next((tmp_path / "sar").glob("*.json")).read_text(encoding="utf-8")
    assert "Sam" in copy and "Pat" not in copy and "Neighbour" not in copy and "1970" not in copy
    refused = saferplaces("sar", sam, "--out", str(tmp_path / "sar2"), "--unredacted", home=tmp_path)
    assert refused.returncode != 0 and "--reason" in refused.stderr
    review = saferplaces("retention", "review", home=tmp_path)
    assert review.returncode == 0, review.stderr
    assert "ASB-2015-0901" in review.stdout and "ASB-2025-0902" not in review.stdout
    early = saferplaces("retention", "delete", "ASB-2025-0902", "--reason", "Tidying up the old cases", home=tmp_path)
    assert early.returncode == 1 and "cannot be deleted before" in early.stderr
    deleted = saferplaces("retention", "delete", "ASB-2015-0901", "--reason", "Retention period ended", home=tmp_path)
    assert deleted.returncode == 0, deleted.stderr
    assert "Deleted ASB-2015-0901: 1 note, 1 person held only in it" in deleted.stdout


def test_check_passes_and_the_deploy_check_fails_on_the_demo_settings_naming_them(town):
    assert "no issues" in run_ok(town, "check")
    result = saferplaces("check", "--deploy", home=town["home"])
    assert result.returncode != 0
    assert "SAFERPLACES_SECRET_KEY" in result.stdout + result.stderr


def test_worker_batch_runs_waiting_jobs_and_stops(town):
    result = saferplaces("worker", "--batch", home=town["home"], timeout=120)
    assert result.returncode == 0, result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_on_its_port_in_a_fresh_process(town):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "saferplaces.cli", "serve", "--port", str(port),
                               "--no-worker"], env=environment(town["home"]), cwd=town["home"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    printed = server.stdout.read() if server.stdout else ""
                    raise AssertionError(f"serve did not answer: {printed}") from exc
                time.sleep(0.5)
        assert "saferplaces" in page.lower()
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_reminders_on_a_fresh_store_sends_none_and_says_so(tmp_path):
    # the reminders themselves, on a store with tasks: tests/apps/workbench/test_reminders.py
    done = saferplaces("reminders", "--day", "2026-03-10", home=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = done.stdout
    assert "Reminders for 10 March 2026: 0 sent, 0 already sent that day" in printed

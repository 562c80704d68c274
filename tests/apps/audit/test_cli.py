"""``saferplaces audit verify`` and ``export`` in fresh processes, as an administrator runs them:
verify finds an event altered straight in the database file and names it."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from saferplaces.apps.audit.triggers import TABLE, drop_statements
from tests.process import ok, saferplaces, with_migrated_store


@pytest.fixture(autouse=True)
def _migrated_store(tmp_path: Path) -> None:
    """Each test's folder starts with a migrated, empty store (migrating costs seconds a process)."""
    with_migrated_store(tmp_path)


def export(home: Path, *args: str) -> list[dict[str, str]]:
    out = home / "audit.csv"
    ok("audit", "export", "--out", str(out), *args, home=home)
    with open(out, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_empty_log_is_intact(tmp_path):
    assert "Audit log intact: 0 events" in ok("audit", "verify", home=tmp_path)


def test_exports_are_recorded_and_the_log_verifies(tmp_path):
    first = export(tmp_path)
    assert first == []  # recorded once the file is written, so not in the file itself
    rows = export(tmp_path, "--action", "export")
    assert [row["sequence"] for row in rows] == ["1"]
    assert rows[0]["reason"] == "command line; filters: none"
    assert [row["reason"] for row in export(tmp_path, "--action", "export")][0] == (
        "command line; filters: action=export")
    printed = ok("audit", "verify", home=tmp_path)
    assert "Audit log intact: 3 events" in printed
    assert "Last event's hash: " in printed


def test_an_export_to_a_folder_that_does_not_exist_fails_and_is_not_recorded(tmp_path):
    target = tmp_path / "no-such-folder" / "audit.csv"
    done = saferplaces("audit", "export", "--out", str(target), home=tmp_path)
    printed = done.stdout + done.stderr
    assert done.returncode != 0, printed
    assert "Traceback" not in printed
    assert "no-such-folder" in printed and "does not exist" in printed
    assert not target.parent.exists()
    assert "Audit log intact: 0 events" in ok("audit", "verify", home=tmp_path)


def test_an_export_leaves_no_partial_file_beside_the_one_written(tmp_path):
    export(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir() if "audit" in path.name) == ["audit.csv"]


def test_verify_names_an_event_altered_behind_the_apps_back_and_exits_1(tmp_path):
    for _ in range(4):
        export(tmp_path)
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        for statement in drop_statements("sqlite"):
            db.execute(statement)
        db.execute(f"UPDATE {TABLE} SET reason = 'nothing happened' WHERE sequence = 3")
    done = saferplaces("audit", "verify", home=tmp_path)
    assert done.returncode == 1
    printed = done.stdout + done.stderr
    assert "Audit log broken at event 3 (" in printed
    assert "altered" in printed and "The 2 events before it check out" in printed


def test_the_triggers_refuse_a_plain_update_of_the_file(tmp_path):
    export(tmp_path)
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        try:
            db.execute(f"DELETE FROM {TABLE}")
        except sqlite3.DatabaseError as exc:
            assert "append-only" in str(exc)
        else:
            raise AssertionError("the audit table let a row be deleted")
    assert "Audit log intact: 1 event" in ok("audit", "verify", home=tmp_path)


def test_verify_names_a_missing_trigger_and_exits_1_though_the_chain_checks(tmp_path):
    export(tmp_path)
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        db.execute("DROP TRIGGER audit_auditevent_insert_in_order")
    done = saferplaces("audit", "verify", home=tmp_path)
    printed = done.stdout + done.stderr
    assert done.returncode == 1, printed
    assert "Audit log intact: 1 event" in printed
    assert "audit_auditevent_insert_in_order" in printed and "missing" in printed
    assert "audit_auditevent_no_update" not in printed


def test_the_triggers_refuse_replacing_an_event_in_the_file(tmp_path):
    export(tmp_path)
    export(tmp_path)
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        try:
            db.execute(f"REPLACE INTO {TABLE} SELECT * FROM {TABLE} WHERE sequence = 1")
        except sqlite3.DatabaseError as exc:
            assert "append-only" in str(exc)
        else:
            raise AssertionError("the audit table let a row be replaced")
    assert "Audit log intact: 2 events" in ok("audit", "verify", home=tmp_path)


def test_export_refuses_an_unknown_action_and_agency(tmp_path):
    wrong = saferplaces("audit", "export", "--out", str(tmp_path / "x.csv"), "--action", "peek", home=tmp_path)
    assert wrong.returncode == 2 and "'peek' is not one of" in wrong.stderr
    nowhere = saferplaces("audit", "export", "--out", str(tmp_path / "x.csv"), "--agency", "Atlantis",
                          home=tmp_path)
    assert nowhere.returncode == 2 and "no agency is called 'Atlantis'" in nowhere.stderr


def test_export_refuses_a_user_nobody_is_called(tmp_path):
    export(tmp_path)
    nobody = saferplaces("audit", "export", "--out", str(tmp_path / "x.csv"), "--user", "nobody",
                         home=tmp_path)
    assert nobody.returncode == 2 and "no user named 'nobody'" in nobody.stderr
    assert not (tmp_path / "x.csv").exists()
    assert "Audit log intact: 1 event" in ok("audit", "verify", home=tmp_path)

"""``saferplaces sar`` (draft, then the reviewed release) and ``saferplaces retention delete``
(no personal data left in the SQLite files) in fresh processes, as an operator runs them."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.process import environment, ok, saferplaces

#: Words that exist only in the planted case: after deletion they must be nowhere on disk.
PLANTED_WORDS = ("Quokkafield", "Zanzibar-lantern-7731", "QX9 9QQ")

PLANT = textwrap.dedent("""
    import datetime
    from saferplaces.commands.common import setup_django
    setup_django()
    from saferplaces.apps.agencies.models import Agency
    from saferplaces.apps.cases.models import Case, Note, Party
    from saferplaces.apps.people.models import Address, Person
    police = Agency.objects.create(name="Test Police", kind="police")
    old = Case.objects.create(reference="ASB-2015-0901", case_type="repeat-asb", title="Noise",
                              owner_agency=police, opened_on=datetime.date(2014, 11, 1),
                              status="closed", closed_on=datetime.date(2015, 2, 1))
    sam = Person.objects.create(owner_agency=police, given_name="Sam", family_name="Asker")
    pat = Person.objects.create(owner_agency=police, given_name="Pat", family_name="Quokkafield",
                                notes="Zanzibar-lantern-7731 " * 40)
    Address.objects.create(person=pat, text="1 Hidden Row", postcode="QX9 9QQ")
    Party.objects.create(case=old, person=sam, role="victim")
    Party.objects.create(case=old, person=pat, role="alleged-perpetrator")
    first = Note.objects.create(case=old, agency=police,
                                text="Pat Quokkafield shouted. Zanzibar-lantern-7731 " * 30)
    second = Note.objects.create(case=old, agency=police, text="Sam says the police told him a "
                                 "secret source saw it.")
    print(sam.pk, first.pk, second.pk)
""")


def plant(home: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PLANT], env=environment(home), cwd=home,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def on_disk(home: Path) -> bytes:
    """The store's bytes: the database file and its write-ahead log, if any."""
    return b"".join(path.read_bytes() for path in home.glob("store.sqlite3*") if path.is_file())


def test_sar_writes_a_draft_and_a_review_sheet_then_the_reviewed_release(tmp_path):
    sam, first, second = plant(tmp_path)
    printed = ok("sar", sam, "--out", str(tmp_path / "draft"), home=tmp_path)
    assert "DRAFT" in printed and "--release" in printed
    names = sorted(path.name for path in (tmp_path / "draft").iterdir())
    assert [name.rsplit("-", 1)[-1] for name in names] == ["draft.json", "draft.pdf",
                                                           "review.csv"]
    draft = next((tmp_path / "draft").glob("*.json")).read_text(encoding="utf-8")
    assert "secret source" in draft and "Quokkafield" not in draft
    sheet = next((tmp_path / "draft").glob("*.csv"))
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    assert {row["item"] for row in rows} == {f"note-{first}", f"note-{second}"}
    for row in rows:
        row["decision"] = "withhold" if row["item"] == f"note-{second}" else "disclose"
        row["exemption"] = "crime" if row["item"] == f"note-{second}" else ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(out.getvalue(), encoding="utf-8")

    released = ok("sar", sam, "--out", str(tmp_path / "release"), "--release", str(sheet),
                  home=tmp_path)
    assert "released after review" in released and "withheld 1 item" in released
    names = sorted(path.suffix for path in (tmp_path / "release").iterdir())
    assert names == [".json", ".pdf"]
    copy = next((tmp_path / "release").glob("*.json")).read_text(encoding="utf-8")
    assert "secret source" not in copy and "Schedule 2, Part 1, paragraph 2" in copy

    rows[0]["decision"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(out.getvalue(), encoding="utf-8")
    refused = saferplaces("sar", sam, "--out", str(tmp_path / "refused"), "--release",
                          str(sheet), home=tmp_path)
    assert refused.returncode != 0 and "no decision" in refused.stderr
    assert not (tmp_path / "refused").exists() or not any((tmp_path / "refused").iterdir())


#: Plant the case, then delete it in the same process (as a long-running web server would,
#: with the write-ahead log still open) on a connection whose secure_delete is off (as SQLite
#: builds without SQLITE_SECURE_DELETE start), and print which planted words are on disk.
DELETE = PLANT + textwrap.dedent("""
    import sys
    from pathlib import Path
    from django.db import connection
    from saferplaces.apps.dataprotection.retention import delete_case
    def on_disk():
        raw = b"".join(p.read_bytes() for p in Path.cwd().glob("store.sqlite3*") if p.is_file())
        return [w for w in ("Quokkafield", "Zanzibar-lantern-7731", "QX9 9QQ") if w.encode() in raw]
    print("before:", on_disk())
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete=OFF")
    if sys.argv[1] == "plain":
        Case.objects.filter(pk=old.pk).delete()
        Person.objects.filter(pk__in=[sam.pk, pat.pk]).delete()
    else:
        delete_case(old, reason="Retention period ended", today=datetime.date(2026, 6, 1))
    print("after:", on_disk())
""")


def words_on_disk(home: Path, how: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", DELETE, how], env=environment(home), cwd=home,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    return lines[1], lines[2]


def test_a_plain_delete_leaves_the_planted_text_in_the_files_so_the_check_can_fail(tmp_path):
    before, after = words_on_disk(tmp_path, "plain")
    for word in PLANTED_WORDS:
        assert word in before and word in after, word


def test_retention_deletion_leaves_no_planted_text_in_the_database_or_its_log(tmp_path):
    before, after = words_on_disk(tmp_path, "retention")
    assert "Quokkafield" in before and "Zanzibar-lantern-7731" in before and "QX9 9QQ" in before
    assert after == "after: []"
    wal = tmp_path / "store.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_retention_command_deletes_in_a_fresh_process(tmp_path):
    plant(tmp_path)
    printed = ok("retention", "delete", "ASB-2015-0901", "--reason", "Retention period ended",
                 home=tmp_path)
    assert "Deleted ASB-2015-0901" in printed
    after = on_disk(tmp_path)
    for word in PLANTED_WORDS:
        assert word.encode() not in after, word

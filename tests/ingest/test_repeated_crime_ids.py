"""A Crime ID repeated within one police.uk file: identical rows are one crime published twice
(loaded once, counted); rows that differ cannot both be right (refused, naming the rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplaces.ingest import policeuk
from saferplaces.ingest.errors import IngestError
from tests.conftest import COLCHESTER_ROWS, write_police_csv


def parse(tmp_path: Path, rows: list[list[str]], **options) -> policeuk.ParsedFile:
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    return policeuk.parse(path.read_bytes(), "2024-03-essex-street.csv", **options)


def test_identical_rows_of_one_crime_id_are_loaded_once_and_counted(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows.insert(2, list(rows[0]))  # police.uk published the shoplifting twice
    parsed = parse(tmp_path, rows)
    assert parsed.repeats == 1 and len(parsed.frame) == len(COLCHESTER_ROWS)
    assert parsed.frame["source_ref"].tolist().count("a" * 64) == 1
    assert parsed.problems == []


def test_identical_asb_rows_are_still_separate_incidents(tmp_path):
    parsed = parse(tmp_path, [list(r) for r in COLCHESTER_ROWS])  # rows 2 and 3: identical ASB
    assert parsed.repeats == 0
    assert (parsed.frame["category"] == "Anti-social behaviour").sum() == 2


def test_rows_of_one_crime_id_that_differ_reject_the_file_naming_every_row(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows.append(list(rows[0]))
    rows[-1][10] = "Offender given a caution"
    with pytest.raises(IngestError) as caught:
        parse(tmp_path, rows)
    problems = caught.value.problems
    assert [(p.row, p.line, p.column) for p in problems] == [(1, 2, "Crime ID"), (6, 7, "Crime ID")]
    assert "is also on row(s) 6 with different values (first difference: 'Last outcome category')" in \
        problems[0].reason
    assert "which row is right cannot be told" in problems[1].reason


def test_skip_invalid_sets_aside_every_row_of_a_contested_crime_id(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows += [list(rows[0]), list(rows[0])]
    rows[-1][6] = "On or near Queen Street"  # two identical, one different: all three contested
    parsed = parse(tmp_path, rows, skip_invalid=True)
    assert sorted(p.row for p in parsed.problems) == [1, 6, 7]
    assert "a" * 64 not in set(parsed.frame["source_ref"]) and parsed.repeats == 0
    assert len(parsed.frame) == len(COLCHESTER_ROWS) - 1


def test_a_row_bad_for_another_reason_does_not_contest_its_crime_id(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows.append(list(rows[0]))
    rows[-1][9] = "Not a crime type"
    parsed = parse(tmp_path, rows, skip_invalid=True)
    assert [(p.row, p.column) for p in parsed.problems] == [(6, "Crime type")]
    assert "a" * 64 in set(parsed.frame["source_ref"])

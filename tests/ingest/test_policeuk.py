"""Reading police.uk street-level files: formats, oddities of real files, and clear rejections."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from saferplaces.ingest import policeuk
from saferplaces.ingest.errors import IngestError
from tests.conftest import COLCHESTER_ROWS, REAL_POLICE_UK, write_police_csv


def parse_rows(tmp_path: Path, rows: list[list[str]], **kwargs) -> policeuk.ParsedFile:
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    return policeuk.parse(path.read_bytes(), str(path), **kwargs)


def test_real_west_yorkshire_month_loads_every_row():
    parsed = policeuk.parse(REAL_POLICE_UK.read_bytes(), str(REAL_POLICE_UK))
    assert parsed.rows_read == 27176
    assert len(parsed.frame) == 27176
    assert not parsed.problems
    assert parsed.frame["source_ref"].is_unique
    assert parsed.frame["category"].nunique() == 14
    no_location = parsed.frame["lat"].isna()
    assert no_location.sum() == 1347  # "No Location" rows are kept without coordinates
    assert (parsed.frame.loc[no_location, "location"] == "").all()
    assert (parsed.frame["precision"] == "month").all()


def test_identical_asb_rows_get_distinct_stable_identities(tmp_path):
    first = parse_rows(tmp_path, COLCHESTER_ROWS).frame
    second = parse_rows(tmp_path, COLCHESTER_ROWS).frame
    asb = first[first["category"] == "Anti-social behaviour"]["source_ref"]
    assert asb.nunique() == 2
    assert list(first["source_ref"]) == list(second["source_ref"])


def test_crime_id_is_the_identity_of_a_crime(tmp_path):
    frame = parse_rows(tmp_path, COLCHESTER_ROWS).frame
    assert frame.loc[0, "source_ref"] == "a" * 64


def test_coordinates_are_projected_to_british_national_grid(tmp_path):
    frame = parse_rows(tmp_path, COLCHESTER_ROWS).frame
    assert 599_000 < frame.loc[0, "x"] < 601_000
    assert 224_000 < frame.loc[0, "y"] < 226_000


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (1, "2024-13", "not a month"),
        (4, "not-a-longitude", "not a number"),
        (4, "200.0", "outside -180..180"),
        (9, "", "is empty"),
        (9, "Jaywalking", "not a police.uk crime type"),
    ],
)
def test_a_bad_value_names_file_row_and_column(tmp_path, column, value, reason):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[2][column] = value
    with pytest.raises(IngestError) as caught:
        parse_rows(tmp_path, rows)
    message = str(caught.value)
    assert "2024-03-essex-street.csv" in message
    assert "row 3 (line 4)" in message
    assert f"column '{policeuk.COLUMNS[column]}'" in message
    assert reason in message


def test_non_utf8_bytes_are_rejected_with_their_line(tmp_path):
    path = write_police_csv(tmp_path / "f.csv", COLCHESTER_ROWS)
    data = path.read_bytes().replace(b"Bromley Road", b"Br\xf6mley Road")
    with pytest.raises(IngestError) as caught:
        policeuk.parse(data, "f.csv")
    assert "row 5 (line 6)" in str(caught.value)
    assert "UTF-8" in str(caught.value)
    assert "column 'Location'" in str(caught.value)


def test_truncated_last_line_is_rejected(tmp_path):
    path = write_police_csv(tmp_path / "f.csv", COLCHESTER_ROWS)
    data = path.read_bytes()
    truncated = data[: data.rfind(b",On or near Bromley")]
    with pytest.raises(IngestError) as caught:
        policeuk.parse(truncated, "f.csv")
    assert "row 5 (line 6)" in str(caught.value)
    assert "cut short" in str(caught.value)


def test_missing_column_rejects_the_file(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Crime ID,Month\n,2024-01\n", encoding="utf-8")
    with pytest.raises(IngestError, match="Longitude"):
        policeuk.parse(path.read_bytes(), str(path))


def test_skip_invalid_keeps_good_rows_and_lists_bad_ones(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[1][1] = "March"
    parsed = parse_rows(tmp_path, rows, skip_invalid=True)
    assert len(parsed.frame) == len(rows) - 1
    assert [(p.row, p.column) for p in parsed.problems] == [(2, "Month")]


def test_byte_order_mark_and_quoted_commas_are_accepted(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[0][6] = "On or near Queen Street, Colchester"
    path = write_police_csv(tmp_path / "f.csv", rows)
    parsed = policeuk.parse(b"\xef\xbb\xbf" + path.read_bytes(), "f.csv")
    assert parsed.frame.loc[0, "location"] == "On or near Queen Street, Colchester"


def test_discover_finds_files_in_folders_and_zip_archives(tmp_path, small_police_file):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(small_police_file, "2024-03/2024-03-essex-street.csv")
        handle.writestr("2024-03/2024-03-essex-outcomes.csv", "ignored")
    found = list(policeuk.discover([tmp_path]))
    assert sorted((Path(f.path).name, f.member) for f in found) == [
        ("2024-03-essex-street.csv", None),
        ("download.zip", "2024-03/2024-03-essex-street.csv"),
    ]
    member = next(f for f in found if f.member)
    assert member.read_bytes() == small_police_file.read_bytes()

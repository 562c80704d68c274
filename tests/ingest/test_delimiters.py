"""Files separated by semicolons, tabs or vertical bars: read with their separator, or refused
naming it, never reported as "column missing" (police.uk, mapped partner CSVs, ``--input``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from saferplaces.ingest import policeuk
from saferplaces.ingest.csvtext import (
    check_field_counts,
    decode,
    detect_delimiter,
    read_text_frame,
    read_text_table,
)
from saferplaces.ingest.errors import IngestError
from saferplaces.ingest.mapped import load_mapping, parse_mapped
from saferplaces.ingest.policeuk import COLUMNS
from tests.conftest import COLCHESTER_ROWS
from tests.process import saferplaces

CASE = Path(__file__).parents[1] / "data" / "cases" / "semicolon-delimiter" / "asb-semicolon.csv"


def police_csv(delimiter: str, rows: list[list[str]] = COLCHESTER_ROWS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_semicolon_council_export_is_loaded_by_the_ingest_command(tmp_path):
    done = saferplaces("ingest", "csv", "--mapping", "council-asb", str(CASE), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "missing" not in done.stdout + done.stderr
    status = saferplaces("status", "--json", home=tmp_path)
    assert '"council-asb": 2' in status.stdout


def test_the_semicolon_council_export_keeps_the_quoted_semicolon_in_the_address():
    mapping = load_mapping("council-asb")
    parsed = parse_mapped(CASE.read_bytes(), CASE.name, mapping)
    assert len(parsed.frame) == 2 and not parsed.problems
    assert parsed.frame["location"].tolist()[0] == "1 Example Road; Colchester"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"], ids=["semicolon", "tab", "bar"])
def test_a_police_uk_file_with_another_separator_reads_as_the_comma_file_does(delimiter):
    expected = policeuk.parse(police_csv(","), "2024-03-essex-street.csv").frame
    parsed = policeuk.parse(police_csv(delimiter), "2024-03-essex-street.csv").frame
    assert parsed.drop(columns=["source_ref"], errors="ignore").equals(
        expected.drop(columns=["source_ref"], errors="ignore"))
    # the outcome text holds a semicolon: read as one field in every case
    assert parsed["outcome"].iloc[0] == "Investigation complete; no suspect identified"


SEPARATED = {
    "semicolons with a quoted semicolon": 'a;b;c\n1;"x;y";3\n4;5;6\n',
    "semicolons with a quoted line break": 'a;b;c\n1;"x\ny";3\n4;5;6\n',
    "semicolons, commas inside fields": "a;b;c\n1,5;2,5;3\n",
    "tabs with a line of spaces": "a\tb\tc\n1\t2\t3\n   \n4\t5\t6\n",
    "vertical bars, windows line ends": "a|b|c\r\n1|2|3\r\n",
    "byte order mark": "\ufeffa;b;c\n1;2;3\n",
}


@pytest.mark.parametrize("text", SEPARATED.values(), ids=SEPARATED.keys())
def test_fast_reader_and_pandas_agree_on_other_separators(text):
    data = text.encode("utf-8")
    table = read_text_table(data, "f.csv")
    expected = read_text_frame(decode(data, "f.csv"))
    assert table.header == ("a", "b", "c") == tuple(expected.columns)
    assert table.num_rows == len(expected)
    for name in expected.columns:
        assert table.columns[name].to_pylist() == expected[name].tolist(), name


def test_comma_stays_the_separator_when_it_ties_or_wins():
    assert detect_delimiter("a,b,c") == ","
    assert detect_delimiter("a;b,c;d,e") == ","  # 3 fields at commas, 3 at semicolons
    assert detect_delimiter("Easting, BNG;Northing, BNG;Category;Date") == ";"
    assert detect_delimiter("single column") == ","


def test_a_header_two_other_separators_split_alike_is_refused_naming_both():
    with pytest.raises(IngestError) as caught:
        read_text_table(b"a;b|c\n1;2|3\n", "f.csv")
    message = str(caught.value)
    assert "semicolons (;)" in message and "vertical bars (|)" in message
    assert "line 1" in message


def test_a_short_row_in_a_semicolon_file_names_the_separator():
    text = "a;b;c\n1;2;3\n4;5\n"
    with pytest.raises(IngestError) as careful:
        check_field_counts(text, "f.csv", 3)
    with pytest.raises(IngestError) as fast:
        read_text_table(text.encode("utf-8"), "f.csv")
    assert str(fast.value) == str(careful.value)
    assert "line 3" in str(fast.value) and "separated by semicolons" in str(fast.value)


def test_a_bad_byte_in_a_semicolon_file_names_its_column():
    data = "a;b;c\n1;x\xe9;3\n".encode("latin-1")
    with pytest.raises(IngestError) as caught:
        decode(data, "f.csv")
    assert caught.value.problems[0].column == "b"


def test_hotspots_reads_a_semicolon_points_file(tmp_path):
    points = tmp_path / "points.csv"
    rows = [f"{599000 + 37 * (i % 20)};{225000 + 53 * (i // 20)}" for i in range(200)]
    points.write_text("easting;northing\n" + "\n".join(rows) + "\n", encoding="utf-8")
    done = saferplaces("hotspots", "--method", "kde", "--input", str(points), "--x-col", "easting",
                       "--y-col", "northing", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Top cells by kernel density" in done.stdout

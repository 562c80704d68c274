"""The fast CSV reader (pyarrow) against pandas and the careful line-by-line checker."""

from __future__ import annotations

import numpy as np
import pytest

from saferplaces.ingest import policeuk
from saferplaces.ingest.csvtext import check_field_counts, decode, read_text_frame, read_text_table
from saferplaces.ingest.errors import IngestError
from tests.conftest import COLCHESTER_ROWS, write_police_csv

HEADER = "a,b,c\n"

AWKWARD_BUT_VALID = {
    "quoted commas": HEADER + '1,"x, y",3\n4,5,6\n',
    "quoted line break": HEADER + '1,"x\ny",3\n4,5,6\n',
    "doubled quotes": HEADER + '1,"say ""hi""",3\n',
    "windows line ends": "a,b,c\r\n1,2,3\r\n4,5,6\r\n",
    "old mac line ends": "a,b,c\r1,2,3\r4,5,6\r",
    "blank lines": HEADER + "1,2,3\n\n\n4,5,6\n",
    "lines of spaces and tabs": HEADER + "1,2,3\n \t \n4,5,6\n",
    "no final line end": HEADER + "1,2,3",
    "non-ascii": HEADER + "1,Bromley Road – Colchester ☂,3\n",
    "unicode line separator in a field": HEADER + "1,x\u2028y\x0cz\x85w,3\n",
    "empty fields": HEADER + ",,\n",
    "spaces kept": HEADER + " 1 , 2 ,3 \n",
    "header names padded": " a , b ,c\n1,2,3\n",
    "byte order mark": "\ufeffa,b,c\n1,2,3\n",
}


@pytest.mark.parametrize("text", AWKWARD_BUT_VALID.values(), ids=AWKWARD_BUT_VALID.keys())
def test_fast_reader_gives_the_same_text_as_pandas(text):
    data = text.encode("utf-8")
    table = read_text_table(data, "f.csv")
    expected = read_text_frame(decode(data, "f.csv"))  # pandas' C reader, every field as text
    assert table.header == tuple(expected.columns)
    assert table.num_rows == len(expected)
    for name in expected.columns:
        assert table.columns[name].to_pylist() == expected[name].tolist(), name


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "1,2,3\n4,5\n",  # cut short
        HEADER + "1,2,3\n4,5,6,7\n",  # extra field
        HEADER + '1,"x\ny",3\n\n4,5\n',  # after a quoted line break and a blank line
        HEADER + "1,2,3\n\x0c\n",  # a form feed is not a blank line for pandas
        HEADER + '1, "a,b",3\n',  # a quote after a space does not start a quoted field
    ],
)
def test_fast_reader_rejects_a_bad_row_with_the_careful_checkers_message(text):
    with pytest.raises(IngestError) as careful:
        check_field_counts(text, "f.csv", 3)
    with pytest.raises(IngestError) as fast:
        read_text_table(text.encode("utf-8"), "f.csv")
    assert str(fast.value) == str(careful.value)


def test_line_numbers_count_blank_lines_and_quoted_line_breaks():
    text = HEADER + '1,"x\ny",3\n\n  \n4,5,6\n'
    table = read_text_table(text.encode("utf-8"), "f.csv")
    assert table.num_rows == 2
    assert table.line_numbers().tolist() == [2, 6]


def test_unicode_line_separators_inside_a_location_are_kept(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[1][6] = "On or near High\u2028Street\x0c"
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    parsed = policeuk.parse(path.read_bytes(), str(path))
    assert parsed.frame.loc[1, "location"] == "On or near High\u2028Street\x0c"
    assert check_field_counts(decode(path.read_bytes(), "f"), "f", 12).tolist() == [2, 3, 4, 5, 6]


def test_a_file_with_only_a_header_has_no_rows(tmp_path):
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", [])
    parsed = policeuk.parse(path.read_bytes(), str(path))
    assert parsed.rows_read == 0 and parsed.frame.empty and not parsed.problems
    assert parsed.frame["lat"].dtype == np.float64
    assert str(parsed.frame["month"].dtype) == "datetime64[us]"


def test_old_mac_line_ends_load_like_windows_ones(tmp_path):
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", COLCHESTER_ROWS)
    windows = path.read_bytes()
    assert b"\r\n" in windows
    mac = policeuk.parse(windows.replace(b"\r\n", b"\r"), "f.csv").frame
    assert mac.equals(policeuk.parse(windows, "f.csv").frame)


def test_a_bad_value_after_a_quoted_line_break_names_its_physical_line(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[0][11] = "first line\nsecond line"
    rows[3][1] = "2024-3"
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    with pytest.raises(IngestError, match=r"row 4 \(line 6\), column 'Month'"):
        policeuk.parse(path.read_bytes(), str(path))

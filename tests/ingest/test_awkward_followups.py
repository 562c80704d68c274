"""Follow-ups to awkward real-world inputs at ingest: numbers in the wrong units, files that are
not CSV text, saferplaces' own rejects files, and police.uk rows that disagree with their file."""

from __future__ import annotations

import pytest

from saferplaces.ingest import mapped, policeuk
from saferplaces.ingest.errors import IngestError
from tests.conftest import COLCHESTER_ROWS, write_police_csv

ASB_HEADER = "case_ref,reported_at,category,address,complainant_ref,description,easting,northing"


def parse_asb(*rows: str) -> mapped.MappedFile:
    data = ("\n".join([ASB_HEADER, *rows]) + "\n").encode()
    return mapped.parse_mapped(data, "asb.csv", mapped.load_mapping("council-asb"), skip_invalid=True)


# -- British National Grid partner files ---------------------------------------------------------

def test_council_asb_rows_with_degrees_in_the_easting_and_northing_columns_are_refused():
    with pytest.raises(IngestError) as caught:
        mapped.parse_mapped(("\n".join([ASB_HEADER, "ASB-1,05/03/2024 21:00,Noise,High St,C1,loud,0.9012,51.8931"])
                             + "\n").encode(), "asb.csv", mapped.load_mapping("council-asb"))
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1, "easting")
    assert problem.reason == "0.9012, 51.8931 look like longitude/latitude in degrees, not metres"


def test_council_asb_rows_with_truncated_grid_numbers_are_refused_as_at_sea_with_no_areas_loaded():
    parsed = parse_asb("ASB-1,05/03/2024 21:00,Noise,High St,C1,loud,599500,225300",
                       "ASB-2,05/03/2024 21:00,Noise,High St,C2,loud,5995,2255")
    assert len(parsed.frame) == 1
    [problem] = parsed.problems
    assert problem.row == 2
    assert "open sea south-west of the Isles of Scilly" in problem.reason and "5995, 2255" in problem.reason


def test_council_asb_rows_off_the_grid_are_still_refused():
    parsed = parse_asb("ASB-1,05/03/2024 21:00,Noise,High St,C1,loud,-5,225300",
                       "ASB-2,05/03/2024 21:00,Noise,High St,C2,loud,599500,1300001",
                       "ASB-3,05/03/2024 21:00,Noise,Hugh Town,C3,loud,90800,10500")  # Isles of Scilly
    assert [p.row for p in parsed.problems] == [1, 2]
    assert len(parsed.frame) == 1


# -- files that are not CSV UTF-8 text -----------------------------------------------------------

MAC_ROMAN = ("case_ref,reported_at,category,address,complainant_ref,description,easting,northing\r"
             "ASB-1,05/03/2024 21:00,Noise,Caf\u00e9 Rouge,C1,loud,599500,225300\r").encode("mac_roman")


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(IngestError) as caught:
        mapped.parse_mapped(data, name, mapped.load_mapping("council-asb"))
    return str(caught.value)


def test_an_old_mac_csv_with_an_accent_is_refused_as_not_utf8_with_cr_only_lines():
    message = refusal(MAC_ROMAN, "asb-mac.csv")
    assert message.startswith("asb-mac.csv")
    assert "is not valid UTF-8 text" in message and "lines end in CR only" in message


def test_a_police_uk_file_from_a_mac_is_refused_too():
    data = (",".join(policeuk.COLUMNS) + "\r" + "x,2024-03,Essex Police,Essex Police,0.9,51.9,"
            "On or near Caf\u00e9,E01021923,Colchester 010A,Burglary,,\r").encode("mac_roman")
    with pytest.raises(IngestError, match="2024-03-essex-street.csv.*not valid UTF-8.*CR only"):
        policeuk.parse(data, "2024-03-essex-street.csv")


@pytest.mark.parametrize(("data", "said"), [
    ("case_ref,category\nA,Noise\n".encode("utf-16"), "is UTF-16 text: save it as CSV UTF-8"),
    ("case_ref,category\nA,Noise\n".encode("utf-16-be").join([b"\xfe\xff", b""]),
     "is UTF-16 text: save it as CSV UTF-8"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
     "is an Excel workbook or zip archive, not a CSV file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "is a binary file, not CSV text"),
    (bytes(range(128, 256)) * 4 + b"\r\xff\r", "is not valid UTF-8 text"),
])
def test_files_that_are_not_csv_text_are_refused_saying_what_they_look_like(data, said):
    message = refusal(data, "export.csv")
    assert message.startswith("export.csv") and said in message


# -- police.uk rows that disagree with their file ------------------------------------------------

def test_a_police_uk_row_of_another_month_than_its_file_is_rejected_naming_both_months(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[2][1] = "2024-04"
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    parsed = policeuk.parse(path.read_bytes(), str(path), skip_invalid=True)
    [problem] = parsed.problems
    assert (problem.row, problem.column) == (3, "Month")
    assert problem.reason == ("is 2024-04, but the file's name 2024-03-essex-street.csv is for 2024-03: "
                              "each police.uk file holds one month")
    assert len(parsed.frame) == len(rows) - 1


def test_a_crime_type_in_other_capitals_is_read_as_the_police_uk_type(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[0][9], rows[4][9] = "SHOPLIFTING", "violence and  sexual offences "
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    parsed = policeuk.parse(path.read_bytes(), str(path))
    assert parsed.problems == []
    assert sorted(set(parsed.frame["category"])) == ["Anti-social behaviour", "Burglary", "Shoplifting",
                                                     "Violence and sexual offences"]

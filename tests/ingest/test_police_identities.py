"""police.uk identities stay what earlier releases stored, so re-ingesting adds nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from saferplaces.ingest import policeuk
from tests.conftest import COLCHESTER_ROWS, write_police_csv


def parse_rows(tmp_path: Path, rows: list[list[str]]) -> pd.DataFrame:
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    return policeuk.parse(path.read_bytes(), str(path)).frame


def test_asb_fingerprint_is_the_one_earlier_releases_stored(tmp_path):
    refs = parse_rows(tmp_path, COLCHESTER_ROWS)["source_ref"].tolist()
    # worked out with the first release's reader (whole-file hashing) and kept as a fixed value
    assert refs[1:3] == ["fp:404c156d73ab23e7d8068f635ac74bca", "fp:404c156d73ab23e7d8068f635ac74bca#1"]


def test_fingerprint_is_two_keyed_row_hashes_of_the_content_columns(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[2][6] = "On or near Queen Street"  # a second, different ASB row
    frame = parse_rows(tmp_path, rows)
    # oracle: pandas' row hashing over the raw text of the whole file, as first specified
    raw = pd.DataFrame(rows, columns=policeuk.COLUMNS, dtype="str")
    content = raw[list(policeuk.FINGERPRINT_COLUMNS)]
    high = pd.util.hash_pandas_object(content, index=False, hash_key="saferplaces-pol1").to_numpy()
    low = pd.util.hash_pandas_object(content, index=False, hash_key="saferplaces-pol2").to_numpy()
    expected = ["fp:" + f"{int(h):016x}" + f"{int(v):016x}" for h, v in zip(high, low, strict=True)]
    assert frame.loc[1, "source_ref"] == expected[1]
    assert frame.loc[2, "source_ref"] == expected[2]


def test_a_crime_id_repeated_on_identical_rows_is_one_crime(tmp_path):
    # unlike identical ASB rows (no Crime ID: separate incidents), a Crime ID names one crime
    rows = [list(r) for r in COLCHESTER_ROWS] + [list(COLCHESTER_ROWS[0]), list(COLCHESTER_ROWS[0])]
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    parsed = policeuk.parse(path.read_bytes(), str(path))
    refs = parsed.frame["source_ref"].tolist()
    assert refs[0] == "a" * 64 and refs.count("a" * 64) == 1
    assert (parsed.rows_read, len(refs), parsed.repeats) == (7, 5, 2)
    assert len(set(refs)) == len(refs)


def test_crime_id_that_looks_like_a_fingerprint_still_gets_its_own_identity(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows.append(list(rows[0]))
    rows[-1][0] = "fp:404c156d73ab23e7d8068f635ac74bca"  # the fingerprint of the ASB rows
    refs = parse_rows(tmp_path, rows)["source_ref"].tolist()
    assert refs[1] == "fp:404c156d73ab23e7d8068f635ac74bca"
    assert refs[2] == "fp:404c156d73ab23e7d8068f635ac74bca#1"
    assert refs[5] == "fp:404c156d73ab23e7d8068f635ac74bca#2"


@pytest.mark.parametrize("width", [5, 8, 64, 70])
def test_repeat_check_finds_one_repeat_among_many_ids(width):
    rng = np.random.default_rng(width)
    alphabet = np.array(list("0123456789abcdef"))
    ids = list(dict.fromkeys("".join(rng.choice(alphabet, width)) for _ in range(3000)))
    chunked = pa.chunked_array([ids[:1000], [""] * 7, ids[1000:]], type=pa.string())
    assert policeuk._all_distinct(chunked)
    repeated = pa.chunked_array([ids[:1000], ids[1500:1501], ids[1000:]], type=pa.string())
    assert not policeuk._all_distinct(repeated)
    ragged = pa.chunked_array([ids[:10], [ids[3][:-1], ids[3]]], type=pa.string())
    assert not policeuk._all_distinct(ragged)


def test_coordinates_are_read_as_pandas_reads_numbers(tmp_path):
    written = ["0.901", "0.9010", "+0.901", "9.01e-1", " 0.901 ", "0.90100000000000002"]
    rows = []
    for text in written:
        row = list(COLCHESTER_ROWS[0])
        row[0], row[4] = "", text
        rows.append(row)
    frame = parse_rows(tmp_path, rows)
    expected = pd.to_numeric(pd.Series([t.strip() for t in written], dtype="str")).to_numpy()
    assert np.array_equal(frame["lon"].to_numpy(), expected)
    assert frame["source_ref"].nunique() == len(written)  # the text differs, so the rows differ

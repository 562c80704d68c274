"""The store's column layout for normalised incidents, shared by every reader."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from saferplaces.analysis.frame import FLAG_COLUMNS

TEXT_COLUMNS = (
    "source", "source_ref", "category", "precision", "location", "lsoa_code", "lsoa_name",
    "outcome", "context", "reported_by", "falls_within", "victim_ref",
)
# text columns the database fills with "" when a file has nothing for them
TEXT_DEFAULTED = ("location", "lsoa_code", "lsoa_name", "outcome", "context", "reported_by",
                  "falls_within", "victim_ref")
FLOAT_COLUMNS = ("lat", "lon", "x", "y")
TIME_COLUMNS = ("month", "occurred")
STORE_COLUMNS = TEXT_COLUMNS + FLOAT_COLUMNS + TIME_COLUMNS + FLAG_COLUMNS

TEXT_LIMITS = {
    "source": 40, "source_ref": 100, "category": 100, "precision": 10, "location": 300,
    "lsoa_code": 12, "lsoa_name": 100, "outcome": 200, "reported_by": 100,
    "falls_within": 100, "victim_ref": 100,
}


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill any store column a reader did not provide, and order the columns."""
    out = frame.copy()
    n = len(out)
    for name in TEXT_COLUMNS:
        if name not in out:
            out[name] = ""
        out[name] = out[name].fillna("").astype(str)
    for name in FLOAT_COLUMNS:
        if name not in out:
            out[name] = float("nan")
        out[name] = out[name].astype(float)
    for name in FLAG_COLUMNS:
        if name not in out:
            out[name] = False
        out[name] = out[name].fillna(False).astype(bool)
    for name in TIME_COLUMNS:
        if name not in out:
            raise KeyError(f"reader did not provide {name!r}")
    assert len(out) == n
    return out.loc[:, list(STORE_COLUMNS)].reset_index(drop=True)


def arrow_strings(series: pd.Series) -> pa.ChunkedArray:
    """A text column as pyarrow strings (no copy when pandas already keeps it in pyarrow)."""
    text = pa.Table.from_pandas(series.to_frame(), preserve_index=False).column(0)
    return text if text.type == pa.string() else text.cast(pa.string())

"""A year and month alone is refused as a date (the day is unknown); ``2024-13`` is no month at all."""

from __future__ import annotations

import pandas as pd
import pytest

from saferplaces.ingest.datetext import parse_dates
from saferplaces.ingest.errors import IngestError


def reason(value: str) -> str:
    with pytest.raises(IngestError) as caught:
        parse_dates(pd.Series(["2024-06-01", value]), name="events.csv", column="date")
    return caught.value.problems[0].reason


def test_a_year_and_month_is_refused_because_the_day_is_unknown():
    assert reason("2024-06") == "has only a year and month: the day is unknown"


def test_a_thirteenth_month_is_refused_as_not_a_date_rather_than_as_a_month_without_a_day():
    text = reason("2024-13")
    assert "only a year and month" not in text
    assert "is not a date in the form YYYY-MM-DD" in text

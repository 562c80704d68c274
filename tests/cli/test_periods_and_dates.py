"""UK dates and month-only data as an analyst meets them on the command line, each command in a
fresh ``saferplaces`` process with its own SQLite file (the store test also runs on PostgreSQL
when ``DATABASE_URL`` is set)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.process import ok, saferplaces

CASES = Path(__file__).parents[1] / "data" / "cases"
DAY_BOUNDARY = CASES / "local-day-boundary"
MONTH_DATA = CASES / "month-data-day-periods"


def refused(*args: str, home: Path) -> str:
    result = saferplaces(*args, home=home)
    assert result.returncode != 0, f"saferplaces {' '.join(args)} was not refused:\n{result.stdout}"
    assert "WDD total" not in result.stdout
    return result.stdout + result.stderr


def import_hoods(folder: Path, home: Path) -> None:
    ok("areas", "import", str(folder / "hoods.geojson"), "--kind", "neighbourhood",
       "--code-field", "code", "--name-field", "name", home=home)


@pytest.fixture(scope="module")
def asb_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("asb")
    import_hoods(DAY_BOUNDARY, home)
    ok("ingest", "csv", "--mapping", "council-asb", str(DAY_BOUNDARY / "asb.csv"), home=home)
    return home


@pytest.fixture(scope="module")
def police_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("police")
    import_hoods(MONTH_DATA, home)
    ok("ingest", "police-uk", str(MONTH_DATA / "data"), home=home)
    return home


TREAT_CONTROL = ("--treatment", "N-TREAT", "--control", "N-CTRL")


def counts(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    return next(row for row in data["counts"] if row["category"] == "All") | {"_data": data}


# --- local dates ----------------------------------------------------------------------------------------


def test_the_0030_report_on_1_june_counts_in_june_uk_time(asb_store):
    out = asb_store / "day-boundary.json"
    printed = ok("evaluate", *TREAT_CONTROL, "--before", "2024-05-01..2024-05-31",
                 "--after", "2024-06-01..2024-06-30", "--source", "council-asb", "--out", str(out), home=asb_store)
    row = counts(out)
    assert (row["treatment_before"], row["treatment_after"]) == (3, 1)
    assert (row["control_before"], row["control_after"]) == (4, 4)
    assert "UK dates" in printed
    # the spurious "significant" fall came from counting the June report in May
    assert row["_data"]["etests"]["treatment"]["p_value"] > 0.05


def test_whole_month_periods_give_the_same_local_counts(asb_store):
    out = asb_store / "months.json"
    ok("evaluate", *TREAT_CONTROL, "--before", "2024-05..2024-05", "--after", "2024-06..2024-06",
       "--out", str(out), home=asb_store)
    row = counts(out)
    assert (row["treatment_before"], row["treatment_after"], row["control_before"], row["control_after"]) == (
        3, 1, 4, 4)


def test_a_period_written_day_first_or_month_first_is_refused(asb_store):
    printed = refused("evaluate", *TREAT_CONTROL, "--before", "01/05/2024..31/05/2024",
                      "--after", "2024-06-01..2024-06-30", home=asb_store)
    assert "--before" in printed and "'01/05/2024' is not a date YYYY-MM-DD" in printed


def test_an_impossible_date_in_a_period_is_refused(asb_store):
    printed = refused("evaluate", *TREAT_CONTROL, "--before", "2024-05-01..2024-05-31",
                      "--after", "2024-06-01..2024-06-31", home=asb_store)
    assert "'2024-06-31' is not a date" in printed


# --- month-only police.uk data ----------------------------------------------------------------------------


def test_mid_month_periods_on_police_uk_data_are_refused_naming_the_months(police_store):
    printed = refused("evaluate", *TREAT_CONTROL, "--before", "2024-05-15..2024-06-14",
                      "--after", "2024-06-15..2024-07-14", home=police_store)
    assert "police-uk data carry only the month" in printed
    assert "cuts May 2024 and June 2024" in printed and "cuts June 2024 and July 2024" in printed
    # widening these would make them overlap, so --whole-months is not offered
    assert "--whole-months" not in printed


def test_the_refusal_offers_whole_months_when_they_would_not_overlap(police_store):
    printed = refused("evaluate", *TREAT_CONTROL, "--before", "2024-05-10..2024-05-20",
                      "--after", "2024-07-03..2024-07-30", home=police_store)
    assert "before 2024-05..2024-05, after 2024-07..2024-07" in printed and "--whole-months" in printed


def test_whole_months_widens_the_periods_and_says_so(police_store):
    out = police_store / "widened.json"
    printed = ok("evaluate", *TREAT_CONTROL, "--before", "2024-05-10..2024-05-20",
                 "--after", "2024-07-03..2024-07-30", "--whole-months", "--out", str(out), home=police_store)
    assert "Periods widened to whole months: before 2024-05-01 to 2024-05-31, after 2024-07-01 to 2024-07-31" \
        in printed
    row = counts(out)
    assert (row["treatment_before"], row["treatment_after"], row["control_before"], row["control_after"]) == (
        10, 10, 10, 10)
    assert row["_data"]["before"] == ["2024-05-01", "2024-05-31"]
    assert any("widened to whole months" in note for note in row["_data"]["notes"])


def test_whole_months_that_would_overlap_are_refused(police_store):
    printed = refused("evaluate", *TREAT_CONTROL, "--before", "2024-05-15..2024-06-14",
                      "--after", "2024-06-15..2024-07-14", "--whole-months", home=police_store)
    assert "overlap once widened to whole months (both hold June 2024)" in printed


def test_whole_month_periods_count_police_uk_months(police_store):
    out = police_store / "months.json"
    ok("evaluate", *TREAT_CONTROL, "--before", "2024-05..2024-05", "--after", "2024-06..2024-07",
       "--out", str(out), home=police_store)
    row = counts(out)
    assert (row["treatment_before"], row["treatment_after"]) == (10, 20)


# --- dates in near-repeat --input files -------------------------------------------------------------------

EVENT_DAYS = [pd.Timestamp("2024-06-01") + pd.Timedelta(days=d) for d in (0, 2, 3, 9, 12, 15, 16, 20, 24, 27, 30, 33)]


def write_events(path: Path, dates: list[str]) -> Path:
    rows = [f"{599000 + 37 * i},{225000 + 53 * (i % 4)},{when}" for i, when in enumerate(dates)]
    path.write_text("x,y,date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def near_repeat_pairs(path: Path, home: Path, *extra: str) -> list:
    out = home / f"{path.stem}.json"
    ok("near-repeat", "--input", str(path), "--distance-bands", "0,100,200", "--time-bands", "0,7,14",
       "--iterations", "19", *extra, "--out", str(out), home=home)
    return [(c["distance_band"], c["time_band"], c["observed"]) for c in json.loads(out.read_text())["cells"]]


def test_near_repeat_reads_uk_day_first_dates_as_the_same_days_as_iso(tmp_path):
    iso = near_repeat_pairs(write_events(tmp_path / "iso.csv", [d.strftime("%Y-%m-%d") for d in EVENT_DAYS]),
                            tmp_path)
    uk = near_repeat_pairs(write_events(tmp_path / "uk.csv", [d.strftime("%d/%m/%Y") for d in EVENT_DAYS]),
                           tmp_path)
    us = near_repeat_pairs(write_events(tmp_path / "us.csv", [d.strftime("%m/%d/%Y") for d in EVENT_DAYS]),
                           tmp_path, "--date-format", "%m/%d/%Y")
    assert uk == iso == us


def test_near_repeat_refuses_a_column_of_mixed_us_and_uk_dates(tmp_path):
    dates = [d.strftime("%d/%m/%Y") for d in EVENT_DAYS]
    dates[5] = "06/13/2024"
    path = write_events(tmp_path / "mixed.csv", dates)
    result = saferplaces("near-repeat", "--input", str(path), "--iterations", "19", home=tmp_path)
    assert result.returncode != 0
    assert "mixed.csv, row 6" in result.stderr and "column 'date'" in result.stderr
    assert "'06/13/2024'" in result.stderr and "DD/MM/YYYY" in result.stderr


def test_near_repeat_refuses_rows_that_do_not_fit_the_date_format(tmp_path):
    path = write_events(tmp_path / "uk.csv", [d.strftime("%d/%m/%Y") for d in EVENT_DAYS])
    result = saferplaces("near-repeat", "--input", str(path), "--date-format", "%m/%d/%Y", "--iterations", "19",
                         home=tmp_path)
    assert result.returncode != 0
    assert "uk.csv, row 5" in result.stderr and "'13/06/2024'" in result.stderr


# --- the store hands analyses local times (SQLite, and PostgreSQL when DATABASE_URL is set) ------------


@pytest.mark.django_db(transaction=True)
def test_the_store_hands_analyses_the_uk_time_and_month_of_a_minute_report():
    from saferplaces.apps.incidents.services import incident_frame, ingest_mapped
    from saferplaces.ingest.mapped import load_mapping

    ingest_mapped([DAY_BOUNDARY / "asb.csv"], load_mapping("council-asb"))
    frame = incident_frame(sources=["council-asb"]).set_index("id")
    late = frame.loc[frame["occurred"] == pd.Timestamp("2024-06-01 00:30")]
    assert len(late) == 1 and late["month"].iat[0] == pd.Timestamp("2024-06-01")
    assert (frame["occurred"].dt.to_period("M").dt.to_timestamp() == frame["month"]).all()
    assert incident_frame(sources=["council-asb"], first_month="2024-06", last_month="2024-06").shape[0] == 5

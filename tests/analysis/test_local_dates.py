"""Days, weeks and months are UK (Europe/London) ones; month-only data is never cut by a period.

Cases: ``tests/data/cases/local-day-boundary`` (a council ASB report at 00:30 BST on 1 June is a
June report) and ``month-data-day-periods`` (police.uk months cut by mid-month periods).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from saferplaces.analysis.evaluation import MonthOnlyDataError, evaluate_intervention
from saferplaces.analysis.frame import as_local, local_to_utc, local_wall_clock
from saferplaces.ingest.datetext import parse_dates
from saferplaces.ingest.errors import IngestError
from saferplaces.ingest.mapped import SHIPPED, MappingError, load_mapping, parse_mapped

CASES = Path(__file__).parents[1] / "data" / "cases"
ASB_HEADER = "case_ref,category,address,complainant_ref,description,reported_at,easting,northing\n"


def asb_rows(*times: str) -> bytes:
    rows = [f"R-{i},Noise,1 Road,C{i},x,{when},599500,225500\n" for i, when in enumerate(times)]
    return (ASB_HEADER + "".join(rows)).encode()


def stamps(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)))


# --- clock changes and the wall clock ---------------------------------------------------------------


def test_half_past_midnight_bst_on_1_june_is_stored_as_2330_utc_on_31_may_and_read_back_as_1_june():
    utc = local_to_utc(stamps("2024-06-01 00:30"))
    assert utc.iat[0] == pd.Timestamp("2024-05-31 23:30")
    back = local_wall_clock(pd.Series(utc.dt.tz_localize("UTC")), pd.Series(["minute"]))
    assert back.iat[0] == pd.Timestamp("2024-06-01 00:30")


def test_winter_times_are_the_same_in_utc_and_uk_time():
    assert local_to_utc(stamps("2024-01-10 23:45")).iat[0] == pd.Timestamp("2024-01-10 23:45")


def test_a_time_repeated_by_the_autumn_clock_change_is_read_as_the_first_bst_one():
    # 27 Oct 2024: 01:00-01:59 happens in BST (00:00-00:59 UTC) and again in GMT (01:00-01:59 UTC)
    utc = local_to_utc(stamps("2024-10-27 01:30", "2024-10-27 00:59", "2024-10-27 02:00"))
    assert list(utc) == [pd.Timestamp("2024-10-27 00:30"), pd.Timestamp("2024-10-26 23:59"),
                         pd.Timestamp("2024-10-27 02:00")]


def test_a_time_in_the_spring_gap_moves_forward_by_the_gap_and_keeps_its_date():
    # 31 Mar 2024: clocks go from 01:00 GMT to 02:00 BST, so 01:30 never shows on a clock
    utc = local_to_utc(stamps("2024-03-31 01:30", "2024-03-31 00:59", "2024-03-31 02:00"))
    assert list(utc) == [pd.Timestamp("2024-03-31 01:30"), pd.Timestamp("2024-03-31 00:59"),
                         pd.Timestamp("2024-03-31 01:00")]
    back = local_wall_clock(pd.Series(utc.dt.tz_localize("UTC")), pd.Series(["minute"] * 3))
    assert back.iat[0] == pd.Timestamp("2024-03-31 02:30")


def test_missing_times_stay_missing():
    assert local_to_utc(pd.Series([pd.NaT, pd.Timestamp("2024-10-27 01:30")])).isna().tolist() == [True, False]


def test_day_and_month_rows_keep_their_date_while_minute_rows_move_to_uk_time():
    stored = pd.Series(pd.to_datetime(["2024-06-01 00:00", "2024-06-01 00:00", "2024-05-31 23:30"], utc=True))
    local = local_wall_clock(stored, pd.Series(["day", "month", "minute"]))
    assert list(local) == [pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-01"),
                           pd.Timestamp("2024-06-01 00:30")]


def test_time_zone_aware_values_become_uk_wall_clock_times_and_naive_ones_are_kept():
    aware = pd.Series(pd.to_datetime(["2024-05-31 23:30"], utc=True))
    assert as_local(aware).iat[0] == pd.Timestamp("2024-06-01 00:30")
    assert as_local(stamps("2024-05-31 23:30")).iat[0] == pd.Timestamp("2024-05-31 23:30")


# --- partner CSVs through a mapping ----------------------------------------------------------------


def test_a_partner_report_at_0030_bst_on_1_june_has_month_june_and_is_stored_in_utc():
    frame = parse_mapped(asb_rows("01/06/2024 00:30", "31/05/2024 23:59"), "asb.csv",
                         load_mapping("council-asb")).frame
    assert list(frame["month"]) == [pd.Timestamp("2024-06-01"), pd.Timestamp("2024-05-01")]
    assert list(frame["occurred"]) == [pd.Timestamp("2024-05-31 23:30"), pd.Timestamp("2024-05-31 22:59")]


def test_a_partner_report_in_the_repeated_autumn_hour_is_stored_as_the_bst_instant():
    frame = parse_mapped(asb_rows("27/10/2024 01:30"), "asb.csv", load_mapping("council-asb")).frame
    assert frame["occurred"].iat[0] == pd.Timestamp("2024-10-27 00:30")
    assert frame["month"].iat[0] == pd.Timestamp("2024-10-01")


def test_a_partner_time_with_a_utc_offset_counts_in_its_uk_month(tmp_path):
    text = SHIPPED / "council-asb.toml"
    mapping_file = tmp_path / "offsets.toml"
    mapping_file.write_text(text.read_text(encoding="utf-8").replace(
        '"%d/%m/%Y %H:%M"', '"%Y-%m-%dT%H:%M%z"'), encoding="utf-8")
    frame = parse_mapped(asb_rows("2024-05-31T23:30+0000", "2024-06-01T00:45+0100"), "asb.csv",
                         load_mapping(mapping_file)).frame
    assert list(frame["month"]) == [pd.Timestamp("2024-06-01")] * 2
    assert list(frame["occurred"]) == [pd.Timestamp("2024-05-31 23:30"), pd.Timestamp("2024-05-31 23:45")]


def test_a_mapping_with_an_unknown_time_zone_is_refused(tmp_path):
    text = SHIPPED / "council-asb.toml"
    mapping_file = tmp_path / "bad.toml"
    mapping_file.write_text(text.read_text(encoding="utf-8").replace('"Europe/London"', '"BST"'), encoding="utf-8")
    with pytest.raises(MappingError, match="'BST' is not a time zone"):
        load_mapping(mapping_file)


# --- evaluate: local dates -------------------------------------------------------------------------


def incidents(rows: list[tuple[str, str, str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(area, occurred, precision, source) rows -> incident table and membership."""
    frame = pd.DataFrame(rows, columns=["area", "occurred", "precision", "source"])
    frame["id"] = range(len(frame))
    frame["category"] = "Burglary"
    frame["occurred"] = pd.to_datetime(frame["occurred"])
    frame["month"] = frame["occurred"].dt.to_period("M").dt.to_timestamp()
    membership = pd.DataFrame({"incident_id": frame["id"], "area_kind": "neighbourhood",
                               "area_code": frame["area"]})
    return frame, membership


def test_the_local_day_boundary_case_counts_the_0030_report_in_june():
    frame = parse_mapped((CASES / "local-day-boundary" / "asb.csv").read_bytes(), "asb.csv",
                         load_mapping("council-asb")).frame
    # as the store hands it over: UTC instants read back as UK wall-clock times
    frame["occurred"] = local_wall_clock(frame["occurred"].dt.tz_localize("UTC"), frame["precision"])
    frame["id"] = range(len(frame))
    membership = pd.DataFrame({"incident_id": frame["id"], "area_kind": "neighbourhood",
                               "area_code": frame["source_ref"].str[0].map({"T": "N-TREAT", "C": "N-CTRL"})})
    result = evaluate_intervention(frame, membership, treatment="N-TREAT", control="N-CTRL",
                                   before=("2024-05-01", "2024-05-31"), after=("2024-06-01", "2024-06-30"))
    counts = result.counts.loc["All"]
    assert (counts["treatment_before"], counts["treatment_after"]) == (3, 1)
    assert (counts["control_before"], counts["control_after"]) == (4, 4)


def test_evaluate_reads_time_zone_aware_times_by_their_uk_date():
    frame, membership = incidents([("T", "2024-05-10 12:00", "minute", "asb"),
                                   ("C", "2024-05-11 12:00", "minute", "asb")])
    frame["occurred"] = pd.to_datetime(["2024-05-31 23:30", "2024-05-11 12:00"]).tz_localize("UTC")
    result = evaluate_intervention(frame, membership, treatment="T", control="C",
                                   before=("2024-05-01", "2024-05-31"), after=("2024-06-01", "2024-06-30"))
    assert result.counts.loc["All", "treatment_after"] == 1
    assert result.counts.loc["All", "treatment_before"] == 0


# --- evaluate: month-only data and periods that cut months -------------------------------------------


def month_and_day_rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for month in ("2024-04-01", "2024-05-01", "2024-06-01", "2024-07-01"):
        rows += [("T", month, "month", "police-uk"), ("C", month, "month", "police-uk")]
    rows += [("T", "2024-05-20", "day", "local"), ("T", "2024-06-20", "day", "local"),
             ("C", "2024-05-02", "day", "local")]
    return incidents(rows)


def test_periods_that_cut_police_uk_months_are_refused_naming_the_source_and_months():
    frame, membership = month_and_day_rows()
    with pytest.raises(MonthOnlyDataError) as caught:
        evaluate_intervention(frame, membership, treatment="T", control="C",
                              before=("2024-05-15", "2024-06-14"), after=("2024-06-15", "2024-07-14"))
    message = str(caught.value)
    assert "police-uk data carry only the month" in message
    assert "cuts May 2024 and June 2024" in message and "cuts June 2024 and July 2024" in message
    assert "would overlap" in message and not caught.value.can_widen
    assert isinstance(caught.value, ValueError)


def test_the_refusal_names_the_whole_month_periods_to_use_when_they_do_not_overlap():
    frame, membership = month_and_day_rows()
    with pytest.raises(MonthOnlyDataError, match=r"before 2024-04\.\.2024-05, after 2024-06\.\.2024-07"):
        evaluate_intervention(frame, membership, treatment="T", control="C",
                              before=("2024-04-15", "2024-05-14"), after=("2024-06-15", "2024-07-14"))


def test_whole_months_widens_both_periods_for_every_source_and_says_so():
    frame, membership = month_and_day_rows()
    result = evaluate_intervention(frame, membership, treatment="T", control="C",
                                   before=("2024-04-15", "2024-05-14"), after=("2024-06-15", "2024-07-14"),
                                   whole_months=True)
    assert result.before == ("2024-04-01", "2024-05-31") and result.after == ("2024-06-01", "2024-07-31")
    assert (result.before_days, result.after_days) == (61, 61)
    counts = result.counts.loc["All"]
    # police.uk: April and May before, June and July after; local day records by their dates
    assert (counts["treatment_before"], counts["treatment_after"]) == (3, 3)
    assert (counts["control_before"], counts["control_after"]) == (3, 2)
    assert any("widened to whole months" in note and "2024-04-15 to 2024-05-14 became 2024-04-01 to 2024-05-31"
               in note for note in result.notes)


def test_whole_months_that_would_overlap_are_refused():
    frame, membership = month_and_day_rows()
    with pytest.raises(ValueError, match="overlap once widened to whole months .both hold June 2024"):
        evaluate_intervention(frame, membership, treatment="T", control="C",
                              before=("2024-05-15", "2024-06-14"), after=("2024-06-15", "2024-07-14"),
                              whole_months=True)


def test_periods_that_already_overlap_are_refused_as_such_even_with_whole_months():
    frame, membership = month_and_day_rows()
    with pytest.raises(ValueError, match=r"periods overlap \(both hold June 2024\)"):
        evaluate_intervention(frame, membership, treatment="T", control="C",
                              before=("2024-05-15", "2024-06-20"), after=("2024-06-15", "2024-07-14"),
                              whole_months=True)


def test_whole_month_periods_count_police_uk_months_without_a_note():
    frame, membership = month_and_day_rows()
    result = evaluate_intervention(frame, membership, treatment="T", control="C",
                                   before=("2024-05-01", "2024-05-31"), after=("2024-06-01", "2024-06-30"),
                                   whole_months=True)
    counts = result.counts.loc["All"]
    assert (counts["treatment_before"], counts["treatment_after"]) == (2, 2)
    assert not any("widened" in note for note in result.notes)


def test_day_periods_are_kept_when_no_month_only_incident_falls_in_a_cut_month():
    frame, membership = month_and_day_rows()
    frame = frame[(frame["precision"] == "day") | (frame["month"] == pd.Timestamp("2024-04-01"))]
    result = evaluate_intervention(frame, membership, treatment="T", control="C",
                                   before=("2024-05-15", "2024-06-14"), after=("2024-06-15", "2024-07-14"))
    assert result.before == ("2024-05-15", "2024-06-14")
    counts = result.counts.loc["All"]
    # local records count by their own dates; April's police.uk rows are in neither period
    assert (counts["treatment_before"], counts["treatment_after"]) == (1, 1)
    assert (counts["control_before"], counts["control_after"]) == (0, 0)


def test_the_month_data_case_refuses_mid_month_periods():
    from saferplaces.ingest.policeuk import parse

    parts = [parse(p.read_bytes(), p.name).frame
             for p in sorted((CASES / "month-data-day-periods" / "data").glob("*.csv"))]
    frame = pd.concat(parts, ignore_index=True)
    frame["id"] = range(len(frame))
    membership = pd.DataFrame({"incident_id": frame["id"], "area_kind": "neighbourhood",
                               "area_code": ["N-TREAT", "N-CTRL"] * (len(frame) // 2)})
    with pytest.raises(MonthOnlyDataError, match="police-uk data carry only the month"):
        evaluate_intervention(frame, membership, treatment="N-TREAT", control="N-CTRL",
                              before=("2024-05-15", "2024-06-14"), after=("2024-06-15", "2024-07-14"))


# --- dates written in --input files -------------------------------------------------------------------


def read(values: list[str], date_format: str | None = None) -> list[pd.Timestamp]:
    return list(parse_dates(pd.Series(values), name="events.csv", column="date", date_format=date_format))


def test_input_dates_are_read_day_first_the_uk_way():
    assert read(["01/06/2024", "13/06/2024", "2/7/2024"]) == [
        pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-13"), pd.Timestamp("2024-07-02")]


def test_input_dates_in_iso_form_always_work_with_or_without_times():
    assert read(["2024-06-01", "2024-06-02 10:00", "2024-06-03T08:15:00"]) == [
        pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-02 10:00"), pd.Timestamp("2024-06-03 08:15")]


def test_input_times_with_a_utc_offset_are_read_as_uk_local_times():
    assert read(["2024-05-31T23:30:00Z", "2024-06-01T00:30+01:00"]) == [pd.Timestamp("2024-06-01 00:30")] * 2


def test_a_column_mixing_us_and_uk_dates_is_refused_naming_row_column_and_value():
    with pytest.raises(IngestError) as caught:
        read(["01/06/2024", "05/07/2024", "06/13/2024"])
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == ("events.csv", 3, "date", "06/13/2024")
    assert "DD/MM/YYYY" in problem.reason and "--date-format" in problem.reason


def test_a_column_mixing_iso_and_day_first_dates_is_refused():
    with pytest.raises(IngestError, match="one form throughout"):
        read(["2024-06-01", "2024-06-02", "03/06/2024"])


def test_a_date_format_reads_us_dates_and_refuses_a_row_that_does_not_fit():
    assert read(["06/13/2024", "06/01/2024"], "%m/%d/%Y") == [pd.Timestamp("2024-06-13"), pd.Timestamp("2024-06-01")]
    with pytest.raises(IngestError, match=r"row 2 .*column 'date': is not a date in the form %m/%d/%Y"):
        read(["06/13/2024", "13/06/2024"], "%m/%d/%Y")


def test_a_year_and_month_without_a_day_is_refused():
    with pytest.raises(IngestError, match="only a year and month"):
        read(["2024-06-01", "2024-06"])


def test_an_empty_date_is_refused():
    with pytest.raises(IngestError, match="row 1 .*is empty"):
        read(["", "2024-06-01"])

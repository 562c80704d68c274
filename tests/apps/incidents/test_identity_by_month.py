"""A police.uk Crime ID seen in files of different months: the later month's version is kept,
whatever order the files were given or loaded in; the same month downloaded twice: the download
loaded last replaces the other, and the message says when that one was loaded (service tests
on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplaces.apps.incidents.models import ImportBatch, Incident
from saferplaces.apps.incidents.services import ingest_police_uk
from tests.conftest import write_police_csv

pytestmark = pytest.mark.django_db(transaction=True)

CRIME_X = "7" * 64


def month_file(folder: Path, month: str, outcome: str, others: int = 2) -> Path:
    """A force's month: crime X with ``outcome`` and ``others`` crimes of that month alone."""
    rows = [[CRIME_X, month, "Essex Police", "Essex Police", "0.901000", "51.889000", "On or near High Street",
             "E01021960", "Colchester 009A", "Burglary", outcome, ""]]
    rows += [[f"{month}-{k}".ljust(64, "0"), month, "Essex Police", "Essex Police", f"{0.902 + k / 1000:.6f}",
              "51.889000", "On or near Example Street", "E01021960", "Colchester 009A", "Burglary",
              "Under investigation", ""] for k in range(others)]
    return write_police_csv(folder / f"{month}-essex-street.csv", rows)


def crime_x() -> tuple[str, str]:
    incident = Incident.objects.get(source_ref=CRIME_X)
    return f"{incident.month:%Y-%m}", incident.outcome


def test_back_filling_january_after_march_keeps_marchs_outcome(tmp_path):
    march = month_file(tmp_path, "2024-03", "Offender given a caution")
    january = month_file(tmp_path, "2024-01", "Under investigation")
    ingest_police_uk([march])
    kept = Incident.objects.get(source_ref=CRIME_X).id
    report = ingest_police_uk([january])
    assert crime_x() == ("2024-03", "Offender given a caution")
    assert Incident.objects.get(source_ref=CRIME_X).id == kept
    assert (report.total("rows_added"), report.total("rows_updated"), report.total("rows_present")) == (2, 0, 1)
    assert Incident.objects.count() == 5


@pytest.mark.parametrize("given", [("2024-03", "2024-01"), ("2024-01", "2024-03")])
def test_files_of_two_months_in_one_command_keep_the_later_months_version_in_either_order(tmp_path, given):
    files = {"2024-03": month_file(tmp_path, "2024-03", "Offender given a caution"),
             "2024-01": month_file(tmp_path, "2024-01", "Under investigation")}
    ingest_police_uk([files[m] for m in given])
    assert crime_x() == ("2024-03", "Offender given a caution")
    assert Incident.objects.count() == 5


def test_a_later_months_file_loaded_after_an_earlier_one_still_updates_the_record(tmp_path):
    ingest_police_uk([month_file(tmp_path, "2024-01", "Under investigation")])
    report = ingest_police_uk([month_file(tmp_path, "2024-03", "Offender given a caution")])
    assert crime_x() == ("2024-03", "Offender given a caution")
    assert report.total("rows_updated") == 1


def test_a_record_overwritten_by_an_earlier_month_before_this_rule_is_put_right_by_the_later_month(tmp_path):
    march = month_file(tmp_path, "2024-03", "Offender given a caution")
    ingest_police_uk([march])
    ingest_police_uk([month_file(tmp_path, "2024-01", "Under investigation")])
    # as the store held it when the file loaded last won: January's version over March's
    Incident.objects.filter(source_ref=CRIME_X).update(month="2024-01-01", outcome="Under investigation",
                                                       batch=ImportBatch.objects.latest("pk"))
    report = ingest_police_uk([march])
    assert report.total("rows_updated") == 1
    assert crime_x() == ("2024-03", "Offender given a caution")


def test_the_same_month_downloaded_twice_keeps_the_download_loaded_last_and_says_when_the_other_was_loaded(
        tmp_path):
    ingest_police_uk([month_file(tmp_path / "first", "2024-03", "Under investigation")])
    first = ImportBatch.objects.latest("pk")
    report = ingest_police_uk([month_file(tmp_path / "second", "2024-03", "Offender given a caution")])
    assert crime_x() == ("2024-03", "Offender given a caution")
    loaded = f"{first.started_at.astimezone(__import__('zoneinfo').ZoneInfo('Europe/London')):%Y-%m-%d %H:%M}"
    assert report.files[0].notices == [
        f"Essex Police 2024-03: replaced the download loaded on {loaded} ({first.path}): 1 crimes updated, "
        "2 unchanged."]

"""Summaries of the store worked out once per change of its data (``apps/incidents/summaries``):
the home page, monitoring and the Street Week ranking keep their answer until an import, a
deletion or new areas change the data, and then show the new figures.

Outside a transaction, as a server answers requests (``transactional_db``): inside one, nothing
is kept (the data read may be rolled back), which the last test shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import transaction

from saferplaces.apps.assessments.services import rank_street_weeks
from saferplaces.apps.incidents import summaries
from saferplaces.apps.incidents.models import Area, Incident
from saferplaces.apps.incidents.services import import_areas, ingest_police_uk
from saferplaces.strategic.streetweek import StreetWeekResult
from tests.conftest import write_police_csv
from tests.web.conftest import build_store

APRIL_ROWS = [
    ["f" * 64, "2024-04", "Essex Police", "Essex Police", "0.899000", "51.890000", "On or near Head Street",
     "", "", "Burglary", "Under investigation", ""],
    ["9" * 64, "2024-04", "Essex Police", "Essex Police", "0.900000", "51.888000", "On or near High Street",
     "", "", "Burglary", "Under investigation", ""],
    ["", "2024-04", "Essex Police", "Essex Police", "0.901000", "51.889000", "On or near High Street",
     "", "", "Anti-social behaviour", "", ""],
]


@pytest.fixture
def store(transactional_db, tmp_path: Path) -> Path:
    """The small web store, with nothing kept from an earlier test."""
    caches["default"].clear()
    build_store(tmp_path)
    return tmp_path


@pytest.fixture
def analyst_client(partnership, signed_in_client):
    return signed_in_client(partnership.user("owner", "analyst"))


def load_april(folder: Path) -> None:
    write_police_csv(folder / "april" / "2024-04-essex-street.csv", APRIL_ROWS)
    assert ingest_police_uk([folder / "april"]).ok


def home(client, source: str = "police-uk"):
    response = client.get("/", {"source": source})
    assert response.status_code == 200
    return response.context


def burglaries(context) -> int:
    return next(row.total for row in context["table"].rows if row.category == "Burglary")


def test_home_page_shows_the_new_counts_after_more_rows_are_imported(store, analyst_client):
    before = home(analyst_client)
    assert home(analyst_client)["total"] == before["total"] == 9  # kept: the same answer
    assert before["table"].total == 7
    load_april(store)
    after = home(analyst_client)
    assert after["total"] == Incident.objects.count() == 12
    assert after["table"].total == Incident.objects.filter(source="police-uk").count() == 10
    assert burglaries(after) == burglaries(before) + 2
    assert after["last_month"] == "2024-04"


def test_home_page_shows_the_new_counts_after_incidents_are_deleted(store, analyst_client):
    assert burglaries(home(analyst_client)) == 3
    Incident.objects.filter(category="Burglary", month="2024-01-01").delete()
    after = home(analyst_client)
    assert burglaries(after) == 1
    assert after["table"].total == Incident.objects.filter(source="police-uk").count() == 5


def test_each_selection_of_incidents_keeps_its_own_summary(store, analyst_client):
    """police.uk and all sources (and a public visitor's police.uk) are never mixed up."""
    police, every = home(analyst_client), home(analyst_client, "all")
    assert (police["source"], police["table"].total) == ("police-uk", 7)
    assert every["source"] is None
    assert every["table"].total == Incident.objects.count() == 9
    assert home(analyst_client)["table"] == police["table"]


def test_a_summary_is_worked_out_once_until_the_data_change(store):
    made = []

    def compute() -> int:
        made.append(1)
        return Incident.objects.count()

    assert summaries.memoised("test", ("p",), compute) == 9
    assert summaries.memoised("test", ("p",), compute) == 9
    assert len(made) == 1
    assert summaries.memoised("test", ("other parameters",), compute) == 9
    assert len(made) == 2
    load_april(store)
    assert summaries.memoised("test", ("p",), compute) == 12
    assert len(made) == 3


def test_new_areas_change_the_data_version(store):
    before = summaries.data_version()
    path = store / "areas" / "neighbourhood.geojson"
    import_areas(path, "neighbourhood")  # the same areas again: their links are rebuilt
    assert summaries.data_version() != before
    Area.objects.filter(kind="pspo").delete()
    assert summaries.data_version() != before


def ranking_values(result: StreetWeekResult) -> list[tuple[str, dict[str, float | None]]]:
    return [(area.code, area.values) for area in result.ranked]


def test_street_week_ranking_follows_newly_imported_rows(store):
    Area.objects.filter(kind="neighbourhood").update(population=1500)  # rates per 1,000 residents
    first = rank_street_weeks("2024-01", "2024-12")
    assert ranking_values(rank_street_weeks("2024-01", "2024-12")) == ranking_values(first)
    load_april(store)
    kept = rank_street_weeks("2024-01", "2024-12")
    with transaction.atomic():  # worked out afresh: nothing is kept inside a transaction
        fresh = rank_street_weeks("2024-01", "2024-12")
    assert ranking_values(kept) == ranking_values(fresh)
    assert ranking_values(kept) != ranking_values(first)


def test_inside_a_transaction_nothing_is_kept(store):
    made = []

    def compute() -> int:
        made.append(1)
        return Incident.objects.count()

    with transaction.atomic():
        load_april(store)
        assert summaries.memoised("test", ("p",), compute) == 12
        transaction.set_rollback(True)
    assert summaries.memoised("test", ("p",), compute) == 9  # the rolled-back rows never counted
    assert len(made) == 2

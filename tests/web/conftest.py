"""A small real store for the web pages: police.uk files, a council ASB log and area outlines.

What is in it (police.uk unless said):

- 2024-01: 2 Burglary at two map points.
- 2024-02: nothing (the month table must show the gap as zeros).
- 2024-03: the five ``COLCHESTER_ROWS`` — 1 Shoplifting and 2 Anti-social behaviour at one map
  point (High Street), 1 Burglary with no location, 1 Violence and sexual offences (Bromley Road).
- council-asb, 2024-03: 2 Noise nuisance reports with a complainant reference and a home address,
  which must never reach the map's GeoJSON.
- Areas: two neighbourhoods, a town centre and a PSPO zone, imported from GeoJSON.
"""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.conftest import COLCHESTER_ROWS, write_police_csv

from saferplaces.apps.incidents.services import import_areas, ingest_mapped, ingest_police_uk
from saferplaces.ingest.mapped import load_mapping

JANUARY_ROWS = [
    ["d" * 64, "2024-01", "Essex Police", "Essex Police", "0.899000", "51.890000", "On or near Head Street",
     "", "", "Burglary", "Under investigation", ""],
    ["e" * 64, "2024-01", "Essex Police", "Essex Police", "0.930000", "51.870000", "On or near Mersea Road",
     "", "", "Burglary", "Under investigation", ""],
]
COUNCIL_ADDRESS = "12 Acacia Avenue"
COUNCIL_COMPLAINANT = "CMP-0001"
COUNCIL_COLUMNS = ["case_ref", "category", "address", "complainant_ref", "description", "reported_at",
                   "easting", "northing", "synthetic"]


def square(lon0: float, lat0: float, size: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size],
                                                [lon0, lat0 + size], [lon0, lat0]]]}


AREAS = {
    "neighbourhood": [("N1", "Castle", square(0.88, 51.87, 0.04)), ("N2", "Berechurch", square(0.92, 51.84, 0.04))],
    "town-centre": [("TC1", "Colchester town centre", square(0.895, 51.885, 0.012))],
    "pspo": [("P1", "Town centre alcohol PSPO", square(0.897, 51.886, 0.008))],
}


def write_council_csv(path: Path, *, synthetic: bool) -> Path:
    rows = [
        ["ASB-1", "Noise", COUNCIL_ADDRESS, COUNCIL_COMPLAINANT, "Loud music at night", "04/03/2024 23:10",
         "599500", "225300", "yes" if synthetic else ""],
        ["ASB-2", "Noise", COUNCIL_ADDRESS, COUNCIL_COMPLAINANT, "Loud music again", "09/03/2024 22:45",
         "599500", "225300", "yes" if synthetic else ""],
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COUNCIL_COLUMNS)
        writer.writerows(rows)
    return path


def build_store(folder: Path, *, synthetic_council_log: bool = False) -> None:
    for kind, features in AREAS.items():
        collection = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
            for code, name, geometry in features]}
        path = folder / "areas" / f"{kind}.geojson"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(collection), encoding="utf-8")
        import_areas(path, kind)
    write_police_csv(folder / "police" / "2024-01" / "2024-01-essex-street.csv", JANUARY_ROWS)
    write_police_csv(folder / "police" / "2024-03" / "2024-03-essex-street.csv", COLCHESTER_ROWS)
    assert ingest_police_uk([folder / "police"]).ok
    council = write_council_csv(folder / "council" / "asb.csv", synthetic=synthetic_council_log)
    assert ingest_mapped([council], load_mapping("council-asb")).ok


@pytest.fixture
def client(partnership, signed_in_client):
    """The pages' tests read the site as an analyst (every page needs sign-in; analysts see exact
    locations). Signed-out visitors and the other roles: ``test_public_site.py`` and
    ``test_sensitive_locations.py``."""
    return signed_in_client(partnership.user("owner", "analyst"))


@pytest.fixture
def client_for(partnership, signed_in_client):
    """``client_for("owner", "viewer")``: a client signed in as that partnership user;
    ``client_for(None, "nobody")`` for a user with no agency."""
    def make(agency: str | None, role: str):
        user = partnership.users[role] if agency is None else partnership.user(agency, role)
        return signed_in_client(user)
    return make


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    build_store(tmp_path)
    return tmp_path


@pytest.fixture
def synthetic_store(tmp_path: Path) -> Path:
    build_store(tmp_path, synthetic_council_log=True)
    return tmp_path


class _Tables(HTMLParser):
    """Collects every table as (caption, rows of cell texts), header and data cells alike."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._caption: list[str] | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            caption = " ".join(" ".join(self._caption).split())
            self.tables[-1] = (caption, self.tables[-1][1])
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        for buffer in (self._caption, self._cell):
            if buffer is not None:
                buffer.append(data)


def html_tables(html: str) -> dict[str, list[list[str]]]:
    """Tables on a page, keyed by caption text."""
    parser = _Tables()
    parser.feed(html)
    return dict(parser.tables)


# --- a store with sensitive partner records (test_sensitive_locations.py, test_public_site.py) ---

LOCAL_COLUMNS = ["local_ref", "offence_category", "victim_ref", "police_crime_id", "offence_date",
                 "easting", "northing", "domestic", "alcohol", "drugs", "weapon", "hate_strand",
                 "synthetic"]


def local_row(ref: str, category: str, victim: str, easting: int, northing: int, *,
              domestic: bool = False, hate: str = "") -> list[str]:
    return [ref, category, victim, "", "2024-03-05", str(easting), str(northing),
            "Y" if domestic else "N", "N", "N", "N", hate, ""]


#: Local police records, March 2024, at exact British National Grid points. In Castle: 12
#: Domestic abuse (victim references), a Violence with injury flagged domestic and a hate-strand
#: Public fear, alarm or distress (neither with a reference), and an ordinary Other theft. In
#: Berechurch: 3 Sexual offences and a Criminal damage to a vehicle with a victim reference
#: (a category not on the list). South of both neighbourhoods: one Domestic abuse.
LOCAL_ROWS = [
    *(local_row(f"L-DA-{i}", "Domestic abuse", f"V{i}", 599700 + 10 * i, 225000)
      for i in range(12)),
    local_row("L-VWI", "Violence with injury", "", 600100, 225500, domestic=True),
    local_row("L-HATE", "Public fear, alarm or distress", "", 600200, 225600, hate="race"),
    local_row("L-THEFT", "Other theft", "", 600300, 225700),
    *(local_row(f"L-SO-{i}", "Sexual offences", f"V{20 + i}", 602500 + 10 * i, 222000)
      for i in range(3)),
    local_row("L-CDV", "Criminal damage to a vehicle", "V30", 602700, 222100),
    local_row("L-SOUTH", "Domestic abuse", "V40", 604900, 215400),
]
#: The one ordinary local record (an exact point anyone with incidents.view may see).
ORDINARY_LOCAL_REF = "L-THEFT"


def write_local_csv(path: Path, rows: list[list[str]] = LOCAL_ROWS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(LOCAL_COLUMNS)
        writer.writerows(rows)
    return path


@pytest.fixture
def sensitive_store(small_store: Path) -> Path:
    """The small store and the local police records above."""
    local = write_local_csv(small_store / "local" / "local.csv")
    assert ingest_mapped([local], load_mapping("local-incidents")).ok
    return small_store

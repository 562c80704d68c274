"""A demo-like town for operations: 25 square neighbourhoods (1 km, 5 × 5) near Colchester with
populations, two years of police.uk incidents loaded through the store's own ingest, and a
planted operation in neighbourhood N11 that cut its anti-social behaviour and criminal damage
by 40% for six months (the demo town's ``ground_truth["operation"]`` in miniature). Operations
are made through the services, led by the owner agency with the partner as partner agency."""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from saferplaces.apps.incidents.models import Area
from saferplaces.apps.incidents.services import import_areas, ingest_police_uk
from saferplaces.apps.operations import services
from saferplaces.apps.operations.access import get_operation_for_user
from saferplaces.apps.operations.models import Operation
from saferplaces.geo import to_wgs84
from saferplaces.ingest.policeuk import COLUMNS

X0, Y0, SIDE, GRID = 594000.0, 222000.0, 1000.0, 5
TARGETS = ("Anti-social behaviour", "Criminal damage and arson")
OTHER = "Burglary"
MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
#: The planted operation: months 2024-05 to 2024-10 in N11, 40% of target incidents removed.
WINDOW = ("2024-05", "2024-10")
START, END = datetime.date(2024, 5, 1), datetime.date(2024, 10, 31)
TREATED, UNTREATED = "N11", "N33"
EFFECT = 0.40


def code(i: int, j: int) -> str:
    return f"N{i}{j}"


def square(i: int, j: int) -> list[list[float]]:
    xs = np.array([0, 1, 1, 0, 0], float) * SIDE + X0 + i * SIDE
    ys = np.array([0, 0, 1, 1, 0], float) * SIDE + Y0 + j * SIDE
    lon, lat = to_wgs84(xs, ys)
    return [[round(float(a), 7), round(float(b), 7)] for a, b in zip(lon, lat, strict=True)]


def write_town(folder: Path, seed: int = 1) -> dict[str, Any]:
    """The area file and police.uk files; the planted truth."""
    rng = np.random.default_rng(seed)
    features, rows = [], []
    removed = expected_removed = 0.0
    for i in range(GRID):
        for j in range(GRID):
            population = int(rng.integers(1500, 3200))
            features.append({"type": "Feature", "properties": {
                "code": code(i, j), "name": f"Neighbourhood {i}{j}", "population": population},
                "geometry": {"type": "Polygon", "coordinates": [square(i, j)]}})
            rate = 6.0 * population / 1000 * (1 + 0.3 * rng.random())
            for index, month in enumerate(MONTHS):
                season = 1 + 0.2 * np.sin(2 * np.pi * index / 12)
                for category, share_of in ((TARGETS[0], 0.6), (TARGETS[1], 0.4), (OTHER, 0.3)):
                    lam = rate * share_of * season
                    n = int(rng.poisson(lam))
                    cut = (code(i, j) == TREATED and category in TARGETS
                           and WINDOW[0] <= month <= WINDOW[1])
                    if cut:
                        expected_removed += EFFECT * lam
                        kept = int(rng.binomial(n, 1 - EFFECT))
                        removed += n - kept
                        n = kept
                    xs = X0 + (i + 0.05 + 0.9 * rng.random(n)) * SIDE
                    ys = Y0 + (j + 0.05 + 0.9 * rng.random(n)) * SIDE
                    lon, lat = to_wgs84(xs, ys)
                    for a, b in zip(lon, lat, strict=True):
                        ref = "" if category == TARGETS[0] else f"{len(rows):064x}"
                        rows.append([ref, month, "Essex Police", "Essex Police", f"{a:.6f}",
                                     f"{b:.6f}", "On or near Test Street", "", "", category, "", ""])
    (folder / "areas.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                      "features": features}))
    for month in MONTHS:  # police.uk: one file a month
        police = folder / "police-uk" / month
        police.mkdir(parents=True)
        with open(police / f"{month}-essex-street.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(row for row in rows if row[1] == month)
    return {"removed": removed, "expected_removed": expected_removed}


@pytest.fixture
def areas(db) -> list[Area]:
    """Three neighbourhoods and no incidents: for the rules that need no counts."""
    return [Area.objects.create(kind="neighbourhood", code=code(i, 0), name=f"Neighbourhood {i}0",
                                population=2000,
                                geometry={"type": "Polygon", "coordinates": [square(i, 0)]})
            for i in range(3)]


@pytest.fixture
def town(db, tmp_path) -> dict[str, Any]:
    truth = write_town(tmp_path)
    (tmp_path / "SYNTHETIC-DATA.txt").write_text("Invented for the operations tests.\n")
    import_areas(tmp_path / "areas.geojson", "neighbourhood")
    report = ingest_police_uk([tmp_path / "police-uk"])
    assert report.ok
    return truth


def details(name: str = "Operation Nightjar", *, kind: str = "town-centre",
            start: datetime.date = START, end: datetime.date = END,
            areas: tuple[str, ...] = (TREATED,), partners: tuple[Any, ...] = (),
            categories: tuple[str, ...] = TARGETS, **more: Any) -> services.OperationDetails:
    ids = list(Area.objects.filter(code__in=areas).values_list("pk", flat=True))
    return services.OperationDetails(name=name, kind=kind, start=start, end=end,
                                     categories=categories, area_ids=ids,
                                     partner_ids=[p.pk for p in partners], **more)


@dataclass
class World:
    operation: Operation
    lead: Any
    partner: Any


@pytest.fixture
def world(partnership, areas) -> World:
    """An operation in N00 led by the owner agency, with the partner agency (no incidents)."""
    lead = partnership.user("owner", "practitioner")
    operation = services.create_operation(lead, details(areas=("N00",), categories=(),
                                                        partners=(partnership.partner,)))
    return World(operation, lead, partnership.user("partner", "practitioner"))


def access_of(user: Any, operation: Operation) -> Any:
    return get_operation_for_user(user, operation.pk)

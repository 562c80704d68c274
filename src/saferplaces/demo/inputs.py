"""Assessment inputs straight from a generated demo town folder, without the database.

``load_town(folder)`` reads what ``saferplaces.demo.generate_town`` wrote with the same readers
the store uses (``ingest.policeuk.parse``, ``ingest.mapped.parse_mapped`` with the shipped
mappings, ``ingest.boundaries.read_boundaries``) and assigns every incident to its areas with
``spatial.assign_points``, so tests and benchmarks see the inputs the store would give.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from saferplaces.analysis.frame import FLAG_COLUMNS, INCIDENT_COLUMNS, local_wall_clock
from saferplaces.ingest.boundaries import read_boundaries
from saferplaces.ingest.mapped import load_mapping, parse_mapped
from saferplaces.ingest.policeuk import discover, read_file
from saferplaces.periods import DEFAULT_PERIOD_MONTHS, default_period
from saferplaces.spatial import AreaIndex, assign_points
from saferplaces.strategic.inputs import AssessmentInputs, Entered, Period

__all__ = ["DemoTown", "load_town", "demo_inputs", "PARTNER_FILES", "AREA_FILES"]

#: Partner file (relative to the town folder) → shipped mapping name.
PARTNER_FILES: dict[str, str] = {
    "partner/council-asb.csv": "council-asb",
    "partner/fire-deliberate.csv": "fire-deliberate",
    "partner/local-incidents.csv": "local-incidents",
}
#: Area file → (area kind, code field, name field); ``None`` lets the reader find the field.
AREA_FILES: dict[str, tuple[str, str | None, str | None]] = {
    "areas/lsoas.geojson": ("lsoa", "LSOA11CD", "LSOA11NM"),
    "areas/neighbourhoods.geojson": ("neighbourhood", "MSOA11CD", "MSOA11NM"),
    "areas/town-centre.geojson": ("town-centre", "name", "name"),
    "areas/pspo.geojson": ("pspo", "name", "name"),
}


@dataclass(frozen=True)
class DemoTown:
    """The incident table, area membership and areas of one generated town, and its truth."""

    incidents: pd.DataFrame
    membership: pd.DataFrame
    areas: pd.DataFrame
    ground_truth: dict[str, Any]
    folder: str

    @property
    def last_month(self) -> str:
        return str(self.ground_truth["period"]["end"])


def _read_areas(folder: Path) -> pd.DataFrame:
    rows = []
    for rel, (kind, code_field, name_field) in AREA_FILES.items():
        path = folder / rel
        if not path.exists():
            continue
        for record in read_boundaries(path, code_field=code_field, name_field=name_field):
            rows.append({"kind": kind, "code": record.code, "name": record.name,
                         "population": record.population, "geometry": record.geometry})
    return pd.DataFrame(rows, columns=["kind", "code", "name", "population", "geometry"])


def _read_incidents(folder: Path) -> pd.DataFrame:
    frames = [read_file(item).frame for item in discover([folder / "police-uk"])]
    for rel, mapping_name in PARTNER_FILES.items():
        path = folder / rel
        if path.exists():
            parsed = parse_mapped(path.read_bytes(), str(path), load_mapping(mapping_name))
            frames.append(parsed.frame)
    store = pd.concat(frames, ignore_index=True)
    out = pd.DataFrame({"id": np.arange(1, len(store) + 1, dtype=np.int64)})
    for column in INCIDENT_COLUMNS[1:]:
        out[column] = store[column].to_numpy()
    for column in FLAG_COLUMNS:
        out[column] = store[column].to_numpy(dtype=bool)
    out["month"] = pd.to_datetime(out["month"]).astype("datetime64[ns]")
    # as the store hands them over: minute times (parsed as UTC instants) become UK clock times
    out["occurred"] = local_wall_clock(pd.to_datetime(out["occurred"]).dt.tz_localize("UTC"), out["precision"])
    return out


def _membership(incidents: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    index = AreaIndex.build(list(range(len(areas))), areas["kind"].tolist(),
                            areas["code"].tolist(), areas["geometry"].tolist())
    rows, area_ids = assign_points(index, incidents["lon"].to_numpy(float),
                                   incidents["lat"].to_numpy(float),
                                   incidents["lsoa_code"].to_numpy(object))
    return pd.DataFrame({
        "incident_id": incidents["id"].to_numpy()[rows],
        "area_kind": areas["kind"].to_numpy(object)[area_ids],
        "area_code": areas["code"].to_numpy(object)[area_ids],
        "area_name": areas["name"].to_numpy(object)[area_ids],
    })


def load_town(folder: str | Path) -> DemoTown:
    """Read a generated demo town folder into the tables the assessment takes."""
    root = Path(folder)
    truth_path = root / "ground_truth.json"
    if not truth_path.exists():
        raise FileNotFoundError(f"{root}: no ground_truth.json; is this a generated demo town?")
    areas = _read_areas(root)
    incidents = _read_incidents(root)
    membership = _membership(incidents, areas)
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    return DemoTown(incidents, membership, areas, truth, str(root))


def demo_inputs(town: DemoTown, *, months: int = DEFAULT_PERIOD_MONTHS, entered: Entered | None = None,
                previous: dict[str, Any] | None = None) -> AssessmentInputs:
    """Assessment inputs for the last ``months`` months of a demo town, labelled synthetic."""
    return AssessmentInputs(
        incidents=town.incidents, membership=town.membership, areas=town.areas,
        period=Period(*default_period(town.last_month, months)), entered=entered or Entered(),
        previous=previous, synthetic=True,
    )

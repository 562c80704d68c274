"""GeoJSON and CSV output of per-cell grid results (counts, density, Gi*, hotspot classes).

GeoJSON follows RFC 7946: a FeatureCollection of cell polygons in WGS84 longitude/latitude
(EPSG:4326), exterior rings anticlockwise, coordinates rounded to 7 decimal places (about 1 cm).
The analysis parameters travel in a top-level ``"parameters"`` member (a foreign member, which
RFC 7946 §6.1 allows). Cell corners are projected from the grid's CRS (``Grid.crs``: British National Grid,
or a UTM zone outside Great Britain) with pyproj;
without the OSTN15 grid file pyproj uses the Helmert transformation, good to a few metres.
CSV has one row per cell: the cell's id, row and column, its centre in the grid's CRS (x, y) and WGS84
(lon, lat), then the same properties. :class:`GridOutput` gives a per-cell result these four
outputs as methods.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from saferplaces.analysis.grid import Grid
from saferplaces.analysis.jsonable import json_value
from saferplaces.geo import to_wgs84

__all__ = [
    "GridOutput",
    "cell_lonlat",
    "grid_feature_collection",
    "grid_frame",
    "json_value",
    "write_csv",
    "write_geojson",
]

_DECIMALS = 7


def _column_list(values: ArrayLike, cells: np.ndarray) -> list[Any]:
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        sub = arr[cells]
        out = sub.astype(object)
        out[~np.isfinite(sub)] = None
        listed: list[Any] = out.tolist()
        return listed
    return [json_value(v) for v in arr[cells].tolist()]


def _select(grid: Grid, cells: ArrayLike | None) -> np.ndarray:
    if cells is None:
        return np.arange(grid.n_cells, dtype=np.int64)
    sel = np.asarray(cells)
    if sel.dtype == bool:
        if sel.size != grid.n_cells:
            raise ValueError(f"cell mask has {sel.size} entries for {grid.n_cells} cells")
        return np.flatnonzero(sel)
    return sel.astype(np.int64)


def _check(grid: Grid, properties: Mapping[str, ArrayLike]) -> None:
    for name, col in properties.items():
        if np.asarray(col).shape[0] != grid.n_cells:
            raise ValueError(f"property {name!r} has {np.asarray(col).shape[0]} values "
                             f"for {grid.n_cells} cells")


def cell_lonlat(grid: Grid, cells: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude and latitude of cell centres (all cells, or those selected)."""
    idx = _select(grid, cells)
    cx, cy = grid.centres
    return to_wgs84(cx[idx], cy[idx], grid.crs)


def grid_feature_collection(
    grid: Grid,
    properties: Mapping[str, ArrayLike],
    parameters: Mapping[str, Any],
    *,
    cells: ArrayLike | None = None,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of cell polygons (WGS84) with per-cell properties.

    ``properties`` maps a name to one value per cell (NaN becomes null); ``cells`` (indices or
    a boolean mask) keeps only some cells, e.g. the non-empty ones. Each feature's ``id`` is
    the cell number; ``parameters`` goes in the collection's ``"parameters"`` member.
    """
    _check(grid, properties)
    idx = _select(grid, cells)
    rings = grid.vertices(idx)
    lon, lat = to_wgs84(rings[:, :, 0].ravel(), rings[:, :, 1].ravel(), grid.crs)
    coords = np.round(np.stack([lon, lat], axis=-1).reshape(rings.shape), _DECIMALS).tolist()
    row, col = idx // grid.ncols, idx % grid.ncols
    cols = {name: _column_list(v, idx) for name, v in properties.items()}
    names = list(cols)
    features = []
    for j, cell in enumerate(idx.tolist()):
        props: dict[str, Any] = {"cell": cell, "row": int(row[j]), "col": int(col[j])}
        for name in names:
            props[name] = cols[name][j]
        features.append({
            "type": "Feature",
            "id": cell,
            "geometry": {"type": "Polygon", "coordinates": [coords[j]]},
            "properties": props,
        })
    return {
        "type": "FeatureCollection",
        "parameters": json_value(dict(parameters)),
        "features": features,
    }


def grid_frame(
    grid: Grid, properties: Mapping[str, ArrayLike], *, cells: ArrayLike | None = None
) -> pd.DataFrame:
    """One row per cell: ``cell, row, col, x, y, lon, lat`` then the given properties."""
    _check(grid, properties)
    idx = _select(grid, cells)
    cx, cy = grid.centres
    lon, lat = to_wgs84(cx[idx], cy[idx], grid.crs)
    data: dict[str, Any] = {
        "cell": idx, "row": idx // grid.ncols, "col": idx % grid.ncols,
        "x": cx[idx], "y": cy[idx], "lon": lon, "lat": lat,
    }
    for name, values in properties.items():
        data[name] = np.asarray(values)[idx]
    return pd.DataFrame(data)


def write_geojson(path: str | Path, collection: Mapping[str, Any]) -> Path:
    """Write a FeatureCollection (from :func:`grid_feature_collection`) as UTF-8 JSON."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        json.dump(collection, fh, separators=(",", ":"), allow_nan=False)
    return path


def write_csv(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write a per-cell frame (from :func:`grid_frame`) as CSV without the index."""
    path = Path(path)
    frame.to_csv(path, index=False)
    return path


class GridOutput(ABC):
    """GeoJSON and CSV output for a per-cell grid result (mixed into its dataclass).

    The result supplies ``grid``, ``parameters``, ``columns()`` (one value per cell for each
    property, in order) and ``_cells(include_empty)`` (the cells to write: ``None`` for all,
    else indices or a boolean mask).
    """

    grid: Grid
    parameters: dict[str, Any]

    @abstractmethod
    def columns(self) -> Mapping[str, ArrayLike]:
        """The per-cell properties written to GeoJSON and CSV, in order."""

    @abstractmethod
    def _cells(self, include_empty: bool) -> ArrayLike | None:
        """The cells to write: ``None`` for all, else indices or a boolean mask."""

    def to_geojson(self, *, include_empty: bool = True) -> dict[str, Any]:
        """FeatureCollection of cell polygons (WGS84) with the properties and ``"parameters"``.

        ``include_empty=False`` leaves out the cells the result does not show (see its
        ``_cells``: e.g. cells with no incidents and no significant class).
        """
        return grid_feature_collection(self.grid, self.columns(), self.parameters,
                                       cells=self._cells(include_empty))

    def to_frame(self, *, include_empty: bool = True) -> pd.DataFrame:
        """One row per cell: id, row, col, x, y, lon, lat, then the properties."""
        return grid_frame(self.grid, self.columns(), cells=self._cells(include_empty))

    def write_geojson(self, path: str | Path, *, include_empty: bool = True) -> Path:
        """Write :meth:`to_geojson` to ``path`` (UTF-8 JSON); returns the path."""
        return write_geojson(path, self.to_geojson(include_empty=include_empty))

    def write_csv(self, path: str | Path, *, include_empty: bool = True) -> Path:
        """Write :meth:`to_frame` to ``path`` (CSV without the index); returns the path."""
        return write_csv(path, self.to_frame(include_empty=include_empty))

"""Hot spots for the map: Getis–Ord Gi* and kernel density over the selected months, category
and source, as grid cells in WGS84.

- The statistics are the library's (``saferplaces.analysis.hotspots``: the grid, ``kde`` and
  ``gistar``); Gi* uses the normal-approximation p-values with Benjamini–Hochberg FDR (as
  ArcGIS and sfhotspot do), which need no permutations, so a map request never waits for them.
- The points come from the incident store's access helper: a user who may not see exact
  locations of sensitive incidents gets hot spots of the other incidents only (a small cell
  around one sensitive incident would otherwise show where it happened). The public site gets
  no hot spots (its map shows counts by area only).
- A result is computed once per store state (``access.store_state``: an ingest or a retention
  deletion changes it), parameters and kind of reader, and kept: the last ``MOST_KEPT``
  results, so moving the time slider back and forth reads them from memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from saferplaces.apps.incidents import queries
from saferplaces.apps.incidents.access import IncidentScope, sensitive_filter, store_state
from saferplaces.geo import to_bng

__all__ = ["HotspotQuery", "MOST_KEPT", "MIN_POINTS", "hotspot_collection"]

Method = Literal["gistar", "kde"]

#: Results kept in memory (each a few hundred cells at most).
MOST_KEPT = 32
#: Fewer located incidents than this make no surface worth drawing (Gi* compares cells with
#: their neighbours; with a handful of points every cell is "not significant").
MIN_POINTS = 10
#: KDE cells drawn: those at or above this share of the highest density, in four bands.
KDE_FLOOR = 0.25
KDE_COLOURS = ("#fcd2c9", "#f499be", "#d53880", "#912b88")
GISTAR_COLOURS = {"hotspot": "#d4351c", "coldspot": "#1d70b8"}

_kept: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class HotspotQuery:
    """What to analyse: months ``start``..``end`` (YYYY-MM), one ``category`` or all (None),
    one ``source`` (None: every source, which may count police.uk crimes twice)."""

    method: Method
    start: str
    end: str
    category: str | None
    source: str | None


def hotspot_collection(scope: IncidentScope, query: HotspotQuery) -> dict[str, Any]:
    """The hot spot cells for ``scope``'s reader (module docstring), cached."""
    if scope.public:
        return _empty("The public map shows counts by area only.")
    key = (store_state(), query, scope.exact_sensitive)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    collection = _compute(scope, query)
    with _lock:
        _kept[key] = collection
        while len(_kept) > MOST_KEPT:
            _kept.popitem(last=False)
    return collection


def _empty(note: str) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [], "note": note}


def _points(scope: IncidentScope, query: HotspotQuery) -> tuple[np.ndarray, np.ndarray]:
    located = scope.incidents.filter(month__gte=queries.parse_month(query.start),
                                     month__lte=queries.parse_month(query.end),
                                     lat__isnull=False, lon__isnull=False)
    if query.source:
        located = located.filter(source=query.source)
    if query.category:
        located = located.filter(category=query.category)
    if not scope.exact_sensitive:
        located = located.exclude(sensitive_filter(scope.rules))
    rows = np.array(list(located.values_list("x", "y", "lon", "lat").order_by()), dtype=float)
    if rows.size == 0:
        return np.empty(0), np.empty(0)
    x, y = rows[:, 0], rows[:, 1]
    missing = np.isnan(x) | np.isnan(y)
    if missing.any():
        x[missing], y[missing] = to_bng(rows[missing, 2], rows[missing, 3])
    return x, y


def _compute(scope: IncidentScope, query: HotspotQuery) -> dict[str, Any]:
    # The statistics load numba (seconds): only when a hot spot layer is first asked for,
    # not whenever Django starts.
    from saferplaces.analysis.geoout import grid_feature_collection
    from saferplaces.analysis.grid import GridTooLargeError
    from saferplaces.analysis.hotspots import hotspots

    x, y = _points(scope, query)
    properties: dict[str, Any]
    if x.size < MIN_POINTS:
        return _empty(f"Too few located incidents ({x.size}) for hot spots: choose more months "
                      "or all categories.")
    try:
        result = hotspots(x, y, method=query.method, permutations=0, p_value="normal")
    except (GridTooLargeError, ValueError) as exc:
        return _empty(f"No hot spots: {exc}")
    if query.method == "gistar":
        assert result.hotspot is not None and result.z is not None
        keep = result.hotspot != "not significant"
        labels = result.hotspot
        colours = np.array([GISTAR_COLOURS.get(str(label), "") for label in labels], dtype=object)
        names = np.array([_gistar_name(str(label), int(n), float(z))
                          for label, n, z in zip(labels, result.counts, result.z, strict=True)],
                         dtype=object)
        properties = {"count": result.counts, "gi_z": result.z, "p_fdr": result.p_fdr,
                      "hotspot": labels, "colour": colours, "name": names}
    else:
        density = result.density_per_km2
        top = float(density.max()) if density.size else 0.0
        keep = density >= KDE_FLOOR * top if top > 0 else np.zeros(density.size, bool)
        share = np.where(top > 0, density / (top or 1.0), 0.0)
        band = np.clip(((share - KDE_FLOOR) / (1 - KDE_FLOOR) * 4).astype(int), 0, 3)
        colours = np.array([KDE_COLOURS[b] for b in band], dtype=object)
        names = np.array([f"Kernel density {d:,.0f} incidents per km² ({int(s * 100)}% of the highest)"
                          for d, s in zip(density, share, strict=True)], dtype=object)
        properties = {"count": result.counts, "density": density, "colour": colours, "name": names}
    parameters = {"cell_size_m": result.parameters["cell_size_m"],
                  "rule": result.parameters["hotspot_rule"],
                  "incidents": int(x.size), "start": query.start, "end": query.end,
                  "exact_sensitive": scope.exact_sensitive}
    collection = grid_feature_collection(result.grid, properties, parameters, cells=keep)
    # Strongest first, so the text list under the map starts with what matters most.
    order = "gi_z" if query.method == "gistar" else "density"
    collection["features"].sort(key=lambda f: -abs(f["properties"][order] or 0.0))
    return collection


def _gistar_name(label: str, count: int, z: float) -> str:
    kind = "Hot spot" if label == "hotspot" else "Cold spot"
    return f"{kind}: {count:,} incident{'s' if count != 1 else ''} in the cell, Gi* z {z:+.1f}"

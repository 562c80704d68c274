"""One call from incident points to a hotspot grid: counts, kernel density and Getis–Ord Gi*.

``hotspots(x, y)`` builds a grid (``grid``), counts incidents per cell, estimates a kernel
density surface (``kde``) and, with ``method="gistar"``, tests each cell with Getis–Ord Gi*
(``gistar``; Getis & Ord 1992, Ord & Getis 1995) using conditional permutation p-values and
Benjamini–Hochberg FDR. Coordinates are British National Grid metres (EPSG:27700); output is
GeoJSON in WGS84 or a per-cell table (``geoout``).

A cell is a *hotspot* when its Gi* z-score is positive and its FDR-adjusted p-value is below
``alpha``; a *coldspot* when the z-score is negative and the adjusted p-value below ``alpha``.
KDE alone is a smoothed map, not a test, so ``method="kde"`` labels no cells.

Which p-values go into the FDR (``p_value``)
    ``"permutation"`` uses the conditional-permutation pseudo p-values, ``"normal"`` the
    normal approximation of z (as ArcGIS and sfhotspot do). ``"auto"`` (default) uses the
    permutation p-values when ``permutations`` are enough for BH-FDR to flag a cluster of 10
    cells (see ``gistar.fdr_floor_cells``) and otherwise the normal ones, saying so in
    ``parameters["gistar"]["p_source_reason"]``: 999 permutations over 2,500 cells need 100
    cells at the smallest attainable p before any can pass FDR, which would hide real hotspots.
    Both sets of p-values are always in the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.analysis.geoout import GridOutput, json_value
from saferplaces.analysis.gistar import (
    Alternative,
    GiStarResult,
    fdr_floor_cells,
    gi_star,
    grid_weights,
)
from saferplaces.analysis.grid import DEFAULT_MAX_CELLS, Grid, GridKind, count_points, make_grid
from saferplaces.analysis.kde import KDEResult, Kernel, kde

__all__ = ["HotspotResult", "choose_p_value", "hotspots"]

PValueChoice = Literal["auto", "permutation", "normal"]
_AUTO_MIN_CLUSTER = 10


def choose_p_value(
    n_cells: int,
    permutations: int,
    alpha: float,
    alternative: Alternative,
    p_value: PValueChoice,
) -> tuple[Literal["permutation", "normal"], str]:
    """Resolve ``p_value="auto"``: permutation p-values if FDR can flag a 10-cell cluster."""
    if p_value == "permutation":
        if permutations <= 0:
            raise ValueError("p_value='permutation' needs permutations > 0")
        return "permutation", "requested"
    if p_value == "normal":
        return "normal", "requested"
    if p_value != "auto":
        raise ValueError(f"p_value must be 'auto', 'permutation' or 'normal', got {p_value!r}")
    if permutations <= 0:
        return "normal", "no permutations"
    need = fdr_floor_cells(n_cells, permutations, alpha, alternative)
    if need <= _AUTO_MIN_CLUSTER:
        return "permutation", (
            f"{permutations} permutations let BH-FDR flag clusters of {need} or more cells")
    return "normal", (
        f"with {permutations} permutations over {n_cells:,} cells, BH-FDR could flag no "
        f"cluster smaller than {need:,} cells, so the FDR uses normal-approximation p-values; "
        "permutation p-values are reported as p_sim (raise permutations to use them)")


@dataclass(frozen=True, eq=False)
class HotspotResult(GridOutput):
    """Per-cell hotspot results on a grid, with every parameter used (``parameters``).

    Arrays are in cell order (see ``Grid``). ``z``, ``p``, ``p_sim``, ``p_fdr`` and
    ``hotspot`` are None for ``method="kde"``.
    """

    grid: Grid
    counts: np.ndarray
    density_per_km2: np.ndarray
    expected_count: np.ndarray
    z: np.ndarray | None
    p: np.ndarray | None
    p_sim: np.ndarray | None
    p_fdr: np.ndarray | None
    hotspot: np.ndarray | None
    parameters: dict[str, Any] = field(default_factory=dict)
    kde: KDEResult | None = None
    gistar: GiStarResult | None = None

    def columns(self) -> dict[str, np.ndarray]:
        """The per-cell properties written to GeoJSON and CSV, in order."""
        n = self.grid.n_cells
        nan = np.full(n, np.nan)
        none = np.full(n, None, dtype=object)
        return {
            "count": self.counts,
            "density": self.density_per_km2,
            "expected_count": self.expected_count,
            "gi_z": self.z if self.z is not None else nan,
            "p": self.p if self.p is not None else nan,
            "p_sim": self.p_sim if self.p_sim is not None else nan,
            "p_fdr": self.p_fdr if self.p_fdr is not None else nan,
            "hotspot": self.hotspot if self.hotspot is not None else none,
        }

    def _cells(self, include_empty: bool) -> np.ndarray | None:
        """All cells, or without ``include_empty`` those with incidents or a significant class
        (so empty cells that are cold spots stay)."""
        if include_empty:
            return None
        keep = self.counts > 0
        if self.hotspot is not None:
            keep |= self.hotspot != "not significant"
        return keep

    def summary(self) -> dict[str, Any]:
        """Headline numbers: cells, incidents counted, hot and cold cells."""
        out: dict[str, Any] = {
            "cells": self.grid.n_cells,
            "incidents_counted": int(np.asarray(self.counts).sum()),
            "incidents_outside_grid": self.parameters.get("n_outside", 0),
        }
        if self.hotspot is not None:
            out["hotspot_cells"] = int((self.hotspot == "hotspot").sum())
            out["coldspot_cells"] = int((self.hotspot == "coldspot").sum())
        return out

    def to_dict(self) -> dict[str, Any]:
        """Parameters and summary, JSON-ready (per-cell values: ``to_geojson``/``to_frame``)."""
        out: dict[str, Any] = json_value({"parameters": self.parameters, "summary": self.summary()})
        return out


def _nice_floor(value: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above ``value`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    return max(m * power for m in (1, 2, 5) if m * power <= value)


def _too_few_cells(grid: Grid, x: np.ndarray, y: np.ndarray) -> str:
    """Why the grid has too few cells for Gi*, with advice that fits these points.

    A smaller cell only helps when the points cover some ground; when they (nearly) all share
    one place, the coordinates are the problem, usually a default location filled in for
    unknown ones.
    """
    ok = np.isfinite(x) & np.isfinite(y)
    n = int(ok.sum())
    places, counts = np.unique(np.column_stack([x[ok], y[ok]]), axis=0, return_counts=True)
    top = int(counts.argmax())
    where = f"({places[top][0]:.0f}, {places[top][1]:.0f})"
    width, height = float(np.ptp(x[ok])), float(np.ptp(y[ok]))
    check = ("Gi* compares each cell with its neighbours, so there is nothing to compare, and a "
             "smaller cell would not change that. Check the coordinates: one place repeated is "
             "usually a default location (a police station, council office or area centroid) "
             "filled in for unknown ones; fix or leave out those rows.")
    if len(places) == 1:
        return f"all {n:,} points are at one place {where}. {check}"
    if counts[top] * 2 > n:
        return (f"{counts[top]:,} of {n:,} points are at one place {where}, so the grid around "
                f"them has only {grid.n_cells} cell(s). {check}")
    longer = max(width, height)
    if longer < 10.0:
        return f"all {n:,} points lie within {longer:.1f} m of each other. {check}"
    return (f"the points span only {width:,.0f} m by {height:,.0f} m, so a {grid.cell_size:g} m grid "
            f"has {grid.n_cells} cell(s) and Gi* needs at least 3: use a cell size of "
            f"{_nice_floor(longer / 4):g} m or less.")


def hotspots(
    x: ArrayLike,
    y: ArrayLike,
    *,
    method: Literal["kde", "gistar"] = "kde",
    cell_size: float | None = None,
    bandwidth: float | None = None,
    kernel: Kernel = "quartic",
    weights: Literal["distance", "knn"] = "distance",
    distance: float | None = None,
    k: int | None = None,
    permutations: int = 999,
    seed: int = 0,
    bounds: tuple[float, float, float, float] | None = None,
    grid_type: GridKind = "square",
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    p_value: PValueChoice = "auto",
    max_cells: int = DEFAULT_MAX_CELLS,
    crs: str = "EPSG:27700",
) -> HotspotResult:
    """Hotspot grid for incident points in metres of ``crs`` (British National Grid unless
    given, e.g. a UTM zone): counts, KDE, and (``gistar``) Gi*.

    Methods: kernel density estimation (Silverman 1986; Chainey & Ratcliffe 2005) and
    Getis–Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) with conditional permutation p-values
    (Anselin 1995) and Benjamini–Hochberg FDR (1995). See the module docstrings of ``grid``,
    ``kde`` and ``gistar`` for defaults: cell size (sfhotspot's rule), bandwidth
    (``MASS::bandwidth.nrd``), neighbours (distance band of ``cell_size·√2``, or ``cell_size``
    for hexagons), and the ``p_value`` choice in this module's docstring.
    """
    if method not in ("kde", "gistar"):
        raise ValueError(f"method must be 'kde' or 'gistar', got {method!r}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    grid = make_grid(x, y, cell_size=cell_size, kind=grid_type, bounds=bounds,
                     max_cells=max_cells, crs=crs)
    counts = count_points(grid, x, y)
    dens = kde(grid, x, y, bandwidth=bandwidth, kernel=kernel)
    params: dict[str, Any] = {
        "method": method,
        "crs_analysis": grid.crs,
        "crs_output": "EPSG:4326",
        "cell_size_m": grid.cell_size,
        "grid": grid.to_dict(),
        "n_points": int(x.size),
        "n_outside": grid.n_outside,
        "kde": dens.parameters(),
        "density_units": "incidents per km2 at the cell centre",
        "references": [dens.method],
    }
    z = p = p_sim = p_fdr = labels = None
    gi = None
    if method == "gistar":
        if grid.n_cells < 3:
            raise ValueError(_too_few_cells(grid, x, y))
        w, info = grid_weights(grid, weights, distance=distance, k=k)
        source, reason = choose_p_value(grid.n_cells, permutations, alpha, alternative, p_value)
        gi = gi_star(counts, w, permutations=permutations, seed=seed, alternative=alternative,
                     p_value=source, weights_info=info)
        z, p, p_sim, p_fdr = gi.z, gi.p, gi.p_sim, gi.p_fdr
        labels = gi.labels(alpha)
        params["gistar"] = gi.parameters() | {"p_source_reason": reason}
        params["alpha"] = alpha
        params["hotspot_rule"] = (
            f"hotspot: Gi* z > 0 and BH-FDR adjusted p < {alpha:g}; "
            f"coldspot: z < 0 and adjusted p < {alpha:g}")
        params["references"].append(gi.method)
    else:
        params["hotspot_rule"] = "none: KDE is a smoothed surface, not a significance test"
    return HotspotResult(
        grid=grid, counts=counts, density_per_km2=dens.density_per_km2,
        expected_count=dens.expected_count, z=z, p=p, p_sim=p_sim, p_fdr=p_fdr, hotspot=labels,
        parameters=params, kde=dens, gistar=gi,
    )

"""Regular grids in British National Grid metres: square and hexagonal cells, and point counts.

A grid is the common support for kernel density (``kde``), Getis–Ord Gi* (``gistar``) and the
hotspot classification over time (``hotspot_classify``).

Cell size
    When no ``cell_size`` is given we follow sfhotspot's rule (Ashby, *sfhotspot*, R package,
    ``set_cell_size``): the shorter side of the data's bounding box divided by 50, rounded DOWN to
    a multiple of 100 m. sfhotspot falls back to the unrounded side/50 when the rounding gives
    0 (short side under 5 km); we instead use 100 m as the minimum, because police.uk locations
    are snapped to anonymous map points and cells finer than 100 m mostly map the snapping.
    A degenerate box (all points on one line or one point) also gets 100 m.

Stray points
    A handful of mis-geocoded records (a default of 0,0, a force HQ, a typo in an easting) can
    blow a town-sized grid up to a national one. Unless explicit ``bounds=`` are given, the grid
    covers the 0.5%–99.5% quantile range of each axis widened by a margin of 5% of that range
    on each side, clipped to the data's own extent. Points outside are dropped and counted
    (``Grid.n_outside``), and a grid above ``max_cells`` cells is refused with a clear error.

Cell numbering
    Cells are numbered row by row from the south-west: ``cell = row * ncols + col``, rows
    running north and columns east. Square cells are ``[x0 + col*c, x0 + (col+1)*c) ×
    [y0 + row*c, y0 + (row+1)*c)``: a point on an inner edge belongs to the cell east/north of it,
    and one on the grid's own east or north edge to the last column or row. So a 5 km box
    with 100 m cells is exactly 50 × 50 cells.
    Hexagons are pointy-topped in "odd-r" offset layout (odd rows shifted half a cell east);
    their ``cell_size`` is the distance between opposite flat sides, which is also the distance
    between the centres of adjacent cells.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DEFAULT_MAX_CELLS",
    "Grid",
    "GridTooLargeError",
    "count_points",
    "default_cell_size",
    "make_grid",
    "robust_bounds",
]

GridKind = Literal["square", "hex"]
Bounds = tuple[float, float, float, float]

DEFAULT_MAX_CELLS = 2_000_000
_SQRT3 = math.sqrt(3.0)


class GridTooLargeError(ValueError):
    """The requested grid would have more cells than allowed."""


@dataclass(frozen=True, eq=False)
class Grid:
    """A regular grid of square or hexagonal cells in projected metres (EPSG:27700).

    ``x0, y0`` is the south-west corner of the grid's bounding rectangle. ``n_points`` and
    ``n_outside`` record how many points the grid was built from and how many of those fell
    outside every cell (out of bounds, or with missing coordinates) and so are not counted.
    """

    kind: GridKind
    x0: float
    y0: float
    cell_size: float
    nrows: int
    ncols: int
    crs: str = "EPSG:27700"
    bounds_rule: str = "explicit"
    n_points: int = 0
    n_outside: int = 0

    # -- geometry -------------------------------------------------------------------------
    @property
    def origin(self) -> tuple[float, float]:
        """South-west corner ``(x0, y0)`` of the grid's bounding rectangle, in metres."""
        return (self.x0, self.y0)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nrows, self.ncols)

    @property
    def n_cells(self) -> int:
        return self.nrows * self.ncols

    @property
    def row_step(self) -> float:
        """Distance between the centre lines of consecutive rows (metres)."""
        return self.cell_size if self.kind == "square" else 1.5 * self.circumradius

    @property
    def circumradius(self) -> float:
        """Centre-to-vertex distance: ``c/√2`` for squares, ``c/√3`` for hexagons."""
        return self.cell_size / (math.sqrt(2.0) if self.kind == "square" else _SQRT3)

    @property
    def cell_area(self) -> float:
        """Area of one cell in m²: ``c²`` (square) or ``(√3/2)·c²`` (hexagon)."""
        c = self.cell_size
        return c * c if self.kind == "square" else 0.5 * _SQRT3 * c * c

    @property
    def extent(self) -> Bounds:
        """(xmin, ymin, xmax, ymax) of the rectangle enclosing every cell."""
        if self.kind == "square":
            w, h = self.ncols * self.cell_size, self.nrows * self.cell_size
        else:
            w = (self.ncols + (0.5 if self.nrows > 1 else 0.0)) * self.cell_size
            h = 2 * self.circumradius + (self.nrows - 1) * self.row_step
        return (self.x0, self.y0, self.x0 + w, self.y0 + h)

    def rows_cols(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Row and column of every cell, in cell order."""
        cells = np.arange(self.n_cells, dtype=np.int64)
        return cells // self.ncols, cells % self.ncols

    @cached_property
    def centres(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Cell centres (x, y) in metres, in cell order (read-only arrays)."""
        row, col = self.rows_cols()
        c = self.cell_size
        if self.kind == "square":
            cx = self.x0 + (col + 0.5) * c
            cy = self.y0 + (row + 0.5) * c
        else:
            cx = self.x0 + 0.5 * c + col * c + 0.5 * c * (row % 2)
            cy = self.y0 + self.circumradius + row * self.row_step
        # Already float64 (no copy is made); astype states it for the type checker.
        x_out, y_out = cx.astype(np.float64, copy=False), cy.astype(np.float64, copy=False)
        x_out.setflags(write=False)
        y_out.setflags(write=False)
        return x_out, y_out

    def vertices(self, cells: ArrayLike | None = None) -> NDArray[np.float64]:
        """Closed rings of cell corners, shape ``(n, 5, 2)`` (square) or ``(n, 7, 2)`` (hex).

        Rings run anticlockwise (exterior rings per RFC 7946). ``cells`` selects cells by
        index; all cells when omitted.
        """
        cx, cy = self.centres
        if cells is not None:
            idx = np.asarray(cells, dtype=np.int64)
            cx, cy = cx[idx], cy[idx]
        if self.kind == "square":
            h = 0.5 * self.cell_size
            dx = np.array([-h, h, h, -h, -h])
            dy = np.array([-h, -h, h, h, -h])
        else:
            angles = np.deg2rad(np.array([-90, -30, 30, 90, 150, 210, 270], dtype=float))
            dx = self.circumradius * np.cos(angles)
            dy = self.circumradius * np.sin(angles)
        out = np.empty((cx.size, dx.size, 2))
        out[:, :, 0] = cx[:, None] + dx[None, :]
        out[:, :, 1] = cy[:, None] + dy[None, :]
        return out

    def polygons(self, cells: ArrayLike | None = None) -> NDArray[np.object_]:
        """Cell polygons as a numpy array of shapely Polygons (built on demand)."""
        import shapely

        polygons: NDArray[np.object_] = shapely.polygons(self.vertices(cells))
        return polygons

    # -- locating points -------------------------------------------------------------------
    def locate(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.int64]:
        """Cell index of each point; -1 for points outside the grid or with NaN coordinates."""
        x = np.asarray(x, dtype=float).ravel()
        y = np.asarray(y, dtype=float).ravel()
        if x.shape != y.shape:
            raise ValueError(f"x and y differ in length ({x.size} vs {y.size})")
        if self.kind == "square":
            with np.errstate(invalid="ignore"):
                col = np.floor((x - self.x0) / self.cell_size)
                row = np.floor((y - self.y0) / self.cell_size)
                # the grid's own east and north edges belong to the last column / row
                col[(col == self.ncols) & (x == self.x0 + self.ncols * self.cell_size)] -= 1
                row[(row == self.nrows) & (y == self.y0 + self.nrows * self.cell_size)] -= 1
        else:
            row, col = self._hex_row_col(x, y)
        ok = (
            np.isfinite(row) & np.isfinite(col)
            & (row >= 0) & (row < self.nrows) & (col >= 0) & (col < self.ncols)
        )
        out = np.full(x.size, -1, dtype=np.int64)
        out[ok] = row[ok].astype(np.int64) * self.ncols + col[ok].astype(np.int64)
        return out

    def _hex_row_col(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        # Axial coordinates of a pointy-topped hex lattice, then cube rounding to the nearest
        # centre (the standard construction, e.g. Patel, "Hexagonal Grids", Red Blob Games).
        r_size = self.circumradius
        px = x - (self.x0 + 0.5 * self.cell_size)
        py = y - (self.y0 + r_size)
        q = (_SQRT3 / 3.0 * px - py / 3.0) / r_size
        r = (2.0 / 3.0 * py) / r_size
        s = -q - r
        with np.errstate(invalid="ignore"):
            rq, rr, rs = np.round(q), np.round(r), np.round(s)
            dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
            fix_q = (dq > dr) & (dq > ds)
            fix_r = ~fix_q & (dr > ds)
        rq = np.where(fix_q, -rr - rs, rq)
        rr = np.where(fix_r, -rq - rs, rr)
        row = rr
        with np.errstate(invalid="ignore"):
            col = rq + np.floor(rr / 2.0)
        return row, col

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the grid (no per-cell arrays)."""
        d = asdict(self)
        d.update(n_cells=self.n_cells, cell_area_m2=self.cell_area, extent=list(self.extent))
        return d


def robust_bounds(
    x: ArrayLike, y: ArrayLike, *, trim: float = 0.005, margin: float = 0.05
) -> Bounds:
    """Bounding box that ignores stray far-away points.

    Per axis: the ``trim`` and ``1 - trim`` quantiles, widened by ``margin`` times their
    distance on each side, then clipped to the data's own minimum and maximum. Non-finite
    coordinates are ignored. With the defaults (0.5%–99.5%, 5% margin), points of a uniform
    spread are all kept, while a record 50 km from a town is left out.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        raise ValueError("no point has finite coordinates, so there is nothing to grid")
    if not 0.0 <= trim < 0.5:
        raise ValueError(f"trim must be in [0, 0.5), got {trim}")
    out = []
    for v in (x[ok], y[ok]):
        lo_q, hi_q = np.quantile(v, [trim, 1.0 - trim])
        pad = margin * (hi_q - lo_q)
        out.append((max(float(v.min()), lo_q - pad), min(float(v.max()), hi_q + pad)))
    (xmin, xmax), (ymin, ymax) = out
    return (float(xmin), float(ymin), float(xmax), float(ymax))


def default_cell_size(bounds: Bounds, *, cells_on_short_side: int = 50) -> float:
    """sfhotspot's rule: shorter side / 50, rounded down to a multiple of 100 m, at least 100 m.

    Reference: Ashby, M. P. J. *sfhotspot: Hot-Spot Analysis with Simple Features* (R package),
    ``set_cell_size``. Where sfhotspot falls back to the unrounded side/50 for boxes under 5 km,
    we use the 100 m minimum (see the module docstring).
    """
    xmin, ymin, xmax, ymax = bounds
    short = min(xmax - xmin, ymax - ymin)
    rounded = math.floor(short / cells_on_short_side / 100.0) * 100.0
    return float(max(100.0, rounded))


def _check_cells(nrows: int, ncols: int, cell_size: float, max_cells: int) -> None:
    n = nrows * ncols
    if n > max_cells:
        raise GridTooLargeError(
            f"a {cell_size:g} m grid over this area would have {n:,} cells "
            f"({nrows:,} rows x {ncols:,} columns), more than max_cells={max_cells:,}. "
            "Use a larger cell_size, pass bounds= for the area you study, or raise max_cells."
        )


def make_grid(
    x: ArrayLike | None = None,
    y: ArrayLike | None = None,
    *,
    cell_size: float | None = None,
    kind: GridKind = "square",
    bounds: Bounds | None = None,
    trim: float = 0.005,
    margin: float = 0.05,
    max_cells: int = DEFAULT_MAX_CELLS,
    crs: str = "EPSG:27700",
) -> Grid:
    """Build a square or hexagonal grid covering points (or explicit ``bounds``), in metres.

    Parameters
    ----------
    x, y : easting/northing in metres (EPSG:27700). Optional when ``bounds`` is given; when
        given, ``Grid.n_points`` / ``Grid.n_outside`` say how many fell outside the grid.
    cell_size : metres; default from :func:`default_cell_size` (sfhotspot's rule, 100 m minimum).
    kind : ``"square"`` or ``"hex"``.
    bounds : ``(xmin, ymin, xmax, ymax)``; default :func:`robust_bounds` of the points.
    max_cells : refuse (``GridTooLargeError``) grids with more cells than this.
    crs : the projected CRS the metres are in (``EPSG:27700``, or e.g. a UTM zone), recorded on
        the grid so output is converted back to WGS84 correctly.

    The grid origin is snapped to a multiple of the cell size (square) or of the lattice
    spacing (hex), so grids of the same cell size over overlapping areas share cell edges.
    """
    if kind not in ("square", "hex"):
        raise ValueError(f"kind must be 'square' or 'hex', got {kind!r}")
    if (x is None) != (y is None):
        raise ValueError("give both x and y, or neither")
    if bounds is None:
        if x is None or y is None:  # both or neither (checked above)
            raise ValueError("give points (x, y) or bounds=(xmin, ymin, xmax, ymax)")
        bounds = robust_bounds(x, y, trim=trim, margin=margin)
        rule = f"robust quantiles {trim:g}-{1 - trim:g} with {margin:g} margin"
    else:
        rule = "explicit"
    xmin, ymin, xmax, ymax = (float(b) for b in bounds)
    if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
        raise ValueError(f"bounds must be finite, got {bounds}")
    if xmax < xmin or ymax < ymin:
        raise ValueError(f"bounds must be (xmin, ymin, xmax, ymax) with min <= max, got {bounds}")
    if cell_size is None:
        cell_size = default_cell_size((xmin, ymin, xmax, ymax))
    cell_size = float(cell_size)
    if not (math.isfinite(cell_size) and cell_size > 0):
        raise ValueError(f"cell_size must be a positive number of metres, got {cell_size}")

    if kind == "square":
        x0 = math.floor(xmin / cell_size) * cell_size
        y0 = math.floor(ymin / cell_size) * cell_size
        ncols = max(1, math.ceil((xmax - x0) / cell_size))
        nrows = max(1, math.ceil((ymax - y0) / cell_size))
    else:
        r_size = cell_size / _SQRT3
        row_step = 1.5 * r_size
        # Snap so that centres sit on a lattice anchored at multiples of the spacing; pad one
        # cell / row each side so the hexagons' zig-zag edges still cover the bounds.
        x0 = math.floor((xmin - cell_size) / cell_size) * cell_size
        y0 = math.floor((ymin - 2 * r_size) / (2 * row_step)) * (2 * row_step)
        ncols = math.floor((xmax - x0) / cell_size) + 2
        nrows = math.floor((ymax - y0) / row_step) + 2
    _check_cells(nrows, ncols, cell_size, max_cells)
    grid = Grid(kind=kind, x0=float(x0), y0=float(y0), cell_size=cell_size, nrows=int(nrows),
                ncols=int(ncols), crs=crs, bounds_rule=rule)
    if x is None or y is None:  # both or neither (checked above)
        return grid
    idx = grid.locate(x, y)
    return Grid(kind=kind, x0=grid.x0, y0=grid.y0, cell_size=cell_size, nrows=grid.nrows,
                ncols=grid.ncols, crs=crs, bounds_rule=rule, n_points=int(idx.size),
                n_outside=int((idx < 0).sum()))


def count_points(
    grid: Grid, x: ArrayLike, y: ArrayLike, weights: ArrayLike | None = None
) -> np.ndarray:
    """Number of points in each cell (vectorised ``numpy.bincount``), in cell order.

    Points outside the grid or with missing coordinates are dropped (``grid.locate`` gives -1;
    count them with ``(grid.locate(x, y) < 0).sum()``). With ``weights`` (e.g. harm scores)
    the result is the sum of weights per cell, as float; otherwise int64 counts.
    """
    idx = grid.locate(x, y)
    keep = idx >= 0
    if weights is None:
        return np.bincount(idx[keep], minlength=grid.n_cells).astype(np.int64)
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != idx.size:
        raise ValueError(f"weights has {w.size} values for {idx.size} points")
    return np.bincount(idx[keep], weights=w[keep], minlength=grid.n_cells)

"""Charts and maps for the report, drawn with matplotlib and embedded as base64 PNG data URIs.

No map tiles and no network: hotspot maps draw grid cells over the neighbourhood outlines in
British National Grid metres. Figures are built with ``matplotlib.figure.Figure`` directly (no
pyplot state), so rendering is safe in a web worker.
"""

from __future__ import annotations

import base64
import functools
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from saferplaces.geo import to_bng  # noqa: E402
from saferplaces.periods import month_name  # noqa: E402

__all__ = ["bar_chart", "clear_cache", "column_chart", "figure_uri", "history_chart", "hotspot_map",
           "year_on_year_chart"]

BLUE = "#1d70b8"
GREY = "#505a5f"
RED = "#d4351c"
ORANGE = "#f47738"
DPI = 110


_CACHES: list[Any] = []


def clear_cache() -> None:
    """Forget remembered images (benchmarks time drawing from scratch)."""
    for cache in _CACHES:
        cache.cache_clear()


def _memo(draw: Callable[..., str]) -> Callable[..., str]:
    """Remember the last images drawn from the same data: the full and public reports share
    most charts, and a stored report re-renders without redrawing them."""
    @functools.lru_cache(maxsize=64)
    def cached(key: str) -> str:
        args, kwargs = json.loads(key)
        return draw(*args, **kwargs)

    _CACHES.append(cached)

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        return cached(json.dumps([args, kwargs], sort_keys=True, default=_plain))
    return wrapper


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    raise TypeError(f"cannot key a chart on {type(v).__name__}")


def figure_uri(fig: Figure) -> str:
    """PNG of ``fig`` as a ``data:image/png;base64,...`` URI."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


@_memo
def year_on_year_chart(months: Sequence[str], monthly: Sequence[int], n_months: int,
                       title: str) -> str:
    """The assessment year's monthly counts against the year before's, month by month."""
    values = np.asarray(monthly, dtype=float)
    fig = Figure(figsize=(6.4, 2.5))
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.88)
    ax = fig.add_subplot()
    this = values[-n_months:]
    labels = [m for m in months[-n_months:]]
    x = np.arange(len(this))
    if values.size >= 2 * n_months:
        before = values[-2 * n_months:-n_months]
        ax.plot(x, before, color=GREY, linestyle="--", marker="o", markersize=3,
                label="year before")
    ax.plot(x, this, color=BLUE, marker="o", markersize=3, label="assessment year")
    ax.set_xticks(x)
    ax.set_xticklabels([month_name(m, short=True) for m in labels], fontsize=7)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("incidents per month", fontsize=8)
    ax.set_title(title, fontsize=9, loc="left")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    _style(ax)
    return figure_uri(fig)


@_memo
def history_chart(months: Sequence[str], series: dict[str, Sequence[int]], title: str) -> str:
    """Monthly counts over the whole history, one line per series."""
    fig = Figure(figsize=(6.8, 2.6))
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.88)
    ax = fig.add_subplot()
    x = np.arange(len(months))
    for (label, values), colour in zip(series.items(), (BLUE, ORANGE, GREY, RED),
                                       strict=False):
        ax.plot(x, np.asarray(values, float), color=colour, linewidth=1.5, label=label)
    step = max(1, len(months) // 12)
    ticks = [i for i in range(len(months))
             if months[i].endswith("-01") or i == 0][:: max(1, step // 3)]
    ax.set_xticks(ticks)
    ax.set_xticklabels([months[i] for i in ticks], fontsize=7)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("incidents per month", fontsize=8)
    ax.set_title(title, fontsize=9, loc="left")
    ax.legend(fontsize=7, frameon=False)
    _style(ax)
    return figure_uri(fig)


@_memo
def bar_chart(labels: Sequence[str], values: Sequence[float], ranges: Sequence[tuple[int, int]],
              title: str) -> str:
    """Horizontal bars of risk scores, best first, with each candidate's rank range."""
    height = 0.28 * len(labels) + 0.9
    fig = Figure(figsize=(6.8, height))
    fig.subplots_adjust(left=0.36, right=0.97, bottom=0.6 / height, top=1 - 0.35 / height)
    ax = fig.add_subplot()
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=BLUE, height=0.6)
    for yi, v, (lo, hi) in zip(y, values, ranges, strict=True):
        text = f"rank {lo}" if lo == hi else f"ranks {lo}–{hi}"
        ax.text(v + 0.8, yi, text, va="center", fontsize=7, color=GREY)
    ax.set_yticks(y)
    ax.set_yticklabels([_clip(lbl) for lbl in labels], fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("risk score (0–100)", fontsize=8)
    ax.set_title(title, fontsize=9, loc="left")
    _style(ax)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.grid(axis="y", visible=False)
    return figure_uri(fig)


@_memo
def column_chart(labels: Sequence[str], values: Sequence[float], title: str) -> str:
    """Vertical columns, one per label (e.g. quarters)."""
    fig = Figure(figsize=(6.4, 2.4))
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.88)
    ax = fig.add_subplot()
    x = np.arange(len(labels))
    ax.bar(x, values, color=BLUE, width=0.6)
    ax.set_xticks(x)
    ax.set_xticklabels(list(labels), fontsize=7)
    ax.set_ylabel("incidents", fontsize=8)
    ax.set_title(title, fontsize=9, loc="left")
    _style(ax)
    return figure_uri(fig)


def _clip(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _outline_rings(outlines: Sequence[dict[str, Any]]) -> list[np.ndarray]:
    rings = []
    for area in outlines:
        geom = shapely.geometry.shape(area["geometry"])
        parts = getattr(geom, "geoms", [geom])
        for part in parts:
            xy = np.asarray(part.exterior.coords)
            x, y = to_bng(xy[:, 0], xy[:, 1])
            rings.append(np.column_stack([x, y]))
    return rings


def _cell_polygons(grid: dict[str, Any], cells: Sequence[int]) -> np.ndarray:
    idx = np.asarray(cells, dtype=np.int64)
    ncols, c = int(grid["ncols"]), float(grid["cell_size"])
    row, col = idx // ncols, idx % ncols
    x0 = float(grid["x0"]) + col * c
    y0 = float(grid["y0"]) + row * c
    corners = np.stack([
        np.column_stack([x0, y0]), np.column_stack([x0 + c, y0]),
        np.column_stack([x0 + c, y0 + c]), np.column_stack([x0, y0 + c]),
    ], axis=1)
    return corners


def _busy(cells: Sequence[Sequence[Any]]) -> float:
    """Count at the 90th percentile of cells with incidents (the busy cells a map shows)."""
    counts = np.asarray([float(c[1]) for c in cells if float(c[1]) > 0])
    return float(np.quantile(counts, 0.9)) if counts.size else np.inf


def _zoom(polys: np.ndarray, full: tuple[float, float, float, float], pad: float = 1500.0,
          minimum: float = 6000.0) -> tuple[float, float, float, float]:
    """A view around the given cells (padded, at least ``minimum`` metres across), kept
    inside the full extent."""
    xs, ys = polys[:, :, 0], polys[:, :, 1]
    x0, y0, x1, y1 = xs.min() - pad, ys.min() - pad, xs.max() + pad, ys.max() + pad
    for lo, hi, axis in ((x0, x1, 0), (y0, y1, 1)):
        if hi - lo < minimum:
            mid = (lo + hi) / 2
            lo, hi = mid - minimum / 2, mid + minimum / 2
        if axis == 0:
            x0, x1 = lo, hi
        else:
            y0, y1 = lo, hi
    return (max(x0, full[0]), max(y0, full[1]), min(x1, full[2]), min(y1, full[3]))


@_memo
def hotspot_map(grid: dict[str, Any], cells: Sequence[Sequence[Any]] | None,
                hot_cells: Sequence[int], new_cells: Sequence[int],
                outlines: Sequence[dict[str, Any]], title: str, *,
                labels: dict[str, str] | None = None) -> str:
    """Grid cells (shaded by count when ``cells`` is given) over area outlines; Gi* hot cells
    outlined red, new hot cells (not hot the year before) outlined orange."""
    fig = Figure(figsize=(6.4, 5.0))
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.05, top=0.94)
    ax = fig.add_subplot()
    rings = _outline_rings(outlines)
    for ring in rings:
        ax.plot(ring[:, 0], ring[:, 1], color=GREY, linewidth=0.5)
    if cells:
        ncols, nrows = int(grid["ncols"]), int(grid["nrows"])
        raster = np.full(nrows * ncols, np.nan)
        for cell_id, count, *_ in cells:
            if count:
                raster[int(cell_id)] = float(count)
        counts = raster[np.isfinite(raster)]
        top = max(1.0, float(np.quantile(counts, 0.99)) if counts.size else 1.0)
        c = float(grid["cell_size"])
        x0, y0 = float(grid["x0"]), float(grid["y0"])
        shade = ax.imshow(raster.reshape(nrows, ncols), origin="lower", cmap="Blues",
                          vmin=0, vmax=top, interpolation="nearest",
                          extent=(x0, x0 + ncols * c, y0, y0 + nrows * c))
        bar = fig.colorbar(shade, ax=ax, shrink=0.6, pad=0.01)
        bar.set_label("incidents per cell", fontsize=7)
        bar.ax.tick_params(labelsize=7)
    hot_only = [c for c in hot_cells if c not in set(new_cells)]
    for group, colour, fill, label in ((hot_only, RED, "#f6d5cf", "Gi* hot cell"),
                                       (list(new_cells), ORANGE, "#fde3cf", "new hot cell")):
        if group:
            # without counts (public maps) the hot cells are filled so they read at a glance
            ax.add_collection(PolyCollection(list(_cell_polygons(grid, group)),
                                             facecolors=fill if not cells else "none",
                                             edgecolors=colour, linewidths=1.0, label=label))
    if labels:
        for area in outlines:
            if area["code"] in labels:
                geom = shapely.geometry.shape(area["geometry"])
                p = geom.representative_point()
                x, y = to_bng(np.array([p.x]), np.array([p.y]))
                ax.text(float(x[0]), float(y[0]), labels[area["code"]], fontsize=6,
                        ha="center", color="#0b0c0c")
    focus = list(hot_cells) or [int(c[0]) for c in (cells or [])
                                if float(c[1]) >= _busy(cells or [])]
    if rings:
        allxy = np.vstack(rings)
        box = (allxy[:, 0].min(), allxy[:, 1].min(), allxy[:, 0].max(), allxy[:, 1].max())
        if focus:
            box = _zoom(_cell_polygons(grid, focus), box)
        ax.set_xlim(box[0] - 200, box[2] + 200)
        ax.set_ylim(box[1] - 200, box[3] + 200)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title, fontsize=9, loc="left")
    handles, names = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=7, frameon=False, loc="lower left")
    ax.text(1.0, -0.02, f"{float(grid['cell_size']):g} m cells, British National Grid. "
            "Outlines: small areas. No map tiles.", transform=ax.transAxes, fontsize=6,
            ha="right", va="top", color=GREY)
    return figure_uri(fig)

"""The Explore page's charts as SVG, drawn with matplotlib on the server from the same tables
the page shows (``tables.Table``): each chart is a picture of a table on the page, so what it
shows can also be read, and downloaded, as the table. Built with ``matplotlib.figure.Figure``
directly (no pyplot state), as ``strategic.charts`` draws the report's, so drawing is safe in a
web worker; served as image files (the page's Content Security Policy allows no inline style,
which matplotlib's SVG carries).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib import rc_context  # noqa: E402
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from saferplaces.apps.explore.groups import Grouping  # noqa: E402
from saferplaces.apps.explore.tables import Table  # noqa: E402

__all__ = ["CHARTS", "hours_chart", "trend_chart"]

BLUE = "#1d70b8"
BLACK = "#0b0c0c"
#: chart key → the table it draws
CHARTS = {"trend": "trend", "hours": "heat"}


def _svg(fig: Figure) -> bytes:
    FigureCanvasSVG(fig)
    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "saferplaces"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _ticks(labels: Sequence[str], most: int = 12) -> list[int]:
    step = max(1, -(-len(labels) // most))
    return list(range(0, len(labels), step))


def trend_chart(table: Table, grouping: Grouping) -> bytes:
    """One line a category group over the months of the trend table, in the group's colour;
    the legend under the chart, where long group names fit."""
    colours = {g.label: g.colour for g in grouping.groups}
    months = [str(r[0]) for r in table.rows]
    series = table.header[1:-1]
    rows_of_legend = -(-len(series) // 2)
    height = 3.0 + 0.22 * rows_of_legend
    fig = Figure(figsize=(7.2, height))
    fig.subplots_adjust(left=0.09, right=0.98, bottom=(0.55 + 0.22 * rows_of_legend) / height,
                        top=1 - 0.35 / height)
    ax = fig.add_subplot()
    x = np.arange(len(months))
    for i, label in enumerate(series, start=1):
        ax.plot(x, [r[i] for r in table.rows], color=colours.get(label, BLACK), marker="o",
                markersize=3, linewidth=1.8, label=label)
    ticks = _ticks(months)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{months[i][:3]}\n{months[i].split()[-1]}" for i in ticks], fontsize=7)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("incidents a month", fontsize=8)
    ax.set_title("Incidents a month by category group", fontsize=9, loc="left")
    fig.legend(fontsize=7, frameon=False, loc="lower left", ncols=2, bbox_to_anchor=(0.07, 0.0))
    _style(ax)
    return _svg(fig)


def hours_chart(table: Table) -> bytes:
    """Incidents by hour of the day (the heat table's "All days" column); a withheld hour is
    drawn as no bar and named in the title."""
    values = [r[-1] for r in table.rows]
    fig = Figure(figsize=(7.2, 2.8))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.88)
    ax = fig.add_subplot()
    x = np.arange(24)
    ax.bar(x, [v or 0 for v in values], color=BLUE, width=0.7)
    ax.set_xticks(x[::2])
    ax.set_xticklabels([f"{h:02d}:00" for h in range(0, 24, 2)], fontsize=7)
    ax.set_xlabel("hour of the day (UK time)", fontsize=8)
    ax.set_ylabel("incidents", fontsize=8)
    withheld = sum(1 for v in values if v is None)
    title = "Incidents by hour of the day"
    if withheld:
        title += f" ({withheld} hour{'s' if withheld > 1 else ''} withheld, not drawn)"
    ax.set_title(title, fontsize=9, loc="left")
    _style(ax)
    return _svg(fig)

"""The one-page result's chart: the treated area's monthly counts of the target categories
against what the comparison says it would have been, with the operation's window shaded.
Matplotlib SVG as a ``data:`` URI (no inline markup, so the page's Content Security Policy
holds; WeasyPrint draws it in the PDF); a ``matplotlib.figure.Figure`` without pyplot state,
safe in a web worker."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["impact_chart"]

BLUE, ORANGE, GREY = "#1d70b8", "#f47738", "#505a5f"


def impact_chart(months: Sequence[str], treated: Sequence[float],
                 comparisons: Mapping[str, Sequence[float]], window: tuple[str, str],
                 title: str) -> str:
    """SVG data URI: ``treated`` (solid) and each comparison series (dashed, dotted) by month,
    the months of ``window`` (first, last; inclusive) shaded."""
    fig = Figure(figsize=(6.6, 2.7))
    FigureCanvasSVG(fig)
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.88)
    ax = fig.add_subplot()
    x = np.arange(len(months))
    if window[0] in months:
        first = months.index(window[0])
        last = months.index(window[1]) if window[1] in months else len(months) - 1
        ax.axvspan(first - 0.5, last + 0.5, color="#f3f2f1", label="operation (after period)")
    ax.plot(x, np.asarray(treated, float), color=BLUE, marker="o", markersize=3, linewidth=1.8,
            label="operation area")
    for (label, values), (colour, style) in zip(comparisons.items(),
                                                ((ORANGE, "--"), (GREY, ":")), strict=False):
        ax.plot(x, np.asarray(values, float), color=colour, linestyle=style, linewidth=1.5,
                label=label)
    step = max(1, len(months) // 8)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([months[i] for i in range(0, len(months), step)], fontsize=7)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("incidents per month", fontsize=8)
    ax.set_title(title, fontsize=9, loc="left")
    ax.legend(fontsize=7, frameon=False, loc="lower left", ncol=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

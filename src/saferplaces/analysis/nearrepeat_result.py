"""Result types of the near-repeat analysis, and the Near Repeat Calculator's band labels.

:class:`NearRepeatResult` is the NRC table (Ratcliffe 2009) with its long, JSON and NRC-layout
views; :class:`KnoxResult` the single-band Knox (1964) test. Both are returned by
:mod:`saferplaces.analysis.nearrepeat` (import them from there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from saferplaces.analysis.jsonable import json_value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["KnoxResult", "NearRepeatResult", "band_bounds", "band_labels"]

#: A band's (lower, upper) edge; the upper edge is None for the "more than" band.
Band = tuple[float, float | None]


@dataclass(frozen=True, eq=False)
class NearRepeatResult:
    """Near Repeat Calculator table: one cell per distance band × time band.

    Arrays are indexed ``[distance_band, time_band]``; the last row and the last column are the
    "more than" bands. ``distance_bands`` / ``time_bands`` give each row's / column's
    ``(lo, hi)`` (``hi`` is ``None`` for the "more than" band); ``distance_labels`` /
    ``time_labels`` are the NRC's row and column labels.
    """

    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    knox_ratio: NDArray[np.float64]
    p_value: NDArray[np.float64]
    distance_edges: tuple[float, ...]
    time_edges: tuple[float, ...]
    distance_bands: tuple[Band, ...]
    time_bands: tuple[Band, ...]
    distance_labels: tuple[str, ...]
    time_labels: tuple[str, ...]
    snapping_warning: bool
    warnings: tuple[str, ...]
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per cell, with band bounds, NRC labels and the statistics."""
        rows = []
        for a, (dlo, dhi) in enumerate(self.distance_bands):
            for b, (tlo, thi) in enumerate(self.time_bands):
                rows.append(
                    {
                        "distance_lo": dlo,
                        "distance_hi": dhi,
                        "distance_label": self.distance_labels[a],
                        "time_lo": tlo,
                        "time_hi": thi,
                        "time_label": self.time_labels[b],
                        "observed": int(self.observed[a, b]),
                        "expected": float(self.expected[a, b]),
                        "knox_ratio": float(self.knox_ratio[a, b]),
                        "p_value": float(self.p_value[a, b]),
                    }
                )
        import pandas as pd  # here: the analysis itself needs no pandas

        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"cells": [...], "beyond": [...], "parameters": {...}}``.

        Each cell is ``{"distance_band": [lo, hi], "time_band": [lo, hi], "observed": n,
        "expected": x, "knox_ratio": r, "p_value": p}``; ``knox_ratio`` is ``None`` where the
        expected count is 0. ``cells`` holds the bounded bands only, so every edge is a number;
        the NRC's "more than" row and column (``hi`` = ``None``) are listed in ``beyond``.
        """
        cells: list[dict[str, Any]] = []
        beyond: list[dict[str, Any]] = []
        for a, (dlo, dhi) in enumerate(self.distance_bands):
            for b, (tlo, thi) in enumerate(self.time_bands):
                ratio = float(self.knox_ratio[a, b])
                (beyond if dhi is None or thi is None else cells).append(
                    {
                        "distance_band": [dlo, dhi],
                        "time_band": [tlo, thi],
                        "observed": int(self.observed[a, b]),
                        "expected": float(self.expected[a, b]),
                        "knox_ratio": None if math.isnan(ratio) else ratio,
                        "p_value": float(self.p_value[a, b]),
                    }
                )
        return {"cells": cells, "beyond": beyond, "parameters": json_value(self.parameters)}

    def to_nrc_table(
        self, value: Literal["knox_ratio", "observed", "expected", "p_value"] = "knox_ratio"
    ) -> pd.DataFrame:
        """The NRC's layout of one statistic: rows are distance bands ("Same location",
        "1 to 100", ..., "More than 400"), columns are time bands in days ("0 to 7",
        "8 to 14", ..., "More than 28")."""
        if value not in ("knox_ratio", "observed", "expected", "p_value"):
            raise ValueError(
                f"value must be 'knox_ratio', 'observed', 'expected' or 'p_value', not {value!r}"
            )
        import pandas as pd

        table = pd.DataFrame(
            getattr(self, value),
            index=pd.Index(list(self.distance_labels), name="Distance (m)"),
            columns=pd.Index(list(self.time_labels), name="Time (days)"),
        )
        return table


@dataclass(frozen=True, eq=False)
class KnoxResult:
    """Single-band Knox test (Knox 1964), with ``pointpats.spacetime.Knox`` conventions.

    ``statistic`` is the number of pairs close in both space (distance <= delta) and time
    (|dt| <= tau). ``observed`` / ``expected_table`` are the 2 × 2 tables
    ``[[space & time, space only], [time only, neither]]``. ``p_poisson`` is
    P(X > statistic) for X ~ Poisson(expected) (pointpats' convention, ``1 - cdf``);
    ``p_sim`` is the permutation pseudo p-value (``None`` when no permutations were run).
    """

    statistic: int
    expected: float
    observed: NDArray[np.float64]
    expected_table: NDArray[np.float64]
    n_spatial_pairs: int
    n_temporal_pairs: int
    n_pairs: int
    p_poisson: float
    p_sim: float | None
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the test."""
        return {
            "statistic": self.statistic,
            "expected": self.expected,
            "observed": self.observed.tolist(),
            "expected_table": self.expected_table.tolist(),
            "n_spatial_pairs": self.n_spatial_pairs,
            "n_temporal_pairs": self.n_temporal_pairs,
            "n_pairs": self.n_pairs,
            "p_poisson": self.p_poisson,
            "p_sim": self.p_sim,
            "parameters": json_value(self.parameters),
        }


# --------------------------------------------------------------------------------------------
# Band labels
# --------------------------------------------------------------------------------------------


def _fmt(v: float) -> str:
    """An edge as the NRC prints it: whole numbers without a decimal point."""
    return f"{int(v)}" if float(v).is_integer() else f"{v:g}"


def band_labels(edges: NDArray[np.float64], same_location: bool) -> tuple[str, ...]:
    """NRC-style labels: integer edges read "0 to 7", "8 to 14", ... (whole units, as the NRC
    counts days and metres); otherwise "0 to 7.5", ">7.5 to 15"."""
    integral = all(float(e).is_integer() for e in edges)
    out: list[str] = []
    if same_location:
        out.append("Same location")
    for k in range(edges.size - 1):
        lo, hi = edges[k], edges[k + 1]
        if k == 0 and not same_location:
            out.append(f"{_fmt(lo)} to {_fmt(hi)}")
        elif integral:
            out.append(f"{_fmt(lo + 1)} to {_fmt(hi)}")
        else:
            out.append(f">{_fmt(lo)} to {_fmt(hi)}")
    out.append(f"More than {_fmt(edges[-1])}")
    return tuple(out)


def band_bounds(edges: NDArray[np.float64], same_location: bool) -> tuple[Band, ...]:
    """Each row's / column's ``(lo, hi)``: ``(0, 0)`` first for the "Same location" row,
    then the bands between consecutive edges, then ``(last edge, None)`` ("more than")."""
    out: list[Band] = []
    if same_location:
        out.append((0.0, 0.0))
    out.extend((float(edges[k]), float(edges[k + 1])) for k in range(edges.size - 1))
    out.append((float(edges[-1]), None))
    return tuple(out)

"""Input checks of the near-repeat analysis: dates as days, coordinates, band edges, precision.

Each function raises ``ValueError`` naming what is wrong and what to use instead; the result
is float64 numpy arrays the engine in :mod:`saferplaces.analysis.nearrepeat` can use as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "as_days",
    "check_coords",
    "check_edges",
    "check_precision",
    "shared_location_fraction",
]

FloatArray = NDArray[np.float64]


def as_days(t: Any) -> FloatArray:
    """Dates as float days: datetime64 values become whole days (their calendar date), as the
    NRC takes dates; numbers are taken as days already; object arrays are read with
    ``pandas.to_datetime``. Raises ``ValueError`` for NaT, NaN, infinite or non-date values."""
    arr = np.asarray(t)
    if np.issubdtype(arr.dtype, np.datetime64):
        if np.isnat(arr).any():
            raise ValueError("t contains missing dates (NaT)")
        return arr.astype("datetime64[D]").astype(np.int64).astype(np.float64)
    if arr.dtype == object:
        import pandas as pd  # only for text or datetime objects: numbers need no pandas

        try:
            arr = pd.to_datetime(arr).to_numpy()
        except (TypeError, ValueError) as exc:
            raise ValueError("t must be numbers of days or datetime64 values") from exc
        return as_days(arr)
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError("t must be numbers of days or datetime64 values")
    out = arr.astype(np.float64)
    if not np.isfinite(out).all():
        raise ValueError("t contains missing or infinite values")
    return out


def check_coords(x: Any, y: Any, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``x``, ``y`` as flat float64 metres; ``ValueError`` unless they are finite, as long as
    ``t``, and at least two (at most 2**31 - 2) events."""
    xa = np.asarray(x, dtype=np.float64).ravel()
    ya = np.asarray(y, dtype=np.float64).ravel()
    if not (xa.size == ya.size == t.size):
        raise ValueError(f"x, y and t differ in length ({xa.size}, {ya.size}, {t.size})")
    if xa.size < 2:
        raise ValueError("need at least two events to form a pair")
    if not (np.isfinite(xa).all() and np.isfinite(ya).all()):
        raise ValueError("x and y must be finite (projected metres, e.g. British National Grid)")
    if xa.size >= 2**31 - 1:
        raise ValueError("too many events (at most 2**31 - 2)")
    return xa, ya


def check_edges(edges: Sequence[float], what: str) -> FloatArray:
    """Band edges as float64; ``ValueError`` (naming ``what``) unless finite, strictly
    increasing, starting at 0, and 2 to 200 of them."""
    arr = np.asarray(edges, dtype=np.float64).ravel()
    if arr.size < 2:
        raise ValueError(f"{what} needs at least two edges, e.g. [0, 100, 200]")
    if not np.isfinite(arr).all():
        raise ValueError(f"{what} edges must be finite")
    if arr[0] != 0.0:
        raise ValueError(f"{what} must start at 0 (got {arr[0]:g}) so that every pair is counted")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{what} edges must be strictly increasing")
    if arr.size > 200:
        raise ValueError(f"{what}: at most 199 bands")
    return arr


def check_precision(precision: str | Sequence[str] | NDArray[Any]) -> str:
    """The precision label for the result (``"day"``, or the sorted finer labels); refuses
    month precision (``ValueError``: the days between police.uk events are unknown) and
    unknown labels."""
    if isinstance(precision, str):
        values = np.array([precision], dtype=object)
    else:
        values = np.asarray(precision, dtype=object).ravel()
    labels = {str(v).lower() for v in values}
    n_month = int(sum(str(v).lower() == "month" for v in values))
    if n_month:
        raise ValueError(
            "near-repeat analysis needs dates to the day: "
            + (f"{n_month} event(s) are" if values.size > 1 else "the data are")
            + " known only to the month (police.uk publishes only the month), so the time "
            "between events is unknown. Use day-precision local records instead."
        )
    unknown = labels - {"day", "hour", "minute", "second"}
    if unknown:
        raise ValueError(f"unknown precision {sorted(unknown)}; use 'day' or 'minute'")
    return "day" if labels == {"day"} else ",".join(sorted(labels))


def shared_location_fraction(x: FloatArray, y: FloatArray) -> float:
    """Fraction of events whose exact coordinates another event shares (a sign of snapped
    or coarsely geocoded locations)."""
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]
    same_as_next = (xs[1:] == xs[:-1]) & (ys[1:] == ys[:-1])
    shared = np.zeros(x.size, dtype=bool)
    shared[1:] |= same_as_next
    shared[:-1] |= same_as_next
    return float(shared.mean())

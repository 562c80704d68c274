"""Plain JSON values from analysis results (numpy scalars and arrays, NaN)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["json_value"]


def json_value(v: Any) -> Any:
    """``v`` as plain JSON: numpy numbers as Python numbers, arrays and tuples as lists, dict
    keys as strings, and NaN or infinite floats as None (JSON has neither)."""
    if v is None:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [json_value(x) for x in v]
    if isinstance(v, np.ndarray):
        return [json_value(x) for x in v.tolist()]
    return v

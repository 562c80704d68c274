"""Coordinate transforms between WGS84 (storage, display) and British National Grid (analysis)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"

__all__ = ["to_bng", "to_wgs84", "transformer"]


@lru_cache(maxsize=8)
def transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat (degrees) to BNG easting/northing (metres); NaN stays NaN."""
    x, y = transformer(WGS84, BNG).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BNG easting/northing (metres) to WGS84 lon/lat (degrees); NaN stays NaN."""
    lon, lat = transformer(BNG, WGS84).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)

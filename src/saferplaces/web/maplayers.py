"""The one map's switchable layers: each app registers the layers it owns.

A layer answers a GeoJSON FeatureCollection (WGS84) for one request, built through its own app's
access helper: a layer never widens what the signed-in user may see, and answers an empty
collection (not an error) to someone entitled to nothing in it, so the map cannot be used to
probe for records. Apps register in ``AppConfig.ready()``; the map page lists the layers the user
may switch on (``visible_to``) and fetches each from ``/map/layers/<key>.geojson``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

__all__ = ["FeatureCollection", "InvalidParameters", "MapLayer", "empty", "layer", "layers_for",
           "register"]

FeatureCollection = dict[str, Any]


class InvalidParameters(ValueError):
    """A layer's query parameter it cannot use (e.g. a month not written YYYY-MM): the endpoint
    answers 400 with the message, which must name the parameter, never a record."""


def empty() -> FeatureCollection:
    """The answer for someone entitled to nothing in a layer."""
    return {"type": "FeatureCollection", "features": []}


def _everyone(request: HttpRequest) -> bool:
    return True


@dataclass(frozen=True)
class MapLayer:
    """One switchable layer.

    ``features(request, params)`` gets the request and the map's query parameters (``start``,
    ``end`` as YYYY-MM, ``category``, ...; a layer ignores those it does not use) and returns a
    FeatureCollection. ``visible_to(request)`` says whether the layer is offered at all (e.g.
    only to signed-in partners); it is checked again when the layer is fetched.
    ``style`` is passed to the browser as-is (Leaflet path options, e.g. ``{"color": "#1d70b8"}``).
    """

    key: str
    label: str
    features: Callable[[HttpRequest, Mapping[str, str]], FeatureCollection]
    group: str = "Places"
    order: int = 100
    visible_to: Callable[[HttpRequest], bool] = _everyone
    style: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""


_LAYERS: dict[str, MapLayer] = {}


def register(new: MapLayer) -> MapLayer:
    """Add a layer; registering the same key twice replaces it (Django may call ready() twice)."""
    _LAYERS[new.key] = new
    return new


def layer(key: str) -> MapLayer | None:
    """The layer registered under ``key``, or None."""
    return _LAYERS.get(key)


def layers_for(request: HttpRequest) -> list[MapLayer]:
    """The layers this request may switch on, in display order."""
    return sorted((each for each in _LAYERS.values() if each.visible_to(request)),
                  key=lambda each: (each.order, each.label))

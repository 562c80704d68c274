"""Anonymous map points with synthetic street names, placed by population.

police.uk publishes every incident at the nearest of a fixed set of anonymous map points
("On or near <street>"), never at its true address. The demo town builds its own set: points
shared among LSOAs by 2011 population (a minimum of four each), clustered around one to four
invented village centres in large rural LSOAs and spread over the built-up ones, with extra
commercial points in the drawn town centre and inside each planted hotspot. Nearby points share
an invented street name; some are named by what they are ("Supermarket", "Parking Area"), as
police.uk's are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from .geography import Geography, to_bng, to_wgs84
from .scenario import HOTSPOTS, MAP_POINT_COUNT, TOWN_CENTRE_CENTRE, TOWN_CENTRE_SIGMA_M

__all__ = ["MapPoints", "build_map_points", "sample_in_polygon", "STREET_KINDS"]

#: The map point kinds that are named by what they are, with their share outside / inside the
#: town centre.
STREET_KINDS: dict[str, tuple[float, float]] = {
    "Supermarket": (0.015, 0.05),
    "Parking Area": (0.03, 0.12),
    "Shopping Area": (0.01, 0.30),
    "Petrol Station": (0.01, 0.0),
    "Sports/Recreation Area": (0.02, 0.01),
    "Further/Higher Educational Building": (0.003, 0.01),
    "Nightclub": (0.0, 0.10),
    "Bus/Coach Station": (0.0, 0.01),
    "Theatre/Concert Hall": (0.0, 0.02),
}

_STEMS = (
    "Abbey", "Alder", "Ash", "Aspen", "Badger", "Barley", "Beacon", "Beech", "Birch", "Bishop",
    "Blackthorn", "Bramble", "Brook", "Buttercup", "Canal", "Castle", "Cedar", "Chapel", "Cherry",
    "Chestnut", "Church", "Clover", "Coach", "Copper", "Cornflower", "Cowslip", "Crane", "Crown",
    "Daisy", "Dove", "Elder", "Elm", "Fairfield", "Falcon", "Fern", "Field", "Finch", "Forge",
    "Fox", "Foxglove", "Garden", "Glebe", "Granary", "Hawthorn", "Hazel", "Heath", "Heron",
    "Hill", "Holly", "Honeysuckle", "Juniper", "Kiln", "Kingfisher", "Lark", "Laurel",
    "Lavender", "Lime", "Linden", "Magpie", "Mallard", "Maple", "Marsh", "Meadow", "Mill",
    "Mulberry", "Oak", "Orchard", "Osier", "Otter", "Owl", "Paddock", "Pear", "Plough", "Poplar",
    "Primrose", "Quarry", "Rectory", "Reed", "Robin", "Rowan", "Saffron", "Sandpiper", "School",
    "Sorrel", "Spinney", "Spring", "Station", "Swallow", "Swan", "Sycamore", "Tannery", "Teasel",
    "Thistle", "Tithe", "Violet", "Walnut", "Warren", "Weaver", "Wharf", "Willow", "Windmill",
    "Wren", "Yew",
)
_SUFFIXES = ("Road", "Street", "Lane", "Close", "Avenue", "Way", "Drive", "Crescent", "Gardens",
             "Court", "Place", "Walk", "Rise", "Mews")


@dataclass(frozen=True)
class MapPoints:
    """The anonymous map points: BNG and WGS84 coordinates, LSOA, kind and street name.

    Weight vectors (one value per point, summing to one) describe where background incidents
    fall: see ``component``.
    """

    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    lsoa: np.ndarray  # index into Geography.lsoas
    kind: np.ndarray  # "street" or a STREET_KINDS key
    street: np.ndarray  # invented street name
    in_town_centre: np.ndarray
    weights: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.x.size)

    @property
    def location(self) -> np.ndarray:
        """police.uk location text: "On or near <street or kind>"."""
        label = np.where(self.kind == "street", self.street, self.kind)
        return np.char.add("On or near ", label.astype(str)).astype(object)

    def component(self, name: str) -> np.ndarray:
        """A normalised weight vector: a named component or ``kind:<kind>``."""
        if name.startswith("kind:"):
            w = (self.kind == name[5:]).astype(float)
        else:
            w = self.weights[name]
        total = w.sum()
        if total <= 0:
            raise ValueError(f"no map points for component {name!r}")
        normalised: np.ndarray = w / total
        return normalised

    def mixture(self, mix: dict[str, float]) -> np.ndarray:
        """Weights for a spatial mix ``{component: share}``, normalised."""
        w = np.zeros(self.kind.size)
        for name, share in mix.items():
            w = w + share * self.component(name)
        return np.asarray(w / w.sum(), float)

    def tree(self) -> cKDTree:
        return cKDTree(np.column_stack([self.x, self.y]))


def sample_in_polygon(polygon: BaseGeometry, n: int, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniformly inside ``polygon`` (rejection sampling in its bounding box),
    rounded to whole metres (the rounded point is the one tested)."""
    xmin, ymin, xmax, ymax = polygon.bounds
    shapely.prepare(polygon)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    have = 0
    while have < n:
        batch = max(64, 2 * (n - have))
        x = np.round(rng.uniform(xmin, xmax, batch))
        y = np.round(rng.uniform(ymin, ymax, batch))
        keep = shapely.contains_xy(polygon, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _clustered_in_polygon(polygon: BaseGeometry, n: int, n_centres: int, sd_m: float,
                          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three quarters of ``n`` points around invented village centres, the rest uniform."""
    cx, cy = sample_in_polygon(polygon, n_centres, rng)
    n_clustered = int(round(0.75 * n))
    xs, ys = sample_in_polygon(polygon, n - n_clustered, rng)
    out_x, out_y = [xs], [ys]
    have = 0
    while have < n_clustered:
        k = rng.integers(0, n_centres, n_clustered - have)
        x = np.round(cx[k] + rng.normal(0.0, sd_m, k.size))
        y = np.round(cy[k] + rng.normal(0.0, sd_m, k.size))
        keep = shapely.contains_xy(polygon, x, y)
        out_x.append(x[keep])
        out_y.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(out_x)[:n], np.concatenate(out_y)[:n]


def _allocate(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Largest-remainder allocation of ``total`` items by ``weights``, at least ``minimum``."""
    n = np.full(weights.size, minimum, dtype=np.int64)
    rest = total - n.sum()
    share = rest * weights / weights.sum()
    n += np.floor(share).astype(np.int64)
    remainder = share - np.floor(share)
    extra = total - n.sum()
    n[np.argsort(-remainder, kind="stable")[:extra]] += 1
    return n


def _street_names(n: int, rng: np.random.Generator) -> np.ndarray:
    names = np.array([f"{s} {t}" for s in _STEMS for t in _SUFFIXES], dtype=object)
    if n > names.size:
        raise ValueError("not enough invented street names")
    return names[rng.permutation(names.size)[:n]]


def build_map_points(geo: Geography, town_centre_bng: BaseGeometry, rng: np.random.Generator,
                     n_points: int = MAP_POINT_COUNT) -> MapPoints:
    """Place about ``n_points`` anonymous map points over the borough (see module docstring)."""
    populations = np.array([a.population for a in geo.lsoas], float)
    n_town_centre = int(round(0.05 * n_points))
    n_hotspot = sum(len(h.point_kinds) for h in HOTSPOTS)
    per_lsoa = _allocate(n_points - n_town_centre - n_hotspot, populations, minimum=4)

    xs, ys = [], []
    for area, n in zip(geo.lsoas, per_lsoa, strict=True):
        if area.hectares > 150:
            n_centres = int(min(4, 1 + area.hectares // 600))
            x, y = _clustered_in_polygon(area.geometry_bng, int(n), n_centres, 200.0, rng)
        else:
            x, y = sample_in_polygon(area.geometry_bng, int(n), rng)
        xs.append(x)
        ys.append(y)
    tx, ty = sample_in_polygon(town_centre_bng, n_town_centre, rng)
    hx: list[np.ndarray] = []
    hy: list[np.ndarray] = []
    hkind: list[str] = []
    for spec in HOTSPOTS:
        cx, cy = to_bng(spec.lon, spec.lat)
        k = len(spec.point_kinds)
        r = 0.6 * spec.radius_m * np.sqrt(rng.uniform(0, 1, k))
        a = rng.uniform(0, 2 * np.pi, k)
        hx.append(cx + r * np.cos(a))
        hy.append(cy + r * np.sin(a))
        hkind.extend(spec.point_kinds)
    x = np.round(np.concatenate([*xs, tx, *hx]))
    y = np.round(np.concatenate([*ys, ty, *hy]))

    lsoa = geo.lsoa_index_at(x, y)
    if (lsoa < 0).any():
        raise RuntimeError("a map point fell outside the borough")
    in_tc = shapely.contains_xy(town_centre_bng, x, y)

    kinds = list(STREET_KINDS)
    outside = np.array([0.0, *(STREET_KINDS[k][0] for k in kinds)])
    inside = np.array([0.0, *(STREET_KINDS[k][1] for k in kinds)])
    outside[0] = 1 - outside.sum()
    inside[0] = 1 - inside.sum()
    labels = np.array(["street", *kinds], dtype=object)
    n_general = x.size - len(hkind)
    u = rng.uniform(0, 1, n_general)
    kind_general = np.where(
        in_tc[:n_general],
        labels[np.searchsorted(np.cumsum(inside), u, side="right").clip(0, labels.size - 1)],
        labels[np.searchsorted(np.cumsum(outside), u, side="right").clip(0, labels.size - 1)],
    )
    kind = np.concatenate([kind_general, np.array(hkind, dtype=object)])

    # Streets: every point takes the name of its nearest "street seed" (about four points each).
    n_streets = max(1, x.size // 4)
    seeds = rng.choice(x.size, n_streets, replace=False)
    _, nearest_seed = cKDTree(np.column_stack([x[seeds], y[seeds]])).query(
        np.column_stack([x, y]))
    street = _street_names(n_streets, rng)[nearest_seed]

    # Background weights. Residents are shared equally among their LSOA's points.
    counts = np.bincount(lsoa, minlength=len(geo.lsoas)).astype(float)
    density = np.array([a.density for a in geo.lsoas])
    residential = populations[lsoa] / counts[lsoa]
    urban = residential * np.sqrt(density[lsoa])
    hectares = np.array([a.hectares for a in geo.lsoas])
    rural = np.where(density[lsoa] < 10, hectares[lsoa] / counts[lsoa], 0.0)
    tcx, tcy = to_bng(*TOWN_CENTRE_CENTRE)
    d2 = (x - tcx) ** 2 + (y - tcy) ** 2
    town_centre = np.exp(-d2 / (2 * TOWN_CENTRE_SIGMA_M ** 2))
    weights = {"residential": residential, "urban": urban, "rural": rural,
               "town_centre": town_centre}

    lon, lat = to_wgs84(x, y)
    return MapPoints(x=x, y=y, lon=np.round(lon, 6), lat=np.round(lat, 6), lsoa=lsoa,
                     kind=kind.astype(object), street=street.astype(object),
                     in_town_centre=in_tc, weights=weights)

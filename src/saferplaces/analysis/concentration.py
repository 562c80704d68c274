"""Concentration of incidents at places: top shares, Lorenz curve, Gini, repeat locations.

"A small share of places accounts for a large share of crime" (Sherman, Gartin & Buerger 1989;
Weisburd 2015). To measure it fairly, places with no incidents must count too: pass the whole
``universe`` of places (all LSOAs, all grid cells, all street segments) and absent places are
counted as zeros. When incidents are fewer than places the ordinary Gini cannot fall below
``1 - incidents/places`` even if every incident is at a different place, so the generalised
Gini of Bernasco & Steenbeek (2017) is reported alongside it.

References
----------
Bernasco, W. & Steenbeek, W. (2017). More places than crimes: implications for evaluating the
law of crime concentration at place. *Journal of Quantitative Criminology* 33, 451–467.
Gini, C. (1912). *Variabilità e mutabilità*. Lorenz, M. O. (1905). Methods of measuring the
concentration of wealth. *Publications of the American Statistical Association* 9, 209–219.
Weisburd, D. (2015). The law of crime concentration and the criminology of place.
*Criminology* 53, 133–157.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ConcentrationResult",
    "place_counts",
    "lorenz_curve",
    "gini",
    "generalised_gini",
    "top_share",
    "places_for_share",
    "repeat_locations",
    "concentration",
]


def _values(counts: pd.Series | Sequence[float] | np.ndarray) -> np.ndarray:
    v = np.asarray(counts, dtype=float).ravel()
    if v.size == 0:
        raise ValueError("no places: give at least one place")
    if np.isnan(v).any() or (v < 0).any():
        raise ValueError("counts must be non-negative numbers")
    return v


def place_counts(
    df: pd.DataFrame,
    place_column: str,
    *,
    universe: Iterable[Any] | None = None,
    weight_column: str | None = None,
) -> pd.Series:
    """Incidents (or a weight such as harm, summed) per place, zeros included for the universe.

    Incidents with no place (NaN or empty) are left out. Places found in ``df`` but not in
    ``universe`` raise ``ValueError``: the universe must be complete for shares to be honest.
    """
    places = df[place_column]
    keep = places.notna() & (places.astype(str).str.strip() != "")
    data = df.loc[keep]
    if weight_column is None:
        counts = data.groupby(place_column).size().astype(float)
    else:
        counts = data.groupby(place_column)[weight_column].sum().astype(float)
    if universe is not None:
        universe_index = pd.Index(list(universe)).unique()
        unknown = counts.index.difference(universe_index)
        if len(unknown):
            raise ValueError(f"{len(unknown)} places are not in the universe, e.g. "
                             f"{list(unknown[:5])}")
        counts = counts.reindex(universe_index, fill_value=0.0)
    counts.index.name = place_column
    return counts.rename("incidents")


def lorenz_curve(counts: pd.Series | Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lorenz curve: cumulative share of places (x) against cumulative share of incidents (y).

    Places are sorted from fewest to most incidents; both arrays start at 0 and end at 1 and
    have ``n_places + 1`` points (Lorenz 1905). With no incidents at all, ``y`` is all NaN.
    """
    v = np.sort(_values(counts))
    x = np.arange(v.size + 1) / v.size
    total = v.sum()
    if total == 0:
        return x, np.full(v.size + 1, np.nan)
    y = np.concatenate([[0.0], np.cumsum(v) / total])
    return x, y


def gini(counts: pd.Series | Sequence[float] | np.ndarray) -> float:
    """Gini coefficient of incidents over places (Gini 1912).

    Method: with ``n`` places sorted ascending, ``G = sum_i (2i - n - 1) x_(i) / (n sum x)``;
    equivalently one minus twice the area under the Lorenz curve. 0 when every place has the
    same count, ``1 - 1/n`` when one place has them all. NaN when there are no incidents.
    """
    v = np.sort(_values(counts))
    n, total = v.size, v.sum()
    if total == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * v) / (n * total))


def generalised_gini(counts: pd.Series | Sequence[float] | np.ndarray) -> float:
    """Generalised Gini for sparse data (Bernasco & Steenbeek 2017, "More places than crimes").

    Method: the observed Lorenz curve is compared with the line of *maximal* equality given the
    data rather than perfect equality. With ``N`` incidents over ``n > N`` places, maximal
    equality puts one incident at each of ``N`` places, whose Lorenz curve has area ``N/(2n)``
    beneath it; so ``G' = 1 - (1 - G) * n / N``. It is 0 when no place has more than one
    incident and ``1 - 1/N`` when all are at one place; when ``N >= n`` it equals ``G``.
    Counts must be whole numbers. NaN when there are no incidents.
    """
    v = _values(counts)
    if not np.allclose(v, np.round(v)):
        raise ValueError("the generalised Gini needs whole-number counts")
    n, total = v.size, float(np.round(v).sum())
    g = gini(v)
    if total == 0 or total >= n:
        return g
    return float(1.0 - (1.0 - g) * n / total)


def _descending_cumshare(v: np.ndarray) -> np.ndarray:
    d = np.sort(v)[::-1]
    return np.concatenate([[0.0], np.cumsum(d) / d.sum()])


def top_share(counts: pd.Series | Sequence[float] | np.ndarray, fraction: float) -> float:
    """Share of incidents at the ``fraction`` of places with the most incidents.

    Method: read off the Lorenz curve, interpolating linearly between places, so the top 10%
    of 25 places is 2.5 places (the 3rd place contributes half its count). Equal to
    ``1 - L(1 - fraction)`` for the Lorenz curve ``L``. NaN when there are no incidents.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("fraction must be between 0 and 1")
    v = _values(counts)
    if v.sum() == 0:
        return float("nan")
    cum = _descending_cumshare(v)
    return float(np.interp(fraction * v.size, np.arange(v.size + 1), cum))


def places_for_share(counts: pd.Series | Sequence[float] | np.ndarray, share: float) -> float:
    """Smallest fraction of places (most incidents first) that holds ``share`` of incidents.

    The inverse of :func:`top_share`, interpolated the same way: "50% of incidents happen at
    4% of places" (Weisburd 2015). NaN when there are no incidents.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError("share must be between 0 and 1")
    v = _values(counts)
    if v.sum() == 0:
        return float("nan")
    cum = _descending_cumshare(v)
    k = int(np.searchsorted(cum, share - 1e-12, side="left"))
    if k == 0:
        return 0.0
    lo, hi = cum[k - 1], cum[k]
    frac_place = (share - lo) / (hi - lo) if hi > lo else 0.0
    return float((k - 1 + frac_place) / v.size)


def repeat_locations(counts: pd.Series | Sequence[float] | np.ndarray,
                     thresholds: Sequence[int] = (1, 2, 3, 5, 10)) -> pd.DataFrame:
    """Places with at least ``k`` incidents, for each ``k``: how many, and their share.

    Columns: ``min_incidents, places, share_of_places, incidents, share_of_incidents``. The
    share of places is over all places given (the universe, zeros included).
    """
    v = _values(counts)
    total = v.sum()
    rows = []
    for k in thresholds:
        hit = v >= k
        rows.append({
            "min_incidents": int(k), "places": int(hit.sum()),
            "share_of_places": float(hit.mean()), "incidents": float(v[hit].sum()),
            "share_of_incidents": float(v[hit].sum() / total) if total else float("nan"),
        })
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ConcentrationResult:
    """Concentration of incidents over places, with the parameters used.

    ``top_shares`` maps a fraction of places to the share of incidents there;
    ``places_for`` maps a share of incidents to the fraction of places that holds it.
    """

    n_places: int
    n_places_with_incidents: int
    n_incidents: float
    universe_given: bool
    gini: float
    generalised_gini: float
    top_shares: dict[float, float]
    places_for: dict[float, float]
    repeat_locations: pd.DataFrame
    lorenz_x: np.ndarray
    lorenz_y: np.ndarray
    top_places: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON (the Lorenz curve as two lists)."""
        def num(v: float) -> float | None:
            return None if np.isnan(v) else float(v)
        return {
            "n_places": self.n_places, "n_places_with_incidents": self.n_places_with_incidents,
            "n_incidents": self.n_incidents, "universe_given": self.universe_given,
            "gini": num(self.gini), "generalised_gini": num(self.generalised_gini),
            "top_shares": {str(k): num(v) for k, v in self.top_shares.items()},
            "places_for": {str(k): num(v) for k, v in self.places_for.items()},
            "repeat_locations": self.repeat_locations.to_dict(orient="records"),
            "lorenz_x": [float(x) for x in self.lorenz_x],
            "lorenz_y": [num(y) for y in self.lorenz_y],
            "top_places": [{k: (v.item() if isinstance(v, np.generic) else v)
                            for k, v in r.items()}
                           for r in self.top_places.reset_index().to_dict(orient="records")],
        }


def concentration(
    counts: pd.Series | Sequence[float] | np.ndarray,
    *,
    fractions: Sequence[float] = (0.01, 0.05, 0.1, 0.2),
    shares: Sequence[float] = (0.25, 0.5),
    thresholds: Sequence[int] = (1, 2, 3, 5, 10),
    universe_given: bool = True,
    top_n: int = 10,
) -> ConcentrationResult:
    """All concentration measures for one set of per-place counts.

    Build ``counts`` with :func:`place_counts` (give the ``universe`` so that places with no
    incidents count). Set ``universe_given=False`` when the counts cover only places that had
    incidents, so reports can warn that leaving out the empty places understates
    concentration. Measures: Gini (Gini 1912) and generalised Gini (Bernasco &
    Steenbeek 2017), the share of incidents at the top ``fractions`` of places, the fraction of
    places holding ``shares`` of incidents, repeat locations at ``thresholds``, the Lorenz
    curve, and the ``top_n`` places.
    """
    v = _values(counts)
    series = counts if isinstance(counts, pd.Series) else pd.Series(v, name="incidents")
    integral = bool(np.allclose(v, np.round(v)))
    x, y = lorenz_curve(v)
    top = series.sort_values(ascending=False, kind="mergesort").head(top_n)
    total = v.sum()
    top_places = pd.DataFrame({
        "incidents": top.to_numpy(),
        "share": top.to_numpy() / total if total else np.nan,
    }, index=top.index)
    return ConcentrationResult(
        n_places=int(v.size), n_places_with_incidents=int((v > 0).sum()),
        n_incidents=float(total), universe_given=universe_given, gini=gini(v),
        generalised_gini=generalised_gini(v) if integral else float("nan"),
        top_shares={float(f): top_share(v, f) for f in fractions},
        places_for={float(s): places_for_share(v, s) for s in shares},
        repeat_locations=repeat_locations(v, thresholds), lorenz_x=x, lorenz_y=y,
        top_places=top_places,
    )

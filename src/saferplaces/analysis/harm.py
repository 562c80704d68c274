"""Harm-weighted counts: not all incidents are equal.

A crime harm index weights each incident by how serious its offence is, so that one robbery is
not "worth" the same as one shoplifting. Two indicative tables ship with saferplaces (see
``saferplaces/data/harm/README.md``):

- ``"ons-css"`` — Crime Severity Score style weights (ONS 2016 research outputs: average
  sentence-equivalent days per offence);
- ``"cchi"`` — Cambridge Crime Harm Index style weights (Sherman, Neyroud & Neyroud 2016: days
  of imprisonment at the sentencing guideline starting point for a first offender).

Both are indicative, derived by the project from published tables; a user CSV
(``category,weight``) can replace them. Incidents whose category has no weight are reported as
unweighted, never silently dropped.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from saferplaces.analysis.trends import AREA_COLUMN, attach_areas

__all__ = [
    "HARM_DATA_DIR",
    "HarmWeights",
    "HarmCounts",
    "available_weights",
    "load_weights",
    "normalise_category",
    "harm_weighted_counts",
]

HARM_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "harm"
_BUILTIN = {"ons-css": "ons_css", "cchi": "cchi"}


def normalise_category(name: str) -> str:
    """Key used to match categories: lower case, single spaces, trimmed."""
    return re.sub(r"\s+", " ", str(name)).strip().casefold()


@dataclass(frozen=True)
class HarmWeights:
    """A harm weight table: ``weights`` maps category -> weight, with its provenance."""

    name: str
    weights: Mapping[str, float]
    unit: str = ""
    source: str = ""
    year: str = ""
    citation: str = ""
    status: str = ""
    path: str = ""
    notes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        bad = {k: v for k, v in self.weights.items() if not (np.isfinite(v) and v >= 0)}
        if bad:
            raise ValueError(f"harm weights must be finite and non-negative: {bad}")
        keys = [normalise_category(k) for k in self.weights]
        if len(set(keys)) != len(keys):
            raise ValueError("harm weight table has duplicate categories (ignoring case/spaces)")

    def lookup(self) -> dict[str, float]:
        """Normalised category -> weight."""
        return {normalise_category(k): float(v) for k, v in self.weights.items()}

    def weight_of(self, category: str) -> float | None:
        """Weight of one category (matched ignoring case and spacing), or ``None``."""
        return self.lookup().get(normalise_category(category))

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "name": self.name, "weights": {k: float(v) for k, v in self.weights.items()},
            "unit": self.unit, "source": self.source, "year": self.year,
            "citation": self.citation, "status": self.status, "path": self.path,
            "notes": dict(self.notes),
        }


def available_weights() -> tuple[str, ...]:
    """Names of the shipped weight tables."""
    return tuple(_BUILTIN)


def _read_sidecar(csv_path: Path) -> dict[str, Any]:
    toml_path = csv_path.with_suffix(".toml")
    if not toml_path.exists():
        return {}
    with toml_path.open("rb") as fh:
        return tomllib.load(fh)


def load_weights(name_or_path: str | Path) -> HarmWeights:
    """Load a harm weight table by name (``"ons-css"``, ``"cchi"``) or from a CSV file.

    A CSV needs the columns ``category`` and ``weight`` (others are ignored; lines starting
    with ``#`` are comments). A sidecar TOML of the same stem, when present, supplies
    ``name``, ``unit``, ``source``, ``year``, ``citation``, ``status`` and free-text notes.
    """
    key = str(name_or_path)
    if key in _BUILTIN:
        path = HARM_DATA_DIR / f"{_BUILTIN[key]}.csv"
    else:
        path = Path(name_or_path)
        if not path.exists():
            raise FileNotFoundError(
                f"no harm weight table {key!r}: give one of {available_weights()} or a CSV path")
    table = pd.read_csv(path, comment="#", skipinitialspace=True)
    table.columns = [str(c).strip().lower() for c in table.columns]
    if not {"category", "weight"} <= set(table.columns):
        raise ValueError(f"{path}: a harm weight CSV needs the columns 'category,weight'")
    table = table.dropna(subset=["category"])
    weights_col = pd.to_numeric(table["weight"], errors="coerce")
    if weights_col.isna().any():
        bad = table.loc[weights_col.isna(), "category"].tolist()
        raise ValueError(f"{path}: non-numeric or missing weight for {bad}")
    weights = dict(zip(table["category"].astype(str).str.strip(), weights_col.astype(float),
                       strict=True))
    meta = _read_sidecar(path)
    notes: dict[str, str] = {
        k: str(meta[k]).strip() for k in ("method", "mapping", "caveat") if k in meta
    }
    return HarmWeights(
        name=str(meta.get("name", key if key in _BUILTIN else path.stem)),
        weights=weights,
        unit=str(meta.get("unit", "")), source=str(meta.get("source", "")),
        year=str(meta.get("year", "")), citation=str(meta.get("citation", "")),
        status=str(meta.get("status", "user-supplied" if key not in _BUILTIN else "")),
        path=str(path), notes=notes,
    )


def _coerce_weights(weights: HarmWeights | Mapping[str, float] | str | Path) -> HarmWeights:
    if isinstance(weights, HarmWeights):
        return weights
    if isinstance(weights, Mapping):
        return HarmWeights(name="custom", weights=dict(weights), status="user-supplied")
    return load_weights(weights)


@dataclass(frozen=True)
class HarmCounts:
    """Harm-weighted counts and the incidents that could not be weighted.

    ``table`` has one row per group with ``incidents`` (all), ``weighted_incidents`` (those
    with a weight), ``harm`` (sum of their weights) and ``unweighted_incidents``; when the
    grouping includes the category it also has ``weight`` (NaN for unweighted categories).
    ``unweighted`` lists every category without a weight and its incident count.
    """

    table: pd.DataFrame
    unweighted: pd.DataFrame
    weights_name: str
    unit: str
    by: tuple[str, ...]
    total_incidents: int
    total_harm: float
    unweighted_incidents: int

    @property
    def unweighted_share(self) -> float:
        """Share of incidents that carry no weight (0 when there are no incidents)."""
        return self.unweighted_incidents / self.total_incidents if self.total_incidents else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = []
            for row in frame.reset_index().to_dict(orient="records"):
                out.append({k: (None if isinstance(v, float) and np.isnan(v) else
                                v.item() if isinstance(v, np.generic) else v)
                            for k, v in row.items()})
            return out
        return {
            "weights_name": self.weights_name, "unit": self.unit, "by": list(self.by),
            "total_incidents": self.total_incidents, "total_harm": self.total_harm,
            "unweighted_incidents": self.unweighted_incidents,
            "unweighted_share": self.unweighted_share,
            "table": records(self.table), "unweighted": records(self.unweighted),
        }


def harm_weighted_counts(
    df: pd.DataFrame,
    weights: HarmWeights | Mapping[str, float] | str | Path = "ons-css",
    *,
    by: str | Sequence[str] | None = "category",
    membership: pd.DataFrame | None = None,
    area_kind: str | None = None,
    category_column: str = "category",
) -> HarmCounts:
    """Sum of harm weights per group, with unweighted incidents counted, not dropped.

    Method: a crime harm index (Sherman 2007; Sherman, Neyroud & Neyroud 2016; ONS 2016 Crime
    Severity Score): each incident contributes the weight of its category, matched ignoring
    case and repeated spaces; the harm of a group is the sum over its incidents. Incidents
    whose category has no weight add 0 to ``harm`` and are counted in
    ``unweighted_incidents`` and listed in :attr:`HarmCounts.unweighted`.

    ``by`` names incident columns (``None`` for one total row); ``"area_code"`` groups by
    area via ``membership`` (the long incident–area table), optionally of one ``area_kind``.
    """
    table_weights = _coerce_weights(weights)
    lookup = table_weights.lookup()
    keys = [by] if isinstance(by, str) else list(by or [])
    data = df
    if AREA_COLUMN in keys and AREA_COLUMN not in df.columns:
        if membership is None:
            raise ValueError("grouping by area_code needs the area membership table")
        data = attach_areas(df, membership, area_kind)
    cats = data[category_column].astype(str)
    w = cats.map(lambda c: lookup.get(normalise_category(c), np.nan)).astype(float)
    frame = pd.DataFrame({"_w": w.to_numpy(), "_weighted": w.notna().to_numpy()},
                         index=data.index)
    for k in keys:
        frame[k] = data[k].to_numpy()
    group_keys = keys or ["group"]
    if not keys:
        frame["group"] = "all"
    grouped = frame.groupby(group_keys, dropna=False)
    table = pd.DataFrame({
        "incidents": grouped.size(),
        "weighted_incidents": grouped["_weighted"].sum().astype(np.int64),
        "harm": grouped["_w"].sum(min_count=0),
    })
    table["unweighted_incidents"] = table["incidents"] - table["weighted_incidents"]
    if category_column in keys:
        level = table.index.get_level_values(category_column)
        table.insert(0, "weight", [lookup.get(normalise_category(c), np.nan) for c in level])
    table = table.sort_values("harm", ascending=False, kind="mergesort")

    # Totals and the unweighted list come from the incident table itself, not the area join,
    # where an incident in two areas appears twice and one in no area not at all.
    base_cats = df[category_column].astype(str)
    base_w = base_cats.map(lambda c: lookup.get(normalise_category(c), np.nan)).astype(float)
    unweighted = (base_cats[base_w.isna()].value_counts().rename_axis("category")
                  .rename("incidents").to_frame()
                  .sort_values("incidents", ascending=False, kind="mergesort"))
    return HarmCounts(
        table=table, unweighted=unweighted, weights_name=table_weights.name,
        unit=table_weights.unit, by=tuple(group_keys), total_incidents=int(len(df)),
        total_harm=float(base_w.sum()), unweighted_incidents=int(base_w.isna().sum()),
    )

"""Repeat victimisation and repeat locations from local records.

Repeat victims suffer a disproportionate share of crime and ASB, and a repeat is most likely
soon after the previous incident (Polvi et al. 1991; Farrell & Pease 1993), so the measures
here are the ones a CSP uses to target protection and open cases:

- **repeat victim rate** — share of victims (victim / complainant / address references) with at
  least two incidents in the period;
- **repeat incident rate** — share of incidents that are a second or later incident for the same
  victim, ``(incidents - victims) / incidents``;
- **time to repeat** — days between successive incidents of the same victim, with the share
  within 7, 28 and 365 days;
- **top repeat victims** and **repeat locations** as tables (with incident ids) that case
  management can open cases from.

Placeholder references (``UNKNOWN``, ``N/A``, ``0``, ``-``...; the rule of
``saferplaces.analysis.references``) are missing, never a victim or a place: data from an old
store or an ``--input`` file may still hold them, so they are left out here and counted.

police.uk data have no victim reference and only month precision, and their locations are
snapped to anonymous map points shared by many addresses: repeat victimisation needs local
records with a ``victim_ref``, and time-to-repeat needs day (or better) precision. Gaps that
involve a month-precision incident are left out and counted.

References
----------
Farrell, G. & Pease, K. (1993). *Once bitten, twice bitten: repeat victimisation and its
implications for crime prevention*. Home Office Crime Prevention Unit Paper 46.
Polvi, N., Looman, T., Humphries, C. & Pease, K. (1991). The time course of repeat burglary
victimization. *British Journal of Criminology* 31, 411–414.
Pease, K. (1998). *Repeat victimisation: taking stock*. Home Office Crime Detection and
Prevention Series Paper 90.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from saferplaces.analysis.references import placeholder_mask

__all__ = ["RepeatVictimisation", "repeat_victimisation", "GAP_BINS"]

#: Bins (in days, right-inclusive) for the time-to-repeat distribution table.
GAP_BINS: tuple[float, ...] = (-0.5, 1, 7, 28, 91, 365, np.inf)
_GAP_LABELS = ("same or next day", "2-7 days", "8-28 days", "29-91 days", "92-365 days",
               "over 365 days")
_DAY_PRECISIONS = {"day", "minute", "second", "exact"}


@dataclass(frozen=True)
class RepeatVictimisation:
    """Repeat victimisation measures for one period, with the parameters used.

    ``within`` maps a number of days to the share of time-to-repeat gaps of at most that many
    days. ``gaps`` has one row per successive pair of a victim's incidents (``victim_ref,
    from_id, to_id, days``). ``top_victims`` and ``repeat_locations`` are ranked tables.
    """

    start: str | None
    end: str | None
    ref_column: str
    location_column: str
    windows: tuple[int, ...]
    n_incidents: int
    n_incidents_without_ref: int
    n_placeholder_refs: int
    n_placeholder_locations: int
    n_victims: int
    n_repeat_victims: int
    repeat_victim_rate: float
    n_repeat_incidents: int
    repeat_incident_rate: float
    incidents_per_victim: float
    n_gaps: int
    n_gaps_excluded: int
    median_gap_days: float
    within: dict[int, float]
    gap_distribution: pd.DataFrame
    gaps: pd.DataFrame
    top_victims: pd.DataFrame
    repeat_locations: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON (tables as lists of records)."""
        def plain(v: Any) -> Any:
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and np.isnan(v):
                return None
            if isinstance(v, pd.Timestamp):
                return v.isoformat()
            if isinstance(v, (list, tuple)):
                return [plain(x) for x in v]
            return v

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]

        scalars = {k: plain(getattr(self, k)) for k in (
            "start", "end", "ref_column", "location_column", "n_incidents",
            "n_incidents_without_ref", "n_placeholder_refs", "n_placeholder_locations", "n_victims", "n_repeat_victims", "repeat_victim_rate",
            "n_repeat_incidents", "repeat_incident_rate", "incidents_per_victim", "n_gaps",
            "n_gaps_excluded", "median_gap_days")}
        return {
            **scalars, "windows": list(self.windows),
            "within": {str(k): plain(v) for k, v in self.within.items()},
            "gap_distribution": records(self.gap_distribution),
            "top_victims": records(self.top_victims),
            "repeat_locations": records(self.repeat_locations),
        }


def _present(s: pd.Series) -> pd.Series:
    return s.notna() & (s.astype(str).str.strip() != "")


def _join(values: pd.Series) -> str:
    return ", ".join(sorted({str(v) for v in values if pd.notna(v) and str(v).strip()}))


def repeat_victimisation(
    df: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    ref_column: str = "victim_ref",
    location_column: str = "location",
    date_column: str = "occurred",
    windows: Sequence[int] = (7, 28, 365),
    top_n: int = 20,
    placeholders: Iterable[str] = (),
) -> RepeatVictimisation:
    """Repeat victimisation and repeat locations in ``[start, end]`` (dates inclusive).

    Method (Farrell & Pease 1993; Pease 1998): incidents are grouped by ``ref_column`` (rows
    with an empty or placeholder reference are counted in ``n_incidents_without_ref`` and
    otherwise left out; the placeholders among them, ``UNKNOWN``, ``N/A``, ``0`` and the like
    plus any in ``placeholders``, also in ``n_placeholder_refs``).
    ``repeat_victim_rate = victims with >= 2 incidents / victims``;
    ``repeat_incident_rate = (incidents - victims) / incidents``;
    ``incidents_per_victim`` is Farrell & Pease's "concentration". Time to repeat: each
    victim's incidents are ordered by ``date_column`` and the days between successive ones
    are the gaps (Polvi et al. 1991); a gap is left out (counted in ``n_gaps_excluded``) when
    either incident has ``precision == "month"``. ``within[d]`` is the share of gaps of at
    most ``d`` days. Repeat locations are places in ``location_column`` with at least two
    incidents in the period, whatever their reference; a placeholder location is no place
    (counted in ``n_placeholder_locations``).
    """
    when = pd.to_datetime(df[date_column])
    keep = pd.Series(True, index=df.index)
    if start is not None:
        keep &= when >= pd.Timestamp(start)
    if end is not None:
        keep &= when < pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    data = df.loc[keep].copy()
    data["_when"] = when[keep]
    if "precision" in data.columns:
        data["_exact"] = data["precision"].astype(str).str.lower().isin(_DAY_PRECISIONS)
    else:
        data["_exact"] = True
    extra = tuple(placeholders)
    if ref_column in data.columns:
        stand_in = placeholder_mask(data[ref_column], extra)
        has_ref = _present(data[ref_column]) & ~stand_in
    else:
        stand_in = np.zeros(len(data), dtype=bool)
        has_ref = pd.Series(False, index=data.index)
    victims = data.loc[has_ref].copy()
    victims["_ref"] = victims[ref_column].astype(str).str.strip()
    ids = victims["id"] if "id" in victims.columns else pd.Series(victims.index, victims.index)
    victims["_id"] = ids.to_numpy()
    victims = victims.sort_values(["_ref", "_when", "_id"], kind="mergesort")

    n_incidents = int(len(victims))
    per_victim = victims.groupby("_ref").size()
    n_victims = int(per_victim.size)
    n_repeat_victims = int((per_victim >= 2).sum())

    same = victims["_ref"].eq(victims["_ref"].shift())
    gap_days = (victims["_when"] - victims["_when"].shift()).dt.total_seconds() / 86400.0
    both_exact = victims["_exact"] & victims["_exact"].shift(fill_value=False)
    gaps = pd.DataFrame({
        "victim_ref": victims["_ref"], "from_id": victims["_id"].shift(),
        "to_id": victims["_id"], "days": gap_days,
    })[same & both_exact].reset_index(drop=True)
    gaps["from_id"] = gaps["from_id"].astype(victims["_id"].dtype)
    n_excluded = int((same & ~both_exact).sum())
    days = gaps["days"].to_numpy(dtype=float)
    within = {int(d): float(np.mean(days <= d)) if days.size else float("nan") for d in windows}
    binned = pd.cut(pd.Series(days), bins=list(GAP_BINS), labels=list(_GAP_LABELS))
    dist = binned.value_counts(sort=False).rename_axis("days_to_repeat").rename("gaps")
    gap_distribution = dist.reset_index()
    gap_distribution["share"] = (gap_distribution["gaps"] / days.size) if days.size else np.nan

    repeat_refs = per_victim[per_victim >= 2].index
    rep = victims[victims["_ref"].isin(repeat_refs)]
    gap_stats = gaps.groupby("victim_ref")["days"].agg(["min", "median"])
    top = rep.groupby("_ref").agg(
        incidents=("_id", "size"), first=("_when", "min"), last=("_when", "max"),
        incident_ids=("_id", list),
    )
    if "category" in rep.columns:
        top["categories"] = rep.groupby("_ref")["category"].agg(_join)
    if location_column in rep.columns:
        top["locations"] = rep.groupby("_ref")[location_column].nunique()
    top["min_gap_days"] = gap_stats["min"].reindex(top.index)
    top["median_gap_days"] = gap_stats["median"].reindex(top.index)
    top = top.rename_axis("victim_ref").reset_index()
    top = top.sort_values(["incidents", "last", "victim_ref"], ascending=[False, False, True],
                          kind="mergesort").head(top_n).reset_index(drop=True)

    if location_column in data.columns:
        place_stand_in = placeholder_mask(data[location_column], extra)
        placed = data[_present(data[location_column]) & ~place_stand_in].copy()
        placed["_loc"] = placed[location_column].astype(str).str.strip()
        pids = placed["id"] if "id" in placed.columns else pd.Series(placed.index, placed.index)
        placed["_id"] = pids.to_numpy()
        placed_refs = (placed[ref_column] if ref_column in placed.columns
                       else pd.Series(np.nan, index=placed.index))
        placed["_ref"] = placed_refs.astype(str).str.strip().where(
            _present(placed_refs) & ~placeholder_mask(placed_refs, extra))
        loc = placed.groupby("_loc").agg(
            incidents=("_id", "size"), victims=("_ref", "nunique"),
            first=("_when", "min"), last=("_when", "max"), incident_ids=("_id", list),
        )
        if "category" in placed.columns:
            loc["categories"] = placed.groupby("_loc")["category"].agg(_join)
        loc = loc[loc["incidents"] >= 2].rename_axis("location").reset_index()
        loc = loc.sort_values(["incidents", "last", "location"], ascending=[False, False, True],
                              kind="mergesort").head(top_n).reset_index(drop=True)
    else:
        place_stand_in = np.zeros(len(data), dtype=bool)
        loc = pd.DataFrame(columns=["location", "incidents", "victims", "first", "last",
                                    "incident_ids"])

    return RepeatVictimisation(
        start=None if start is None else str(pd.Timestamp(start).date()),
        end=None if end is None else str(pd.Timestamp(end).date()),
        ref_column=ref_column, location_column=location_column,
        windows=tuple(int(w) for w in windows),
        n_incidents=n_incidents, n_incidents_without_ref=int((~has_ref).sum()),
        n_placeholder_refs=int(stand_in.sum()), n_placeholder_locations=int(place_stand_in.sum()),
        n_victims=n_victims, n_repeat_victims=n_repeat_victims,
        repeat_victim_rate=n_repeat_victims / n_victims if n_victims else float("nan"),
        n_repeat_incidents=n_incidents - n_victims,
        repeat_incident_rate=(n_incidents - n_victims) / n_incidents if n_incidents else float(
            "nan"),
        incidents_per_victim=n_incidents / n_victims if n_victims else float("nan"),
        n_gaps=int(days.size), n_gaps_excluded=n_excluded,
        median_gap_days=float(np.median(days)) if days.size else float("nan"),
        within=within, gap_distribution=gap_distribution, gaps=gaps,
        top_victims=top, repeat_locations=loc,
    )

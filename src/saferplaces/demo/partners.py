"""Partner data for the demo town: the council's ASB log and fire and rescue deliberate fires.

Council ASB reports come by category at ``COUNCIL_ASB_CATEGORIES`` rates (seasonal where
``SEASONALITY`` says), placed like police incidents, with planted repeat complainants, the
neighbours of the county line's cuckooed addresses reporting drug dealing, and the PSPO's
planted effect (fewer street-drinking and begging reports inside the zone once it is made).
Deliberate fires come by ``FIRE_CATEGORIES`` with extra fires in hotspots that have them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .geography import Geography, to_bng
from .incidents import choose, jitter_inside, poisson_days
from .mappoints import MapPoints
from .scenario import (
    COUNCIL_ASB_CATEGORIES,
    FIRE_CATEGORIES,
    HOTSPOTS,
    JITTER_M,
    PSPO,
    REPEAT_COMPLAINANTS,
)
from .timeline import Period, monthly_rates

__all__ = ["CouncilLog", "generate_council_asb", "generate_fires"]

_HOURS = {
    "night": np.array([6, 5, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 6, 8, 9, 8],
                      float),
    "day": np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 3, 6, 7, 7, 6, 6, 6, 6, 5, 4, 2, 1,
                     0.6, 0.4, 0.3, 0.2], float),
    "evening": np.array([2, 1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.5, 1, 1, 1, 1, 1.5, 1.5, 2, 3, 4, 5, 6,
                         7, 7, 6, 5, 3], float),
    "fire": np.array([3, 2.5, 2, 1.5, 1, 0.7, 0.5, 0.5, 0.5, 0.7, 1, 1.2, 1.5, 2, 2.5, 3, 4, 5,
                      6, 7, 7.5, 7, 6, 4.5], float),
}

_DESCRIPTIONS = {
    "Noise nuisance": ("Loud music from neighbouring property late at night",
                       "Shouting and banging through the wall most evenings",
                       "Dog barking for long periods while owners are out",
                       "Parties at weekends continuing into the early hours"),
    "Neighbour dispute": ("Ongoing dispute over a shared boundary fence",
                          "Neighbour parking across driveway and verbal abuse",
                          "Complaint about neighbour's rubbish left on shared path",
                          "Neighbour filming complainant's house"),
    "Street drinking": ("Group drinking on benches and shouting at passers-by",
                        "Street drinkers leaving cans and bottles in doorways",
                        "Intoxicated people congregating outside shops"),
    "Aggressive begging": ("Person following shoppers and demanding money",
                           "Begging at cash machine, intimidating customers"),
    "Fly-tipping": ("Mattress and bin bags dumped in alleyway",
                    "Builders' rubble tipped at field gateway",
                    "Household furniture left on the verge",
                    "Black sacks dumped next to recycling bins"),
    "Drug dealing": ("Frequent short visits to address by different people",
                     "Suspected drug dealing from parked car",
                     "Cannabis smell and people loitering at all hours"),
    "Youth nuisance": ("Group of youths kicking doors and throwing stones",
                       "Young people gathering in play area and intimidating residents",
                       "Youths riding bikes at pedestrians"),
    "Vehicle nuisance": ("Car meets and revving engines late at night",
                         "Abandoned vehicle on street for several weeks",
                         "Off-road bikes ridden on footpaths"),
}
_AT_HOME = {"Noise nuisance", "Neighbour dispute", "Drug dealing"}


@dataclass(frozen=True)
class CouncilLog:
    """The council ASB log and what was planted in it."""

    reports: pd.DataFrame  # case_ref, reported_at, address, easting, northing, category, ...
    repeat_complainants: list[dict[str, Any]]
    pspo_removed: int


def _clocks_go_forward(days: np.ndarray) -> np.ndarray:
    """The last Sunday of March of each day's year (UK clocks skip 01:00-01:59 that night)."""
    years = days.astype("datetime64[Y]")
    march_31 = (years + np.timedelta64(2, "M")).astype("datetime64[M]").astype(
        "datetime64[D]") + np.timedelta64(30, "D")
    weekday = (march_31.astype(np.int64) + 3) % 7  # Monday 0 ... Sunday 6
    sundays: np.ndarray = march_31 - ((weekday - 6) % 7).astype("timedelta64[D]")
    return sundays


def _times(days: np.ndarray, profile: str, rng: np.random.Generator) -> np.ndarray:
    """Local clock times on ``days`` with hours drawn from a profile, never in the hour the
    clocks skip in spring (a real log cannot show 01:30 that night)."""
    days = np.asarray(days, dtype="datetime64[D]")
    hours = choose(rng, list(range(24)), _HOURS[profile], days.size).astype(np.int64)
    hours[(hours == 1) & (days == _clocks_go_forward(days))] = 2
    minutes = rng.integers(0, 60, days.size)
    times: np.ndarray = days.astype("datetime64[m]") + (hours * 60 + minutes).astype("timedelta64[m]")
    return times


def _addresses(points: MapPoints, point: np.ndarray, house: np.ndarray, at_home: np.ndarray
               ) -> np.ndarray:
    street = points.street[point].astype(str)
    return np.where(at_home, np.char.add(np.char.add(house.astype(str), " "), street),
                    street).astype(object)


def generate_council_asb(geo: Geography, points: MapPoints, period: Period, scale: float,
                         pspo_zone_bng: BaseGeometry, pspo_made: np.datetime64,
                         cuckooed: list[dict[str, Any]], rng: np.random.Generator) -> CouncilLog:
    """The council's ASB log for the period (see module docstring)."""
    frames = []
    for category, (annual, mix, profile, anonymous) in COUNCIL_ASB_CATEGORIES.items():
        days = poisson_days(period, monthly_rates(annual, category, period, scale, False), rng)
        at = rng.choice(len(points), size=days.size, p=points.mixture(mix))
        x, y = jitter_inside(geo, points.x[at], points.y[at], JITTER_M, rng)
        frames.append(pd.DataFrame({
            "category": category, "x": x, "y": y, "when": _times(days, profile, rng),
            "anonymous": rng.uniform(0, 1, days.size) < anonymous,
            "house": rng.integers(1, 120, days.size), "complainant_ref": "", "tag": "",
            "address": "",
        }))
    background = pd.concat(frames, ignore_index=True)

    # The PSPO's planted effect: fewer reports of what it prohibits inside the zone once made.
    effect = PSPO["planted_effect"]
    inside = shapely.contains_xy(pspo_zone_bng, background["x"].to_numpy(),
                                 background["y"].to_numpy())
    targeted = (inside & background["category"].isin(effect["categories"]).to_numpy()
                & (background["when"].to_numpy() >= pspo_made.astype("datetime64[m]")))
    removed = targeted & (rng.uniform(0, 1, len(background)) < effect["pct_reduction"] / 100)
    background = background[~removed].reset_index(drop=True)

    planted_frames = []
    spec = REPEAT_COMPLAINANTS
    n_complainants = max(3, round(spec["complainants"] * scale))
    home = rng.choice(len(points), size=n_complainants, p=points.component("residential"),
                      replace=False)
    hx, hy = jitter_inside(geo, points.x[home], points.y[home], JITTER_M, rng)
    cats = list(spec["categories"])
    for i in range(n_complainants):
        k = int(rng.integers(spec["min"], spec["max"] + 1))
        span = int((period.last_day - period.first_day).astype(np.int64)) + 1
        length = int(rng.integers(min(90, span), span + 1))
        start = period.first_day + np.timedelta64(int(rng.integers(0, span - length + 1)), "D")
        days = period.uniform_days(start, start + np.timedelta64(length - 1, "D"), k, rng)
        category = str(choose(rng, cats, [spec["categories"][c] for c in cats], 1)[0])
        house = int(rng.integers(1, 120))
        planted_frames.append(pd.DataFrame({
            "category": category, "x": hx[i], "y": hy[i],
            "when": _times(np.sort(days), "night" if category == "Noise nuisance" else "day", rng),
            "anonymous": False, "house": house, "complainant_ref": f"@RC-{i + 1:03d}",
            "tag": f"RC-{i + 1:03d}", "address": "",
        }))
    for address in cuckooed:
        k = address["council_reports"]
        start = np.datetime64(address["from"], "D")
        end = np.datetime64(address["to"], "D")
        days = np.sort(period.uniform_days(start, end, k, rng))
        who = np.where(np.arange(k) % 2 == 0, f"@{address['tag']}-n1", f"@{address['tag']}-n2")
        planted_frames.append(pd.DataFrame({
            "category": "Drug dealing", "x": address["x"], "y": address["y"],
            "when": _times(days, "evening", rng), "anonymous": False, "house": 0,
            "complainant_ref": who, "tag": address["tag"], "address": address["address"],
        }))
    reports = pd.concat([background, *planted_frames], ignore_index=True)
    reports = reports.sort_values(["when", "x", "y", "category"], kind="stable").reset_index(
        drop=True)

    _, point = points.tree().query(np.column_stack([reports["x"], reports["y"]]))
    at_home = reports["category"].isin(_AT_HOME).to_numpy()
    generated = _addresses(points, point, reports["house"].to_numpy(), at_home)
    reports["address"] = np.where(reports["address"] == "", generated, reports["address"])

    refs = reports["complainant_ref"].to_numpy().copy()
    planted = np.array([r.startswith("@") for r in refs], bool)
    fresh = ~planted & ~reports["anonymous"].to_numpy()
    planted_keys = sorted(set(refs[planted]))
    numbers = rng.choice(np.arange(100000, 1000000), size=len(planted_keys) + int(fresh.sum()),
                         replace=False)
    by_key = {key: f"C{numbers[i]:06d}" for i, key in enumerate(planted_keys)}
    refs[planted] = [by_key[r] for r in refs[planted]]
    refs[fresh] = [f"C{v:06d}" for v in numbers[len(planted_keys):]]
    reports["complainant_ref"] = refs

    descriptions = np.empty(len(reports), dtype=object)
    cat = reports["category"].to_numpy()
    for category, texts in _DESCRIPTIONS.items():
        sel = cat == category
        descriptions[sel] = choose(rng, texts, np.ones(len(texts)), int(sel.sum()))
    reports["description"] = descriptions
    years = reports["when"].to_numpy().astype("datetime64[Y]").astype(np.int64) + 1970
    seq = pd.Series(years).groupby(years).cumcount().to_numpy() + 1
    reports["case_ref"] = [f"ASB-{y}-{s:05d}" for y, s in zip(years, seq, strict=True)]

    complainants = []
    counts = reports.loc[reports["complainant_ref"] != "", "complainant_ref"].value_counts()
    repeated = reports[reports["complainant_ref"].isin(counts[counts >= 2].index)]
    for ref, mine in repeated.groupby("complainant_ref", sort=True):
        tag = str(mine["tag"].iloc[0])
        complainants.append({
            "complainant_ref": ref,
            "kind": ("county-line neighbour" if tag.startswith("CL-")
                     else "repeat complainant" if tag.startswith("RC-") else "unplanted"),
            "count": int(len(mine)),
            "categories": sorted(mine["category"].unique().tolist()),
            "address": str(mine["address"].iloc[0]),
            "easting": int(mine["x"].iloc[0]), "northing": int(mine["y"].iloc[0]),
            "first": str(mine["when"].min())[:10], "last": str(mine["when"].max())[:10],
        })
    return CouncilLog(reports=reports, repeat_complainants=complainants,
                      pspo_removed=int(removed.sum()))


def generate_fires(geo: Geography, points: MapPoints, period: Period, scale: float,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Deliberate fires attended by fire and rescue: category, property type, time, place."""
    frames = []
    for category, (annual, mix, types) in FIRE_CATEGORIES.items():
        days = poisson_days(period, monthly_rates(annual, category, period, scale, False), rng)
        at = rng.choice(len(points), size=days.size, p=points.mixture(mix))
        x, y = jitter_inside(geo, points.x[at], points.y[at], JITTER_M, rng)
        frames.append(pd.DataFrame({"category": category, "x": x, "y": y, "day": days,
                                    "type": choose(rng, types, np.ones(len(types)), days.size),
                                    "tag": ""}))
    for spec in HOTSPOTS:
        cx, cy = to_bng(spec.lon, spec.lat)
        for category, annual in spec.fire_annual.items():
            days = poisson_days(period, monthly_rates(annual, category, period, scale, False),
                                rng)
            r = spec.radius_m * np.sqrt(rng.uniform(0, 1, days.size))
            a = rng.uniform(0, 2 * np.pi, days.size)
            types = FIRE_CATEGORIES[category][2]
            frames.append(pd.DataFrame({
                "category": category, "x": np.round(cx + r * np.cos(a)),
                "y": np.round(cy + r * np.sin(a)), "day": days,
                "type": choose(rng, types, np.ones(len(types)), days.size), "tag": spec.id}))
    fires = pd.concat(frames, ignore_index=True)
    fires["when"] = _times(fires["day"].to_numpy().astype("datetime64[D]"), "fire", rng)
    fires["when"] = fires["when"].to_numpy() + rng.integers(0, 60, len(fires)).astype(
        "timedelta64[s]")
    fires = fires.sort_values(["when", "x", "y"], kind="stable").reset_index(drop=True)
    years = fires["when"].to_numpy().astype("datetime64[Y]").astype(np.int64) + 1970
    seq = pd.Series(years).groupby(years).cumcount().to_numpy() + 1
    fires["incident_number"] = [f"{y}{s:06d}" for y, s in zip(years, seq, strict=True)]
    return fires

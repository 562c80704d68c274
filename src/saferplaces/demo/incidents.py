"""Police-recorded crime and anti-social behaviour for the demo town, with planted patterns.

Every event has an exact BNG location and a day. Crimes become both a local police record (day,
exact location, local category, flags, victim) and a police.uk row (month only, snapped to the
nearest map point); ASB becomes a police.uk row only. Streams:

- ``background``: Poisson counts per month at ``CRIME_RATES`` × seasonality × trend, placed at
  map points drawn from each category's spatial mix, then jittered (sd ``JITTER_M``).
- ``hotspot``: extra events uniform within each planted hotspot's radius.
- ``near-repeat``: burglary offspring (a self-exciting, Hawkes-type branching process).
- ``repeat-victim``, ``repeat-location``, ``county-line``: planted repeats (see ``truth``).

The planted operation then removes each target-category event in the treated neighbourhood
during the operation window with probability equal to its true effect size.

The near-repeat stream is a discrete-time Hawkes (self-exciting) branching process (Hawkes
1971), the model Mohler et al. (2011) fitted to burglary; the pattern it plants is the one the
Knox test (Knox 1964) and Ratcliffe's Near Repeat Calculator look for, after Townsley, Homel and
Chaseling (2003) and Johnson and Bowers (2004).

References:
    Hawkes, A. G. (1971). Spectra of some self-exciting and mutually exciting point processes.
    Biometrika 58(1), 83-90.
    Johnson, S. D. and Bowers, K. J. (2004). The burglary as clue to the future. European
    Journal of Criminology 1(2), 237-255.
    Knox, G. (1964). The detection of space-time interactions. Applied Statistics 13(1), 25-30.
    Mohler, G. O., Short, M. B., Brantingham, P. J., Schoenberg, F. P. and Tita, G. E. (2011).
    Self-exciting point process modeling of crime. JASA 106(493), 100-108.
    Townsley, M., Homel, R. and Chaseling, J. (2003). Infectious burglaries. British Journal of
    Criminology 43(3), 615-633.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from .geography import Geography, to_bng
from .mappoints import MapPoints
from .scenario import (
    ASB,
    COUNTY_LINE,
    CRIME_RATES,
    HOTSPOTS,
    JITTER_M,
    LOCAL_CATEGORIES,
    NEAR_REPEAT,
    NO_LOCATION_SHARE,
    OUTCOMES,
    REPEAT_LOCATIONS,
    REPEAT_VICTIMS,
    SPATIAL_MIX,
)
from .timeline import Period, monthly_rates

__all__ = [
    "CrimeScenario",
    "OperationPlan",
    "PoliceRecords",
    "choose",
    "generate_police_records",
    "jitter_inside",
    "poisson_days",
]

#: Local categories of the offences planted at repeat locations (businesses).
_REPEAT_LOCATION_LOCAL: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "Shoplifting": (("Shoplifting",), (1.0,)),
    "Violence and sexual offences": (("Violence with injury", "Violence without injury"),
                                     (0.5, 0.5)),
    "Public order": (("Public fear, alarm or distress",), (1.0,)),
    "Other theft": (("Making off without payment",), (1.0,)),
}
_HATE_STRANDS = ("race", "sexual_orientation", "religion", "disability", "transgender")
_HATE_MIX = (0.72, 0.12, 0.06, 0.06, 0.04)


def choose(rng: np.random.Generator, labels: Sequence[object], probs: Sequence[float] | np.ndarray,
           n: int) -> np.ndarray:
    """``n`` labels drawn with probabilities ``probs`` (normalised), as an object array."""
    p = np.asarray(probs, float)
    idx = np.searchsorted(np.cumsum(p / p.sum()), rng.uniform(0, 1, n), side="right")
    drawn: np.ndarray = np.asarray(labels, dtype=object)[idx.clip(0, len(labels) - 1)]
    return drawn


def jitter_inside(geo: Geography, x0: np.ndarray, y0: np.ndarray, sd: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Exact locations: Gaussian jitter around (x0, y0), kept at (x0, y0) where it would leave
    the borough. Rounded to whole metres."""
    x = x0 + rng.normal(0.0, sd, x0.size)
    y = y0 + rng.normal(0.0, sd, y0.size)
    inside = shapely.contains_xy(geo.boundary_bng, x, y)
    return np.round(np.where(inside, x, x0)), np.round(np.where(inside, y, y0))


def poisson_days(period: Period, rates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Days of a Poisson process with the given expected count per month."""
    counts = rng.poisson(rates)
    month_index = np.repeat(np.arange(period.n_months), counts)
    return period.random_days(month_index, rng)


@dataclass(frozen=True)
class OperationPlan:
    """Where and when the planted operation cuts its target categories, and by how much."""

    name: str
    neighbourhood: str
    control_neighbourhood: str
    categories: tuple[str, ...]
    start: np.datetime64
    end: np.datetime64
    effect: float  # fraction removed


@dataclass(frozen=True)
class CrimeScenario:
    """Run-time choices for ``generate_police_records``."""

    period: Period
    scale: float
    plant_trend: bool
    operation: OperationPlan | None


@dataclass(frozen=True)
class PoliceRecords:
    """Generated events (``events``) and the planted structures found while making them.

    ``events`` columns: category, x, y, day, stream, tag, local_category, hate_strand,
    domestic, alcohol, drugs, weapon, victim_ref, point (snapped map point), no_location,
    generation (near-repeat generation; 0 for first-generation and non-burglary events), and,
    for crimes, local_ref, crime_id, outcome.
    """

    events: pd.DataFrame
    repeat_victims: list[dict[str, Any]]
    repeat_locations: list[dict[str, Any]]
    cuckooed: list[dict[str, Any]]
    removed_by_operation: int


#: A batch of events as parallel numpy arrays (cheaper to build than many small DataFrames).
Chunk = dict[str, np.ndarray]


def _frame(n: int, category: npt.ArrayLike, x: npt.ArrayLike, y: npt.ArrayLike, day: npt.ArrayLike, stream: str,
           tag: str = "", **cols: npt.ArrayLike) -> Chunk:
    data = {
        "category": np.broadcast_to(np.asarray(category, dtype=object), (n,)).copy(),
        "x": np.asarray(x, float), "y": np.asarray(y, float),
        "day": np.asarray(day, dtype="datetime64[D]"),
        "stream": np.full(n, stream, dtype=object),
        "tag": np.broadcast_to(np.asarray(tag, dtype=object), (n,)).copy(),
        "local_category": np.full(n, "", dtype=object),
        "hate_strand": np.full(n, "", dtype=object),
        "victim_ref": np.full(n, "", dtype=object),
        "planted_flags": np.zeros(n, bool),
        "domestic": np.zeros(n, bool), "alcohol": np.zeros(n, bool),
        "drugs": np.zeros(n, bool), "weapon": np.zeros(n, bool),
        "generation": np.zeros(n, np.int64),
    }
    for key, value in cols.items():
        data[key] = np.broadcast_to(np.asarray(value, dtype=object if isinstance(value, str)
                                               else None), (n,)).copy()
    return data


def _size(chunk: Chunk) -> int:
    return int(chunk["x"].size)


def _concat(chunks: list[Chunk]) -> Chunk:
    return {key: np.concatenate([c[key] for c in chunks]) for key in chunks[0]}


def _take(chunk: Chunk, mask: np.ndarray) -> Chunk:
    return {key: value[mask] for key, value in chunk.items()}


def _background(geo: Geography, points: MapPoints, sc: CrimeScenario,
                rng: np.random.Generator) -> list[Chunk]:
    frames = []
    for category, annual in CRIME_RATES.items():
        days = poisson_days(sc.period, monthly_rates(annual, category, sc.period, sc.scale,
                                                     sc.plant_trend), rng)
        p = points.mixture(SPATIAL_MIX[category])
        at = rng.choice(len(points), size=days.size, p=p)
        x, y = jitter_inside(geo, points.x[at], points.y[at], JITTER_M, rng)
        frames.append(_frame(days.size, category, x, y, days, "background"))
    return frames


def _disc(cx: float, cy: float, radius: float, n: int, rng: np.random.Generator
          ) -> tuple[np.ndarray, np.ndarray]:
    r = radius * np.sqrt(rng.uniform(0, 1, n))
    a = rng.uniform(0, 2 * np.pi, n)
    return np.round(cx + r * np.cos(a)), np.round(cy + r * np.sin(a))


def _hotspots(sc: CrimeScenario, rng: np.random.Generator) -> list[Chunk]:
    frames = []
    for spec in HOTSPOTS:
        cx, cy = to_bng(spec.lon, spec.lat)
        for category, annual in spec.annual.items():
            days = poisson_days(sc.period, monthly_rates(annual, category, sc.period, sc.scale,
                                                         sc.plant_trend), rng)
            x, y = _disc(float(cx), float(cy), spec.radius_m, days.size, rng)
            frames.append(_frame(days.size, category, x, y, days, "hotspot", spec.id))
    return frames


def _near_repeat(geo: Geography, parents: Chunk, sc: CrimeScenario,
                 rng: np.random.Generator) -> list[Chunk]:
    """Offspring burglaries, generation after generation, until none are born."""
    p = NEAR_REPEAT["offspring_probability"]
    reach = NEAR_REPEAT["spatial_range_m"]
    lag_max = NEAR_REPEAT["temporal_range_days"]
    frames = []
    current = parents
    generation = 0
    while _size(current):
        generation += 1
        born = rng.uniform(0, 1, _size(current)) < p
        mother = _take(current, born)
        n = _size(mother)
        dist = rng.uniform(0, 1, n) * reach
        angle = rng.uniform(0, 2 * np.pi, n)
        x = np.round(mother["x"] + dist * np.cos(angle))
        y = np.round(mother["y"] + dist * np.sin(angle))
        day = mother["day"] + rng.integers(
            1, lag_max + 1, n).astype("timedelta64[D]")
        keep = (day <= sc.period.last_day) & shapely.contains_xy(geo.boundary_bng, x, y)
        child = _frame(int(keep.sum()), "Burglary", x[keep], y[keep], day[keep], "near-repeat",
                       mother["tag"][keep], generation=generation,
                       local_category="Burglary dwelling")
        if _size(child):
            frames.append(child)
        current = child
    return frames


def _residential_homes(geo: Geography, points: MapPoints, n: int, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray]:
    at = rng.choice(len(points), size=n, p=points.component("residential"), replace=False)
    return jitter_inside(geo, points.x[at], points.y[at], JITTER_M, rng)


def _repeat_victims(geo: Geography, points: MapPoints, sc: CrimeScenario,
                    rng: np.random.Generator) -> tuple[list[Chunk], list[dict[str, Any]]]:
    frames: list[Chunk] = []
    planted: list[dict[str, Any]] = []
    period = sc.period
    for kind, spec in REPEAT_VICTIMS.items():
        n_victims = max(1, round(spec["victims"] * sc.scale))
        hx, hy = _residential_homes(geo, points, n_victims, rng)
        for i in range(n_victims):
            k = int(rng.integers(spec["min"], spec["max"] + 1))
            tag = f"RV-{kind}-{i + 1:03d}"
            if kind == "domestic":
                days = np.sort(period.uniform_days(period.first_day, period.last_day, k, rng))
                cats = choose(rng, ("Violence and sexual offences", "Criminal damage and arson"),
                              (0.8, 0.2), k)
                local = np.where(cats == "Criminal damage and arson",
                                 "Criminal damage to a dwelling", "Domestic abuse")
                frame = _frame(k, cats, np.full(k, hx[i]), np.full(k, hy[i]), days,
                               "repeat-victim", tag, local_category=local.astype(object))
                frame["domestic"][:] = True
            elif kind == "burglary":
                first = period.uniform_days(period.first_day, period.last_day, 1, rng)[0]
                gaps = rng.integers(7, 61, k - 1).astype("timedelta64[D]")
                days = first + np.concatenate([[np.timedelta64(0, "D")], np.cumsum(gaps)])
                days = days[days <= period.last_day]
                k = days.size
                frame = _frame(k, "Burglary", np.full(k, hx[i]), np.full(k, hy[i]), days,
                               "repeat-victim", tag, local_category="Burglary dwelling")
            else:
                strand = str(choose(rng, _HATE_STRANDS, _HATE_MIX, 1)[0])
                start = period.uniform_days(period.first_day, period.last_day, 1, rng)[0]
                end = min(start + np.timedelta64(90, "D"), period.last_day)
                days = np.sort(period.uniform_days(start, end, k, rng))
                cats = choose(rng, ("Public order", "Violence and sexual offences"), (0.5, 0.5), k)
                local = np.where(cats == "Public order", "Public fear, alarm or distress",
                                 "Violence without injury")
                frame = _frame(k, cats, np.full(k, hx[i]), np.full(k, hy[i]), days,
                               "repeat-victim", tag, local_category=local.astype(object),
                               hate_strand=strand)
            frame["planted_flags"][:] = True
            frames.append(frame)
            planted.append({"tag": tag, "kind": kind, "x": float(hx[i]), "y": float(hy[i])})
    return frames, planted


def _repeat_locations(points: MapPoints, sc: CrimeScenario, rng: np.random.Generator
                      ) -> tuple[list[Chunk], list[dict[str, Any]]]:
    frames: list[Chunk] = []
    planted: list[dict[str, Any]] = []
    used: set[int] = set()
    for i, (kind, annual) in enumerate(REPEAT_LOCATIONS):
        candidates = np.flatnonzero(points.kind == kind)
        candidates = np.array([c for c in candidates if c not in used])
        at = int(rng.choice(candidates))
        used.add(at)
        tag = f"RL-{i + 1:02d}"
        for category, rate in annual.items():
            days = poisson_days(sc.period, monthly_rates(rate, category, sc.period, sc.scale,
                                                         sc.plant_trend), rng)
            n = days.size
            labels, probs = _REPEAT_LOCATION_LOCAL[category]
            frames.append(_frame(n, category, np.full(n, points.x[at]), np.full(n, points.y[at]),
                                 days, "repeat-location", tag,
                                 local_category=choose(rng, labels, probs, n)))
        planted.append({"tag": tag, "kind": kind, "point": at, "annual_at_scale_1": annual})
    return frames, planted


def _county_line(geo: Geography, points: MapPoints, sc: CrimeScenario,
                 rng: np.random.Generator) -> tuple[list[Chunk], list[dict[str, Any]]]:
    frames: list[Chunk] = []
    cuckooed: list[dict[str, Any]] = []
    per = COUNTY_LINE["per_address"]

    def count(key: str) -> int:
        base, minimum = per[key]
        return max(minimum, round(base * sc.scale))

    for spec in COUNTY_LINE["addresses"]:
        lsoa_index = [a.code for a in geo.lsoas].index(spec["lsoa"])
        candidates = np.flatnonzero((points.lsoa == lsoa_index) & (points.kind == "street"))
        at = int(rng.choice(candidates))
        (ax,), (ay,) = jitter_inside(geo, points.x[at:at + 1], points.y[at:at + 1], 20.0, rng)
        start = sc.period.month_start(spec["months"] - 1)
        end = sc.period.last_day
        tag = f"CL-{spec['ref']}"

        n = count("drugs")
        drugs = _frame(n, "Drugs", np.full(n, ax), np.full(n, ay),
                       sc.period.uniform_days(start, end, n, rng), "county-line", tag,
                       local_category="Trafficking of drugs")
        drugs["drugs"][:] = True
        n = count("violence_against_resident")
        violence = _frame(n, "Violence and sexual offences", np.full(n, ax), np.full(n, ay),
                          sc.period.uniform_days(start, end, n, rng), "county-line", tag,
                          local_category="Violence with injury", victim_ref=f"@{tag}")
        violence["drugs"][:] = True
        n = count("weapons_nearby")
        wx, wy = _disc(ax, ay, 150.0, n, rng)
        weapons = _frame(n, "Possession of weapons", wx, wy,
                         sc.period.uniform_days(start, end, n, rng), "county-line", tag,
                         local_category="Possession of weapons")
        weapons["drugs"][:] = True
        weapons["weapon"][:] = True
        n = count("asb")
        asb = _frame(n, ASB, np.full(n, ax), np.full(n, ay),
                     sc.period.uniform_days(start, end, n, rng), "county-line", tag)
        for f in (drugs, violence, weapons, asb):
            f["planted_flags"][:] = True
            frames.append(f)
        flat, house = int(rng.integers(1, 9)), int(rng.integers(1, 120))
        cuckooed.append({"ref": spec["ref"], "tag": tag, "x": float(ax), "y": float(ay),
                         "address": f"Flat {flat}, {house} {points.street[at]}",
                         "point": at, "lsoa": spec["lsoa"], "from": str(start), "to": str(end),
                         "council_reports": count("council_drug_dealing")})
    return frames, cuckooed


def _apply_operation(events: pd.DataFrame, geo: Geography, plan: OperationPlan | None,
                     rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    if plan is None:
        return events, 0
    treated = geo.neighbourhood(plan.neighbourhood).geometry_bng
    day = events["day"].to_numpy().astype("datetime64[D]")
    target = (events["category"].isin(plan.categories).to_numpy()
              & (day >= plan.start) & (day <= plan.end))
    target[target] = shapely.contains_xy(treated, events["x"].to_numpy()[target],
                                         events["y"].to_numpy()[target])
    removed = target & (rng.uniform(0, 1, len(events)) < plan.effect)
    return events[~removed].reset_index(drop=True), int(removed.sum())


def _assign_local(events: pd.DataFrame, points: MapPoints, rng: np.random.Generator) -> None:
    """Local categories, flags and victim kinds for crimes that did not have them planted."""
    n = len(events)
    cat = events["category"].to_numpy()
    local = events["local_category"].to_numpy().copy()
    for category, options in LOCAL_CATEGORIES.items():
        unlabelled = (cat == category) & (local == "")
        if unlabelled.any():
            labels = [o[0] for o in options]
            local[unlabelled] = choose(rng, labels, [o[1] for o in options], int(unlabelled.sum()))
    events["local_category"] = local

    free = ~events["planted_flags"].to_numpy() & (cat != ASB)
    u = rng.uniform(0, 1, (5, n))
    in_tc = points.in_town_centre[events["point"].to_numpy()] | (events["tag"] == "H1").to_numpy()
    violent = np.isin(cat, ["Violence and sexual offences", "Public order"])
    p_alcohol = np.where(violent, np.where(in_tc, 0.45, 0.18),
                         np.where(cat == "Criminal damage and arson", 0.08, 0.02))
    p_drugs = np.where(cat == "Drugs", 1.0, np.where(events["tag"] == "H4", 0.5, 0.03))
    p_weapon = np.select([cat == "Possession of weapons", cat == "Robbery",
                          local == "Violence with injury"], [1.0, 0.25, 0.06], 0.0)
    p_domestic = np.select([local == "Domestic abuse", local == "Stalking and harassment",
                            local == "Criminal damage to a dwelling"], [1.0, 0.35, 0.12], 0.0)
    p_hate = np.select([local == "Racially or religiously aggravated public order",
                        np.isin(local, ["Violence without injury", "Stalking and harassment",
                                        "Public fear, alarm or distress"]),
                        local == "Criminal damage to a dwelling"], [1.0, 0.025, 0.01], 0.0)
    events["alcohol"] = np.where(free, u[0] < p_alcohol, events["alcohol"])
    events["drugs"] = np.where(free, u[1] < p_drugs, events["drugs"])
    events["weapon"] = np.where(free, u[2] < p_weapon, events["weapon"])
    events["domestic"] = np.where(free, u[3] < p_domestic, events["domestic"])
    hate = free & (u[4] < p_hate)
    racial = local == "Racially or religiously aggravated public order"
    strands = np.where(racial, choose(rng, ("race", "religion"), (0.85, 0.15), n),
                       choose(rng, _HATE_STRANDS, _HATE_MIX, n))
    events["hate_strand"] = np.where(hate, strands, events["hate_strand"])


def _victim_kind(local: np.ndarray) -> np.ndarray:
    kinds = {name: kind for options in LOCAL_CATEGORIES.values() for name, _, kind in options}
    return np.array([kinds.get(c, "none") for c in local], dtype=object)


def _assign_victims(events: pd.DataFrame, rng: np.random.Generator) -> None:
    """People get fresh ``V`` refs (planted repeat victims share theirs); businesses a ``B`` ref
    for their map point; offences against society none."""
    crimes = (events["category"] != ASB).to_numpy()
    kind = _victim_kind(events["local_category"].to_numpy())
    refs = events["victim_ref"].to_numpy().copy()
    tags = events["tag"].to_numpy()
    planted_people = (events["stream"] == "repeat-victim").to_numpy()
    planted_tags = sorted(set(tags[planted_people]) | {r[1:] for r in refs if r.startswith("@")})
    fresh = crimes & (kind == "person") & ~planted_people & (refs == "")
    business = crimes & (kind == "business") & (refs == "")
    numbers = rng.choice(np.arange(100000, 1000000), size=len(planted_tags) + int(fresh.sum()),
                         replace=False)
    by_tag = {t: f"V{numbers[i]:06d}" for i, t in enumerate(planted_tags)}
    refs[planted_people] = [by_tag[t] for t in tags[planted_people]]
    marked = np.array([r.startswith("@") for r in refs], bool)
    refs[marked] = [by_tag[r[1:]] for r in refs[marked]]
    refs[fresh] = [f"V{v:06d}" for v in numbers[len(planted_tags):]]
    refs[business] = [f"B{p:05d}" for p in events["point"].to_numpy()[business]]
    events["victim_ref"] = refs


def _assign_outcomes(events: pd.DataFrame, period: Period, rng: np.random.Generator) -> None:
    n = len(events)
    cat = events["category"].to_numpy()
    month = events["day"].to_numpy().astype("datetime64[D]").astype("datetime64[M]")
    age = (period.months[-1] - month).astype(np.int64)
    outcome = np.full(n, "", dtype=object)
    base = OUTCOMES["base"]
    recent = OUTCOMES["recent"]
    for category in CRIME_RATES:
        if category == ASB:
            continue
        override = OUTCOMES.get(category)
        labels = list(dict.fromkeys([*recent, *base, *(override or {})]))
        settled = np.array([base.get(k, 0.0) for k in labels])
        if override is not None:
            settled = 0.5 * settled + 0.5 * np.array([override.get(k, 0.0) for k in labels])
        fresh = np.array([recent.get(k, 0.0) for k in labels])
        # Under three months old: still recent; three to five: half and half; older: settled.
        for lo, hi, weight_recent in ((0, 2, 1.0), (3, 5, 0.5), (6, 10**6, 0.0)):
            sel = (cat == category) & (age >= lo) & (age <= hi)
            if sel.any():
                probs = weight_recent * fresh + (1 - weight_recent) * settled
                outcome[sel] = choose(rng, labels, probs, int(sel.sum()))
    events["outcome"] = outcome


def _assign_refs(events: pd.DataFrame, seed: int) -> None:
    """Local refs ``42/<sequence in year>/<yy>`` in date order; police.uk Crime IDs are the
    SHA-256 of the seed and the local ref (64 hex digits, like police.uk's)."""
    crimes = (events["category"] != ASB).to_numpy()
    years = events["day"].to_numpy().astype("datetime64[D]").astype("datetime64[Y]").astype(
        np.int64)[crimes] + 1970
    seq = pd.Series(years).groupby(years).cumcount().to_numpy() + 1
    refs = [f"42/{n:06d}/{y % 100:02d}" for n, y in zip(seq.tolist(), years.tolist(),
                                                        strict=True)]
    local_ref = np.full(len(events), "", dtype=object)
    crime_id = np.full(len(events), "", dtype=object)
    local_ref[crimes] = refs
    crime_id[crimes] = [hashlib.sha256(f"saferplaces-demo|{seed}|{r}".encode()).hexdigest()
                        for r in refs]
    events["local_ref"] = local_ref
    events["crime_id"] = crime_id


def generate_police_records(geo: Geography, points: MapPoints, sc: CrimeScenario, seed: int,
                            rng: np.random.Generator) -> PoliceRecords:
    """All police-recorded crime and ASB for the period (see module docstring)."""
    frames = _background(geo, points, sc, rng)
    frames += _hotspots(sc, rng)
    burglaries = _concat([f for f in frames if (f["category"] == "Burglary").all()])
    frames += _near_repeat(geo, burglaries, sc, rng)
    victim_frames, repeat_victims = _repeat_victims(geo, points, sc, rng)
    location_frames, repeat_locations = _repeat_locations(points, sc, rng)
    line_frames, cuckooed = _county_line(geo, points, sc, rng)
    events = pd.DataFrame(_concat([f for f in frames + victim_frames + location_frames
                                   + line_frames if _size(f)]))
    events, removed = _apply_operation(events, geo, sc.operation, rng)

    # A stable order: by day, then place, then category; ties keep generation order.
    events = events.sort_values(["day", "x", "y", "category"], kind="stable").reset_index(
        drop=True)
    _, snapped = points.tree().query(np.column_stack([events["x"], events["y"]]))
    events["point"] = snapped.astype(np.int64)
    background = (events["stream"] == "background").to_numpy()
    events["no_location"] = background & (rng.uniform(0, 1, len(events)) < NO_LOCATION_SHARE)
    _assign_local(events, points, rng)
    _assign_victims(events, rng)
    _assign_outcomes(events, sc.period, rng)
    _assign_refs(events, seed)
    return PoliceRecords(events=events, repeat_victims=repeat_victims,
                         repeat_locations=repeat_locations, cuckooed=cuckooed,
                         removed_by_operation=removed)

"""A small hand-built town for fast assessment tests: four square neighbourhoods, three years.

Everything is planted and known:

- police.uk Shoplifting: 20 a month for two years, then 40 a month, all in neighbourhood N3;
- police.uk Burglary and Anti-social behaviour: flat, spread over the town by population;
- local records: Burglary dwelling (the same crimes as police.uk Burglary, with victim refs;
  victim "V-REPEAT" has 12 of them in the last year), Domestic abuse (flagged, 8 a month),
  racially aggravated public order (flagged hate, 2 a month: small counts);
- council ASB: Noise nuisance, 15 a month, with complainant refs and street addresses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box, mapping

from saferplaces.geo import to_wgs84
from saferplaces.strategic import AssessmentInputs, Entered, Period

X0, Y0, SIDE = 596000.0, 222000.0, 2000.0
AREAS = (("N1", "North West", 0, 1, 5000), ("N2", "North East", 1, 1, 5000),
         ("N3", "South West", 0, 0, 2000), ("N4", "South East", 1, 0, 8000))
MONTHS = pd.date_range("2023-01-01", "2025-12-01", freq="MS")
FLAGS = ("hate_race", "hate_religion", "hate_sexual_orientation", "hate_disability",
         "hate_transgender", "domestic", "alcohol", "drugs", "weapon")


def _square(i: int, j: int) -> shapely.Polygon:
    return box(X0 + i * SIDE, Y0 + j * SIDE, X0 + (i + 1) * SIDE, Y0 + (j + 1) * SIDE)


def _wgs84(geom: shapely.Polygon) -> dict:
    out = shapely.transform(geom, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1])))
    return mapping(out)


def build(seed: int = 7, *, rising: bool = True) -> AssessmentInputs:
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    pops = np.array([a[4] for a in AREAS], float)

    def place(area: int | None, n: int) -> tuple[np.ndarray, np.ndarray]:
        which = (np.full(n, area) if area is not None
                 else rng.choice(4, size=n, p=pops / pops.sum()))
        i = np.array([AREAS[k][2] for k in which])
        j = np.array([AREAS[k][3] for k in which])
        return (X0 + (i + rng.uniform(0.05, 0.95, n)) * SIDE,
                Y0 + (j + rng.uniform(0.05, 0.95, n)) * SIDE)

    def add(source: str, category: str, month: pd.Timestamp, n: int, area: int | None = None,
            refs: list[str] | None = None, location: list[str] | None = None,
            precision: str = "month", **flags: bool) -> None:
        if n <= 0:
            return
        x, y = place(area, n)
        if area == 2 and category == "Shoplifting":  # a tight cluster: one shopping street
            x = X0 + 300 + rng.uniform(0, 200, n)
            y = Y0 + 300 + rng.uniform(0, 200, n)
        for k in range(n):
            day = month + pd.Timedelta(days=int(rng.integers(0, 27)))
            rows.append({
                "source": source, "category": category, "month": month,
                "occurred": month if precision == "month" else day, "precision": precision,
                "x": x[k], "y": y[k], "lsoa_code": "", "location": (location or [""] * n)[k],
                "victim_ref": (refs or [""] * n)[k],
                **{f: bool(flags.get(f, False)) for f in FLAGS},
            })

    for t, month in enumerate(MONTHS):
        last_year = t >= 24
        add("police-uk", "Shoplifting", month, 40 if (rising and last_year) else 20, area=2)
        n_burg = int(rng.poisson(30))
        add("police-uk", "Burglary", month, n_burg)
        add("police-uk", "Anti-social behaviour", month, int(rng.poisson(50)))
        refs = [f"V{rng.integers(100000, 999999)}" for _ in range(n_burg)]
        if last_year:
            refs[0] = "V-REPEAT"
        add("local", "Burglary dwelling", month, n_burg, refs=refs, precision="day")
        n_da = int(rng.poisson(8))
        da_refs = [f"V{rng.integers(100000, 999999)}" for _ in range(n_da)]
        add("local", "Domestic abuse", month, n_da, refs=da_refs, precision="day",
            domestic=True)
        n_hate = int(rng.poisson(2))
        add("local", "Racially or religiously aggravated public order", month, n_hate,
            refs=[f"V{rng.integers(100000, 999999)}" for _ in range(n_hate)],
            precision="day", hate_race=True)
        n_noise = int(rng.poisson(15))
        complainants = [f"C{rng.integers(100000, 999999)}" for _ in range(n_noise)]
        streets = [f"{rng.integers(1, 99)} Acacia Avenue" for _ in range(n_noise)]
        add("council-asb", "Noise nuisance", month, n_noise, refs=complainants,
            location=streets, precision="minute")

    incidents = pd.DataFrame(rows)
    incidents.insert(0, "id", np.arange(1, len(incidents) + 1))
    lon, lat = to_wgs84(incidents["x"].to_numpy(), incidents["y"].to_numpy())
    incidents["lon"], incidents["lat"] = lon, lat
    incidents["month"] = incidents["month"].astype("datetime64[ns]")
    incidents["occurred"] = pd.to_datetime(incidents["occurred"]).astype("datetime64[ns]")

    areas = [{"kind": "neighbourhood", "code": code, "name": name, "population": pop,
              "geometry": _wgs84(_square(i, j))} for code, name, i, j, pop in AREAS]
    areas.append({"kind": "town-centre", "code": "TC", "name": "Town centre", "population": None,
                  "geometry": _wgs84(_square(0, 0))})
    membership = []
    squares = [(a[0], a[1], _square(a[2], a[3])) for a in AREAS]
    inside = {code: shapely.contains_xy(geom, incidents["x"], incidents["y"])
              for code, _, geom in squares}
    for code, name, _ in squares:
        for i in incidents["id"][inside[code]]:
            membership.append({"incident_id": i, "area_kind": "neighbourhood", "area_code": code,
                               "area_name": name})
    for i in incidents["id"][inside["N3"]]:
        membership.append({"incident_id": i, "area_kind": "town-centre", "area_code": "TC",
                           "area_name": "Town centre"})
    return AssessmentInputs(
        incidents=incidents, membership=pd.DataFrame(membership), areas=pd.DataFrame(areas),
        period=Period("2025-01", "2025-12"), entered=Entered(), previous=None, synthetic=True)

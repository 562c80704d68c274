"""The planted ground truth (``ground_truth.json``): what every analysis should recover.

``GROUND_TRUTH_KEYS`` documents each top-level key (a README can print it as a table); the
values are built from the generated records themselves, so counts in the truth are exactly the
counts in the files.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from .geography import Geography, to_bng, to_wgs84
from .incidents import OperationPlan, PoliceRecords
from .mappoints import MapPoints
from .partners import CouncilLog
from .scenario import (
    ASB,
    COUNTY_LINE,
    HOTSPOTS,
    NEAR_REPEAT,
    PSPO,
    RISING_TREND,
    SEASONALITY,
    TOWN_CENTRE_CENTRE,
    TOWN_CENTRE_SIGMA_M,
)
from .timeline import Period, monthly_rates
from .writers import geometry_json

__all__ = ["GROUND_TRUTH_KEYS", "build_ground_truth"]

GROUND_TRUTH_KEYS: dict[str, str] = {
    "synthetic": "Always true: everything in the folder is invented (geography aside).",
    "generator": "Generator name and version of the scenario.",
    "seed": "The seed the town was generated from (same arguments, same bytes).",
    "scale": "Volume multiplier (1.0 gives roughly 20,000 police.uk rows a year).",
    "period": "First and last month (YYYY-MM), first and last day, number of months.",
    "geography": "Source of the real base geography (Colchester LSOAs 2011, ONS, OGL v3.0) and "
                 "the population rule used.",
    "town_centre": "The drawn town centre: file, centre of the night-time economy kernel "
                   "(lon/lat and BNG) and its spread in metres.",
    "hotspots": "Planted compact hotspots: id, label, centre (lon/lat and BNG x/y), radius_m "
                "(events uniform within it), categories with annual counts at scale 1, events "
                "planted in the period, their share of those categories borough-wide, and the "
                "LSOA and neighbourhood (MSOA) holding the centre.",
    "rising_trend": "The planted rising police.uk category: annual growth (compounded monthly "
                    "from start), the expected ratio of the last 12 months to the 12 before and, "
                    "for periods of 24 months or more, the realised counts of both; null when "
                    "generated with plant_trend=False.",
    "seasonality": "Seasonal multiplier 1 + amplitude × cos(2π(month − peak_month)/12) and the "
                   "police.uk, council and fire categories it applies to.",
    "near_repeat": "Self-exciting burglary in partner/local-incidents.csv: offspring "
                   "probability (= branching ratio), spatial and temporal ranges, how offspring "
                   "are placed, and realised counts by generation. police.uk burglaries are the "
                   "same crimes, snapped and month-only.",
    "repeat_victims": "Every person (victim_ref starting V) with two or more crimes in "
                      "local-incidents, with kind (domestic, burglary, hate, county-line "
                      "cuckooing), count, categories and home easting/northing. Business victims "
                      "(B refs) are not listed; see repeat_locations.",
    "repeat_locations": "Places with crime again and again (shops, nightclubs, a petrol "
                        "station): business ref (the victim_ref of crimes against the business; "
                        "people hurt there have their own refs), kind, police.uk location text, "
                        "exact BNG and WGS84 point, planted annual rates and the count of "
                        "crimes at exactly that point.",
    "repeat_complainants": "Council ASB complainants with two or more reports: planted repeat "
                           "complainants and the county line's neighbours.",
    "county_line": "One county-lines network: deal line numbers (Ofcom drama range 07700 "
                   "900xxx), nominals (pseudonyms), cuckooed addresses with their linked "
                   "crimes, ASB and council reports, and the links between them.",
    "pspo": "The drawn PSPO zone (GeoJSON geometry, also in areas/pspo.geojson): made and "
            "expiry dates, prohibitions and the planted effect on council reports inside it.",
    "operation": "A planted operation: name, dates, treated neighbourhood, matched control "
                 "neighbourhood, target categories and the true effect as a percentage "
                 "reduction (events removed at random during the window); null for periods "
                 "shorter than 16 months.",
    "counts": "Rows per file written, and police.uk rows by crime type.",
}


def _lonlat(x: float, y: float) -> dict[str, float]:
    lon, lat = to_wgs84(x, y)
    return {"lon": round(float(lon), 6), "lat": round(float(lat), 6)}


def _area_of(geo: Geography, x: float, y: float) -> dict[str, str]:
    i = int(geo.lsoa_index_at(np.array([x]), np.array([y]))[0])
    lsoa = geo.lsoas[i]
    return {"lsoa_code": lsoa.code, "lsoa_name": lsoa.name,
            "neighbourhood_code": lsoa.msoa_code, "neighbourhood_name": lsoa.msoa_name}


def _hotspots(geo: Geography, events: pd.DataFrame, period: Period, scale: float,
              plant_trend: bool) -> list[dict[str, Any]]:
    out = []
    for spec in HOTSPOTS:
        cx, cy = (float(v) for v in to_bng(spec.lon, spec.lat))
        mine = events[(events["stream"] == "hotspot") & (events["tag"] == spec.id)]
        categories = list(spec.annual)
        of_kind = events["category"].isin(categories)
        out.append({
            "id": spec.id, "label": spec.label,
            "lon": spec.lon, "lat": spec.lat, "x": round(cx, 1), "y": round(cy, 1),
            "radius_m": spec.radius_m,
            "categories": categories,
            "annual_at_scale_1": dict(spec.annual),
            "expected_in_period": {c: round(float(monthly_rates(a, c, period, scale,
                                                                 plant_trend).sum()), 1)
                                   for c, a in spec.annual.items()},
            "planted_events": int(len(mine)),
            "share_of_categories": round(len(mine) / max(1, int(of_kind.sum())), 4),
            "fire_annual_at_scale_1": dict(spec.fire_annual),
            **_area_of(geo, cx, cy),
        })
    return out


def _rising_trend(events: pd.DataFrame, period: Period, plant_trend: bool
                  ) -> dict[str, Any] | None:
    if not plant_trend:
        return None
    category = RISING_TREND["category"]
    growth = RISING_TREND["annual_growth"]
    month = events["day"].to_numpy().astype("datetime64[D]").astype("datetime64[M]")
    is_cat = (events["category"] == category).to_numpy()
    truth: dict[str, Any] = {
        "category": category, "annual_growth": growth, "start": str(period.months[0]),
        "compounding": "monthly: rate × (1 + annual_growth) ** (months since start / 12)",
        "applies_to": "every stream of the category (background, hotspots, repeat locations)",
        "expected_ratio_last_12_to_previous_12": round(1 + growth, 4),
    }
    if period.n_months >= 24:
        end = period.months[-1]
        last = is_cat & (month > end - 12)
        previous = is_cat & (month <= end - 12) & (month > end - 24)
        truth["last_12_months"] = int(last.sum())
        truth["previous_12_months"] = int(previous.sum())
    return truth


def _near_repeat(events: pd.DataFrame) -> dict[str, Any]:
    burglary = events[events["category"] == NEAR_REPEAT["category"]]
    generations = burglary[burglary["stream"] != "repeat-victim"]["generation"]
    return {
        **NEAR_REPEAT,
        "branching_ratio": NEAR_REPEAT["offspring_probability"],
        "source": "partner/local-incidents.csv",
        "offspring_placement": "distance uniform on (0, spatial_range_m], angle uniform; delay "
                               "uniform on 1..temporal_range_days days; offspring of offspring "
                               "too; offspring falling outside the borough or after the period "
                               "are dropped",
        "parents": "every background and hotspot burglary (not planted repeat victims)",
        "note": "clustering makes burglary counts over-dispersed (variance about "
                "1 / (1 - branching_ratio)^2 times the Poisson's), so Poisson tests of "
                "burglary volume are anti-conservative",
        "first_generation": int((generations == 0).sum()),
        "offspring": int((generations > 0).sum()),
        "by_generation": {str(g): int(n) for g, n in
                          generations.value_counts().sort_index().items()},
    }


def _repeat_victims(records: PoliceRecords) -> list[dict[str, Any]]:
    crimes = records.events[records.events["category"] != ASB]
    people = crimes[crimes["victim_ref"].str.startswith("V")]
    counts = people["victim_ref"].value_counts()
    repeated = people[people["victim_ref"].isin(counts[counts >= 2].index)]
    kinds = {p["tag"]: p["kind"] for p in records.repeat_victims}
    kinds.update({c["tag"]: "county-line cuckooing" for c in records.cuckooed})
    out = []
    for ref, mine in repeated.groupby("victim_ref", sort=True):
        tag = str(mine["tag"].iloc[0])
        out.append({
            "victim_ref": ref, "kind": kinds.get(tag, "unplanted"), "count": int(len(mine)),
            "categories": sorted(mine["local_category"].unique().tolist()),
            "easting": int(mine["x"].iloc[0]), "northing": int(mine["y"].iloc[0]),
            "first": str(mine["day"].min())[:10], "last": str(mine["day"].max())[:10],
        })
    return out


def _repeat_locations(records: PoliceRecords, points: MapPoints) -> list[dict[str, Any]]:
    crimes = records.events[records.events["category"] != ASB]
    out = []
    for spot in records.repeat_locations:
        p = spot["point"]
        x, y = float(points.x[p]), float(points.y[p])
        here = crimes[(crimes["x"] == x) & (crimes["y"] == y)]
        out.append({
            "business_ref": f"B{p:05d}", "kind": spot["kind"],
            "location": str(points.location[p]), "easting": int(x), "northing": int(y),
            **_lonlat(x, y), "annual_at_scale_1": spot["annual_at_scale_1"],
            "count": int(len(here)), "categories": sorted(here["category"].unique().tolist()),
        })
    return out


def _county_line(geo: Geography, records: PoliceRecords, council: CouncilLog
                 ) -> dict[str, Any]:
    events = records.events
    reports = council.reports
    addresses = []
    links: list[dict[str, str]] = []
    lines = COUNTY_LINE["deal_lines"]
    for i, c in enumerate(records.cuckooed):
        mine = events[(events["stream"] == "county-line") & (events["tag"] == c["tag"])]
        crimes = mine[mine["category"] != ASB]
        residents = sorted({r for r in crimes["victim_ref"] if r.startswith("V")})
        council_rows = reports[reports["tag"] == c["tag"]]
        addresses.append({
            "ref": c["ref"], "address": c["address"], "easting": int(c["x"]),
            "northing": int(c["y"]), **_lonlat(c["x"], c["y"]), **_area_of(geo, c["x"], c["y"]),
            "cuckooed_from": c["from"], "cuckooed_to": c["to"],
            "resident_victim_refs": residents,
            "local_refs": crimes["local_ref"].tolist(),
            "police_crime_ids": crimes["crime_id"].tolist(),
            "police_uk_asb_rows": int((mine["category"] == ASB).sum()),
            "council_case_refs": council_rows["case_ref"].tolist(),
            "council_complainant_refs": sorted(council_rows["complainant_ref"].unique().tolist()),
        })
        line = lines[i % len(lines)]
        links.append({"from": line, "to": c["ref"], "type": "handset located at address"})
        links.extend({"from": r, "to": c["ref"], "type": "resides at (cuckooed)"}
                     for r in residents)
    nominals = COUNTY_LINE["nominals"]
    links.extend([
        {"from": nominals[0]["ref"], "to": lines[0], "type": "controls deal line"},
        {"from": nominals[0]["ref"], "to": lines[1], "type": "controls deal line"},
        {"from": lines[0], "to": lines[2], "type": "frequent contact"},
        {"from": nominals[1]["ref"], "to": lines[0], "type": "uses phone"},
        {"from": nominals[2]["ref"], "to": lines[1], "type": "uses phone"},
        {"from": nominals[3]["ref"], "to": lines[2], "type": "uses phone"},
        {"from": nominals[1]["ref"], "to": addresses[0]["ref"], "type": "seen at"},
        {"from": nominals[2]["ref"], "to": addresses[-1]["ref"], "type": "seen at"},
        {"from": nominals[3]["ref"], "to": nominals[0]["ref"], "type": "associate"},
    ])
    return {
        "name": COUNTY_LINE["name"],
        "deal_lines": lines,
        "deal_line_note": "Ofcom's drama range 07700 900000-900999: never allocated to real "
                          "phones",
        "nominals": nominals,
        "cuckooed_addresses": addresses,
        "links": links,
    }


def build_ground_truth(*, seed: int, scale: float, period: Period, plant_trend: bool,
                       geo: Geography, points: MapPoints, records: PoliceRecords,
                       council: CouncilLog, fires: pd.DataFrame,
                       operation: OperationPlan | None, pspo_made: np.datetime64,
                       pspo_expires: np.datetime64, pspo_zone: BaseGeometry,
                       town_centre: BaseGeometry, counts: dict[str, Any],
                       version: str) -> dict[str, Any]:
    """Assemble ``ground_truth.json`` (keys documented in ``GROUND_TRUTH_KEYS``)."""
    events = records.events
    tcx, tcy = (float(v) for v in to_bng(*TOWN_CENTRE_CENTRE))
    if operation is None:
        op: dict[str, Any] | None = None
    else:
        treated = geo.neighbourhood(operation.neighbourhood)
        control = geo.neighbourhood(operation.control_neighbourhood)
        first_month = operation.start.astype("datetime64[M]")
        n_months = int((operation.end.astype("datetime64[M]") - first_month).astype(int)) + 1
        op = {
            "name": operation.name,
            "start": str(operation.start), "end": str(operation.end),
            "suggested_before_period": {
                "start": str((first_month - n_months).astype("datetime64[D]")),
                "end": str(operation.start - 1)},
            "neighbourhood_code": treated.code, "neighbourhood_name": treated.name,
            "control_neighbourhood_code": control.code,
            "control_neighbourhood_name": control.name,
            "control_choice": "the neighbourhood with no planted hotspot, not touching the "
                              "treated one, the town centre or the PSPO zone, whose expected "
                              "volume of the target categories is closest to the treated one's",
            "categories": list(operation.categories),
            "effect_pct_reduction": round(100 * operation.effect, 1),
            "effect_method": "each target-category event in the treated neighbourhood (exact "
                             "location) during the window is removed with probability "
                             "effect_pct_reduction / 100",
            "sources": ["police-uk", "partner/local-incidents.csv"],
            "events_removed": records.removed_by_operation,
        }
    return {
        "synthetic": True,
        "generator": version,
        "seed": seed,
        "scale": scale,
        "period": {"start": str(period.months[0]), "end": str(period.months[-1]),
                   "first_day": str(period.first_day), "last_day": str(period.last_day),
                   "months": period.n_months},
        "geography": {
            "lsoas": len(geo.lsoas), "neighbourhoods": len(geo.neighbourhoods),
            "population": geo.population,
            "population_rule": "round(Hectares × Persons per hectare), 2011 Census",
            "source": "Office for National Statistics, Open Government Licence v3.0; contains "
                      "OS data © Crown copyright and database right",
            "map_points": len(points),
        },
        "town_centre": {"file": "areas/town-centre.geojson", "lon": TOWN_CENTRE_CENTRE[0],
                        "lat": TOWN_CENTRE_CENTRE[1], "x": round(tcx, 1), "y": round(tcy, 1),
                        "night_time_economy_sd_m": TOWN_CENTRE_SIGMA_M,
                        "geometry": geometry_json(town_centre)},
        "hotspots": _hotspots(geo, events, period, scale, plant_trend),
        "rising_trend": _rising_trend(events, period, plant_trend),
        "seasonality": dict(SEASONALITY),
        "near_repeat": _near_repeat(events),
        "repeat_victims": _repeat_victims(records),
        "repeat_locations": _repeat_locations(records, points),
        "repeat_complainants": council.repeat_complainants,
        "county_line": _county_line(geo, records, council),
        "pspo": {
            "name": PSPO["name"], "file": "areas/pspo.geojson", "zone": geometry_json(pspo_zone),
            "made": str(pspo_made),
            "expires": str(pspo_expires), "prohibitions": PSPO["prohibitions"],
            "planted_effect": {**PSPO["planted_effect"], "from": str(pspo_made),
                               "reports_removed": council.pspo_removed},
        },
        "operation": op,
        "counts": counts,
    }

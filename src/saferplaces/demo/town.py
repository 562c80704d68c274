"""``generate_town``: write the whole synthetic demo town to a folder.

Layout of ``out_dir``::

    SYNTHETIC-DATA.txt
    ground_truth.json
    police-uk/YYYY-MM/YYYY-MM-essex-street.csv   (+ SYNTHETIC-DATA.txt in every folder)
    partner/council-asb.csv
    partner/fire-deliberate.csv
    partner/local-incidents.csv
    areas/lsoas.geojson
    areas/neighbourhoods.geojson
    areas/town-centre.geojson
    areas/pspo.geojson

The same arguments always give the same bytes: every random draw comes from
``numpy.random.SeedSequence(seed)``, and nothing depends on the clock.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon

from saferplaces.progress import Progress

from .geography import Geography, load_geography, to_bng
from .incidents import CrimeScenario, OperationPlan, generate_police_records
from .mappoints import MapPoints, build_map_points
from .partners import generate_council_asb, generate_fires
from .scenario import (
    ASB,
    CRIME_RATES,
    HOTSPOTS,
    OPERATION,
    PSPO,
    PSPO_ZONE_LONLAT,
    SPATIAL_MIX,
    TOWN_CENTRE_CENTRE,
    TOWN_CENTRE_LONLAT,
)
from .timeline import Period
from .truth import build_ground_truth
from .writers import (
    write_council_asb,
    write_fires,
    write_geojson,
    write_json,
    write_local_incidents,
    write_notice,
    write_police_uk,
)

__all__ = ["FileSummary", "GenerationSummary", "generate_town", "GENERATOR_VERSION"]

GENERATOR_VERSION = "saferplaces.demo 1"


@dataclass(frozen=True)
class FileSummary:
    """One written file (path relative to the output folder) and its data rows / features."""

    path: str
    rows: int


@dataclass(frozen=True)
class GenerationSummary:
    """What ``generate_town`` wrote, with the arguments it was given."""

    out_dir: str
    seed: int
    months: int
    scale: float
    end_month: str
    plant_trend: bool
    files: tuple[FileSummary, ...]

    def rows(self, path: str) -> int:
        """Rows written to ``path`` (relative to ``out_dir``)."""
        for f in self.files:
            if f.path == path:
                return f.rows
        raise KeyError(path)

    @property
    def ground_truth_path(self) -> Path:
        return Path(self.out_dir) / "ground_truth.json"

    @property
    def police_uk_rows(self) -> int:
        return sum(f.rows for f in self.files if f.path.startswith("police-uk/"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        months = sum(1 for f in self.files if f.path.startswith("police-uk/"))
        return (f"{self.police_uk_rows:,} police.uk rows in {months} monthly files, "
                f"{self.rows('partner/local-incidents.csv'):,} local police records, "
                f"{self.rows('partner/council-asb.csv'):,} council ASB reports, "
                f"{self.rows('partner/fire-deliberate.csv'):,} deliberate fires; seed "
                f"{self.seed}, scale {self.scale:g}")


def _drawn_polygon(lonlat: tuple[tuple[float, float], ...]) -> tuple[Polygon, Polygon]:
    lon = np.array([p[0] for p in lonlat])
    lat = np.array([p[1] for p in lonlat])
    x, y = to_bng(lon, lat)
    return Polygon(zip(lon, lat, strict=True)), Polygon(zip(x, y, strict=True))


def _expected_by_neighbourhood(geo: Geography, points: MapPoints, categories: list[str]
                               ) -> dict[str, float]:
    """Expected annual count of ``categories`` per neighbourhood at scale 1 (background and
    hotspots), from the spatial mixes."""
    msoa_of_lsoa = np.array([a.msoa_code for a in geo.lsoas], dtype=object)
    point_msoa = msoa_of_lsoa[points.lsoa]
    expected = {n.code: 0.0 for n in geo.neighbourhoods}
    for category in categories:
        weights = CRIME_RATES[category] * points.mixture(SPATIAL_MIX[category])
        for code in expected:
            expected[code] += float(weights[point_msoa == code].sum())
    for spec in HOTSPOTS:
        x, y = to_bng(spec.lon, spec.lat)
        code = geo.neighbourhoods[int(geo.neighbourhood_index_at(np.array([x]),
                                                                 np.array([y]))[0])].code
        expected[code] += sum(spec.annual.get(c, 0.0) for c in categories)
    return expected


def _plan_operation(geo: Geography, points: MapPoints, period: Period,
                    pspo_zone_bng: Polygon) -> OperationPlan | None:
    length = OPERATION["length_months"]
    before_end = OPERATION["starts_months_before_end"]
    if period.n_months < before_end + length:
        return None
    start_index = period.n_months - before_end
    start = period.month_starts[start_index]
    end = (period.months[start_index + length - 1] + 1).astype("datetime64[D]") - 1
    categories = list(OPERATION["categories"])
    expected = _expected_by_neighbourhood(geo, points, categories)
    treated = geo.neighbourhood(OPERATION["neighbourhood"])
    centre_x, centre_y = to_bng(*TOWN_CENTRE_CENTRE)
    centre = geo.neighbourhood_index_at(np.array([centre_x]), np.array([centre_y]))[0]
    excluded = {treated.code, geo.neighbourhoods[int(centre)].code}
    for spec in HOTSPOTS:
        x, y = to_bng(spec.lon, spec.lat)
        excluded.add(geo.neighbourhoods[int(geo.neighbourhood_index_at(
            np.array([x]), np.array([y]))[0])].code)
    for n in geo.neighbourhoods:
        if (n.geometry_bng.buffer(1.0).intersects(treated.geometry_bng)
                or n.geometry_bng.intersects(pspo_zone_bng)):
            excluded.add(n.code)
    candidates = [n.code for n in geo.neighbourhoods if n.code not in excluded]
    target = expected[treated.code]
    control = min(candidates, key=lambda c: (abs(np.log(expected[c] / target)), c))
    return OperationPlan(
        name=OPERATION["name"], neighbourhood=treated.code, control_neighbourhood=control,
        categories=tuple(categories), start=start, end=end,
        effect=OPERATION["effect_pct_reduction"] / 100,
    )


def _pspo_dates(period: Period) -> tuple[np.datetime64, np.datetime64]:
    made = period.month_starts[int(period.n_months * PSPO["made_months_after_start_fraction"])]
    years = PSPO["duration_years"]
    expires = ((made.astype("datetime64[M]") + 12 * years).astype("datetime64[D]")
               - np.timedelta64(1, "D"))
    return made, expires


def generate_town(out_dir: Path, *, seed: int = 1, months: int = 36, scale: float = 1.0,
                  end_month: str = "2025-12", plant_trend: bool = True,
                  progress: Progress | None = None) -> GenerationSummary:
    """Generate the synthetic demo town into ``out_dir`` and return what was written.

    ``months`` months ending with ``end_month`` (YYYY-MM); ``scale`` multiplies every volume
    (1.0 gives roughly 20,000 police.uk rows a year); ``plant_trend=False`` leaves out the
    rising category. ``progress(stage, done, total)`` is called as stages advance. Existing
    files of the same names are overwritten.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out = Path(out_dir)

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    arguments = (f"seed={seed} months={months} scale={scale} end_month={end_month} "
                 f"plant_trend={plant_trend}")
    period = Period(end_month, months)
    report("geography", 0, 1)
    geo = load_geography()
    town_centre, town_centre_bng = _drawn_polygon(TOWN_CENTRE_LONLAT)
    pspo_zone, pspo_zone_bng = _drawn_polygon(PSPO_ZONE_LONLAT)
    report("geography", 1, 1)

    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)]
    report("map points", 0, 1)
    points = build_map_points(geo, town_centre_bng, streams[0])
    report("map points", 1, 1)

    report("incidents", 0, 3)
    operation = _plan_operation(geo, points, period, pspo_zone_bng)
    pspo_made, pspo_expires = _pspo_dates(period)
    scenario = CrimeScenario(period=period, scale=scale, plant_trend=plant_trend,
                             operation=operation)
    records = generate_police_records(geo, points, scenario, seed, streams[1])
    report("incidents", 1, 3)
    council = generate_council_asb(geo, points, period, scale, pspo_zone_bng, pspo_made,
                                   records.cuckooed, streams[2])
    report("incidents", 2, 3)
    fires = generate_fires(geo, points, period, scale, streams[3])
    report("incidents", 3, 3)

    write_notice(out, arguments)
    police_root = out / "police-uk"
    write_notice(police_root, arguments)
    per_month = write_police_uk(police_root, records.events, points, geo, period.months,
                                arguments, report)
    files = [FileSummary(f"police-uk/{name}", n) for name, n in per_month.items()]

    report("partner files", 0, 3)
    write_notice(out / "partner", arguments)
    files.append(FileSummary("partner/local-incidents.csv", write_local_incidents(
        out / "partner" / "local-incidents.csv", records.events)))
    report("partner files", 1, 3)
    files.append(FileSummary("partner/council-asb.csv", write_council_asb(
        out / "partner" / "council-asb.csv", council.reports)))
    report("partner files", 2, 3)
    files.append(FileSummary("partner/fire-deliberate.csv", write_fires(
        out / "partner" / "fire-deliberate.csv", fires)))
    report("partner files", 3, 3)

    report("areas", 0, 1)
    files.extend(_write_areas(out / "areas", geo, town_centre, pspo_zone, pspo_made,
                              pspo_expires, arguments))
    report("areas", 1, 1)

    report("ground truth", 0, 1)
    events = records.events
    counts: dict[str, Any] = {f.path: f.rows for f in files}
    counts["police-uk"] = {
        "files": len(per_month), "rows": int(len(events)),
        "crimes": int((events["category"] != ASB).sum()),
        "anti_social_behaviour": int((events["category"] == ASB).sum()),
        "no_location": int(events["no_location"].sum()),
        "by_crime_type": {str(k): int(v) for k, v in
                          events["category"].value_counts().sort_index().items()},
    }
    truth = build_ground_truth(
        seed=seed, scale=scale, period=period, plant_trend=plant_trend, geo=geo, points=points,
        records=records, council=council, fires=fires, operation=operation,
        pspo_made=pspo_made, pspo_expires=pspo_expires, pspo_zone=pspo_zone,
        town_centre=town_centre, counts=counts,
        version=GENERATOR_VERSION)
    write_json(out / "ground_truth.json", truth)
    report("ground truth", 1, 1)
    return GenerationSummary(out_dir=str(out), seed=seed, months=months, scale=scale,
                             end_month=end_month, plant_trend=plant_trend, files=tuple(files))


_REAL_SOURCE = ("Office for National Statistics, Open Government Licence v3.0; contains OS data "
                "© Crown copyright and database right. Generalised 2011 boundaries; population "
                "is round(Hectares × Persons per hectare), 2011 Census.")


def _write_areas(folder: Path, geo: Geography, town_centre: Polygon, pspo_zone: Polygon,
                 made: np.datetime64, expires: np.datetime64, arguments: str
                 ) -> list[FileSummary]:
    write_notice(folder, arguments)
    real = {"synthetic": False, "source": _REAL_SOURCE,
            "note": "real geography, part of a synthetic demo dataset"}
    drawn = {"synthetic": True,
             "note": "drawn by hand for the synthetic demo town; not an official boundary"}
    out = [
        FileSummary("areas/lsoas.geojson", write_geojson(folder / "lsoas.geojson", [
            (a.geometry, {"LSOA11CD": a.code, "LSOA11NM": a.name, "MSOA11CD": a.msoa_code,
                          "MSOA11NM": a.msoa_name, "population": a.population,
                          "households": a.households, "hectares": a.hectares})
            for a in geo.lsoas], {"name": "Colchester LSOAs (2011)", **real})),
        FileSummary("areas/neighbourhoods.geojson", write_geojson(
            folder / "neighbourhoods.geojson", [
                (n.geometry, {"MSOA11CD": n.code, "MSOA11NM": n.name,
                              "population": n.population, "lsoas": len(n.lsoa_codes)})
                for n in geo.neighbourhoods],
            {"name": "Colchester neighbourhoods (MSOAs 2011, dissolved from LSOAs)", **real})),
        FileSummary("areas/town-centre.geojson", write_geojson(
            folder / "town-centre.geojson",
            [(town_centre, {"name": "Town centre", "kind": "town centre", "synthetic": True})],
            {"name": "Town centre (drawn)", **drawn})),
        FileSummary("areas/pspo.geojson", write_geojson(
            folder / "pspo.geojson",
            [(pspo_zone, {"name": PSPO["name"], "kind": "PSPO zone", "made": str(made),
                          "expires": str(expires), "prohibitions": PSPO["prohibitions"],
                          "synthetic": True})],
            {"name": "PSPO zone (drawn)", **drawn})),
    ]
    if not shapely.contains(pspo_zone, town_centre.centroid):
        raise RuntimeError("the drawn PSPO zone must cover the town centre")
    return out

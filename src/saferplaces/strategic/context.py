"""The incident table prepared once per run: arrays, periods, areas, the common grid, weights.

Every measure works on boolean masks over these arrays, so a candidate costs a few vectorised
operations rather than a new DataFrame per question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from saferplaces.analysis.classification import Harmonisation, harmonise_categories
from saferplaces.analysis.frame import FLAG_COLUMNS, HATE_STRANDS
from saferplaces.analysis.grid import Grid, make_grid
from saferplaces.analysis.harm import HarmWeights, load_weights, normalise_category
from saferplaces.analysis.references import placeholder_mask
from saferplaces.geo import to_bng
from saferplaces.periods import month_at, month_number, month_numbers
from saferplaces.strategic.config import AssessmentConfig, Selector
from saferplaces.strategic.inputs import AssessmentInputs, Period

__all__ = ["Context", "harm_table", "prepare"]


@dataclass(eq=False)
class Context:
    """Prepared arrays for one run (internal to the strategic package)."""

    inputs: AssessmentInputs
    config: AssessmentConfig
    period: Period
    frame: pd.DataFrame
    source: np.ndarray
    category: np.ndarray
    category_key: np.ndarray
    category_code: np.ndarray
    category_codes: dict[str, int]
    source_code: np.ndarray
    source_codes: dict[str, int]
    month: np.ndarray
    x: np.ndarray
    y: np.ndarray
    located: np.ndarray
    flags: dict[str, np.ndarray]
    has_ref: np.ndarray
    ref_code: np.ndarray
    placeholder_ref: np.ndarray  # UNKNOWN, N/A, 0...: not a reference (not in has_ref)
    cur: tuple[int, int]
    prev: tuple[int, int]
    hist_start: int
    in_year: np.ndarray
    in_prev: np.ndarray
    area_kind: str | None
    area_codes: list[str]
    area_names: list[str]
    area_population: np.ndarray
    area_geometry_bng: list[Any]
    incident_area: np.ndarray
    kind_member: dict[str, np.ndarray]
    population: float | None
    grid: Grid
    bounds: tuple[float, float, float, float]
    cell: np.ndarray
    universe: np.ndarray
    cell_area: np.ndarray
    harm_table: HarmWeights
    harm_weight: np.ndarray
    vulnerable: np.ndarray
    flag_sources: set[str]
    source_first_month: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    # police.uk types renamed or split inside the history, counted as one series (see
    # analysis.classification); ``category`` holds the harmonised names
    classification: Harmonisation | None = None

    @property
    def n(self) -> int:
        return int(self.source.size)

    def mask(self, selectors: tuple[Selector, ...]) -> np.ndarray:
        """Incidents selected by any of ``selectors``."""
        out = np.zeros(self.n, dtype=bool)
        for sel in selectors:
            code = self.source_codes.get(sel.source)
            if code is None:
                continue
            m = self.source_code == code
            if sel.categories:
                wanted = [self.category_codes[k] for k in
                          {normalise_category(c) for c in self._harmonised(sel)}
                          if k in self.category_codes]
                m &= np.isin(self.category_code, np.asarray(wanted, dtype=np.int64))
            if sel.flags_any:
                any_flag = np.zeros(self.n, dtype=bool)
                for f in sel.flags_any:
                    any_flag |= self.flags[f]
                m &= any_flag
            if sel.area_kind:
                member = self.kind_member.get(sel.area_kind)
                if member is None:
                    note = (f"no areas of kind {sel.area_kind!r} were given, so selections "
                            f"limited to them are empty")
                    if note not in self.warnings:
                        self.warnings.append(note)
                    member = np.zeros(self.n, dtype=bool)
                m &= member
            out |= m
        return out

    def _harmonised(self, sel: Selector) -> list[str]:
        """A selector's police.uk types as counted in this run (a split type's combined series)."""
        h = self.classification
        if h is None or sel.source != self.config.section("sources")["police_uk"]:
            return list(sel.categories)
        for c in sel.categories:
            note = (f"a selection of {c!r} counts the whole series {h.label(c)!r}, as police.uk "
                    "types changed within the history")
            if h.label(c) != c and h.label(c) not in sel.categories and note not in self.warnings:
                self.warnings.append(note)
        return [h.label(c) for c in sel.categories]

    def hate_strand(self) -> np.ndarray:
        """Each incident's hate strand ("" when none; the first flagged when several)."""
        out = np.full(self.n, "", dtype=object)
        for strand in reversed(HATE_STRANDS):
            out[self.flags[f"hate_{strand}"]] = strand
        return out


def harm_table(config: AssessmentConfig) -> HarmWeights:
    """The assessment's harm weights: the ``harm.weights`` table with ``harm.extra_weights``
    merged over it (matched ignoring case and spacing). Other harm-weighted measures (the PSPO
    evidence pack) use it so every page weighs harm the same way."""
    return _harm_table(config)


def _harm_table(config: AssessmentConfig) -> HarmWeights:
    settings = config.section("harm")
    base = load_weights(settings["weights"])
    merged = {normalise_category(k): (k, v) for k, v in base.weights.items()}
    for k, v in settings["extra_weights"].items():
        merged[normalise_category(k)] = (k, v)
    return HarmWeights(
        name=base.name + (" + assessment extra weights" if settings["extra_weights"] else ""),
        weights=dict(merged.values()), unit=base.unit, source=base.source, year=base.year,
        citation=base.citation, status=base.status, path=base.path, notes=dict(base.notes))


def _small_areas(inputs: AssessmentInputs, config: AssessmentConfig
                 ) -> tuple[str | None, pd.DataFrame]:
    kinds = config.section("assessment")["small_area_kinds"]
    present = set(inputs.areas["kind"].astype(str))
    for kind in kinds:
        if kind in present:
            table = inputs.areas[inputs.areas["kind"] == kind]
            return kind, table.sort_values("code").reset_index(drop=True)
    return None, inputs.areas.iloc[:0]


def _to_bng_geometry(geojson: dict[str, Any]) -> Any:
    geom = shapely.geometry.shape(geojson)
    return shapely.transform(geom, lambda xy: np.column_stack(to_bng(xy[:, 0], xy[:, 1])))


def _harmonise(recorded: np.ndarray, source: np.ndarray, months: np.ndarray, first: int,
               last: int, config: AssessmentConfig) -> tuple[Harmonisation, np.ndarray]:
    """police.uk types harmonised over the history (``analysis.classification``)."""
    police = source == config.section("sources")["police_uk"]
    h = harmonise_categories(recorded[police], months[police], first=month_at(first),
                             last=month_at(last))
    category = recorded.copy()
    if h.labels:
        category[police] = h.apply(recorded[police]).to_numpy(object)
    return h, category


def prepare(inputs: AssessmentInputs, config: AssessmentConfig) -> Context:
    """Arrays, periods, small areas, common grid and harm weights for one run."""
    df = inputs.incidents.reset_index(drop=True)
    period = inputs.period
    n_months = period.n_months
    history = int(config.section("assessment")["history_months"])
    if history < 2 * n_months:
        raise ValueError(f"assessment.history_months ({history}) must cover the assessment "
                         f"period and the one before it ({2 * n_months} months)")
    cur_end = month_number(period.last_month)
    cur = (cur_end - n_months + 1, cur_end)
    prev = (cur[0] - n_months, cur[0] - 1)
    month = month_numbers(df["month"]) if len(df) else np.zeros(0, np.int64)
    first_data = int(month.min()) if month.size else cur[0]
    hist_start = max(cur_end - history + 1, first_data)
    if month.size == 0 or not ((month >= cur[0]) & (month <= cur[1])).any():
        raise ValueError(f"no incidents in the assessment period {period.label()}")

    source = df["source"].astype(str).to_numpy(object)
    recorded = df["category"].astype(str).to_numpy(object)
    classification, category = _harmonise(recorded, source, df["month"].to_numpy(), hist_start,
                                          cur_end, config)
    uniq, inverse = np.unique(category.astype(str), return_inverse=True)
    keys_of_uniq = [normalise_category(c) for c in uniq]
    category_key = np.array(keys_of_uniq, dtype=object)[inverse]
    category_codes = {k: i for i, k in enumerate(dict.fromkeys(keys_of_uniq))}
    category_code = np.array([category_codes[k] for k in keys_of_uniq],
                             dtype=np.int64)[inverse].reshape(-1)
    source_names, source_code = np.unique(source.astype(str), return_inverse=True)
    source_codes = {str(s): i for i, s in enumerate(source_names)}
    x = pd.to_numeric(df["x"], errors="coerce").to_numpy(float)
    y = pd.to_numeric(df["y"], errors="coerce").to_numpy(float)
    located = np.isfinite(x) & np.isfinite(y)
    flags = {f: (df[f].fillna(False).to_numpy(bool) if f in df.columns
                 else np.zeros(len(df), bool)) for f in FLAG_COLUMNS}
    refs = (df["victim_ref"].fillna("").astype(str).str.strip() if "victim_ref" in df.columns
            else pd.Series("", index=df.index))
    # a placeholder (UNKNOWN, N/A, 0...) in an older store is no person: leave it out, count it
    placeholder_ref = placeholder_mask(refs)
    has_ref = (refs != "").to_numpy() & ~placeholder_ref
    # references are per source: the same text in two sources is two people or places
    ref_code = pd.factorize((df["source"].astype(str) + "\x1f" + refs).where(has_ref))[0]
    ref_code = ref_code.astype(np.int64)
    in_year = (month >= cur[0]) & (month <= cur[1])
    in_prev = (month >= prev[0]) & (month <= prev[1])

    warnings: list[str] = []
    kind, small = _small_areas(inputs, config)
    ids = df["id"].to_numpy()
    position = pd.Series(np.arange(len(df)), index=ids)
    if not position.index.is_unique:
        raise ValueError("incident ids must be unique")
    membership = inputs.membership
    kind_member: dict[str, np.ndarray] = {}
    for k, part in membership.groupby("area_kind", sort=False):
        pos = position.reindex(part["incident_id"].to_numpy()).dropna().astype(np.int64)
        m = np.zeros(len(df), bool)
        m[pos.to_numpy()] = True
        kind_member[str(k)] = m
    incident_area = np.full(len(df), -1, dtype=np.int64)
    if kind is None:
        warnings.append("no ward or neighbourhood areas were given: no results by area and no "
                        "rates per 1,000 residents")
        codes: list[str] = []
        names: list[str] = []
        pops = np.zeros(0)
        geoms: list[Any] = []
    else:
        codes = small["code"].astype(str).tolist()
        names = small["name"].astype(str).tolist()
        pops = pd.to_numeric(small["population"], errors="coerce").to_numpy(float)
        geoms = [_to_bng_geometry(g) for g in small["geometry"]]
        part = membership[membership["area_kind"] == kind].drop_duplicates("incident_id")
        code_pos = pd.Series(np.arange(len(codes)), index=codes)
        inc = position.reindex(part["incident_id"].to_numpy())
        area = code_pos.reindex(part["area_code"].astype(str).to_numpy())
        ok = inc.notna().to_numpy() & area.notna().to_numpy()
        incident_area[inc.to_numpy()[ok].astype(np.int64)] = area.to_numpy()[ok].astype(np.int64)
        if np.isnan(pops).any():
            missing = [c for c, p in zip(codes, pops, strict=True) if np.isnan(p)]
            warnings.append(f"no population for {len(missing)} {kind} areas (e.g. {missing[:3]}): "
                            "their rates per 1,000 are not given")
    population = float(np.nansum(pops)) if len(pops) and not np.isnan(pops).all() else None
    if population is not None and np.isnan(pops).any():
        population = None
        warnings.append("borough rates per 1,000 residents are not given: some areas lack a "
                        "population")

    cell_size = float(config.section("hotspots")["cell_size_m"])
    if geoms:
        union = shapely.union_all(geoms)
        x0, y0, x1, y1 = (float(v) for v in union.bounds)
        bounds = (x0, y0, x1, y1)
    else:
        union = None
        bounds = (float(np.nanmin(x[located])), float(np.nanmin(y[located])),
                  float(np.nanmax(x[located])), float(np.nanmax(y[located])))
    grid = make_grid(bounds=bounds, cell_size=cell_size)
    cell = grid.locate(x, y)
    cx, cy = grid.centres
    cell_area = np.full(grid.n_cells, -1, dtype=np.int64)
    if geoms:
        universe = shapely.contains_xy(union, cx, cy)
        for i, g in enumerate(geoms):
            cell_area[shapely.contains_xy(g, cx, cy)] = i
    else:
        universe = np.ones(grid.n_cells, dtype=bool)

    harm_table = _harm_table(config)
    lookup = harm_table.lookup()
    recorded_uniq, recorded_inverse = np.unique(recorded.astype(str), return_inverse=True)
    recorded_key = np.array([normalise_category(c) for c in recorded_uniq],
                            dtype=object)[recorded_inverse].reshape(-1)
    # each incident weighs what its recorded type weighs; a renamed type takes its new name's
    harm_weight = np.array([lookup.get(r, lookup.get(k, np.nan))
                            for r, k in zip(recorded_key, category_key, strict=True)], dtype=float)
    vuln = config.section("vulnerability")
    vuln_keys = [normalise_category(c) for c in vuln["categories"]]
    vulnerable = np.isin(category_key, vuln_keys) | np.isin(recorded_key, vuln_keys)
    for f in vuln["flags"]:
        vulnerable |= flags[f]
    any_flag = np.zeros(len(df), bool)
    for f in FLAG_COLUMNS:
        any_flag |= flags[f]
    flag_sources = set(np.unique(source[any_flag]).tolist())
    first_month = {str(s): int(month[source == s].min()) for s in np.unique(source)}
    return Context(
        inputs=inputs, config=config, period=period, frame=df, source=source,
        category=category, category_key=category_key, category_code=category_code,
        category_codes=category_codes, source_code=source_code.reshape(-1).astype(np.int64),
        source_codes=source_codes, month=month, x=x, y=y, located=located,
        flags=flags, has_ref=has_ref, ref_code=ref_code, placeholder_ref=placeholder_ref,
        cur=cur, prev=prev, hist_start=hist_start,
        in_year=in_year, in_prev=in_prev, area_kind=kind, area_codes=codes, area_names=names,
        area_population=pops, area_geometry_bng=geoms, incident_area=incident_area,
        kind_member=kind_member, population=population, grid=grid, bounds=bounds, cell=cell,
        universe=universe, cell_area=cell_area, harm_table=harm_table,
        harm_weight=harm_weight, vulnerable=vulnerable, flag_sources=flag_sources,
        source_first_month=first_month, warnings=warnings + classification.notes(),
        classification=classification,
    )

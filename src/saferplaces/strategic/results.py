"""The strategic assessment's results as typed records: every section of the report and the
run's outcome (``AssessmentResult``); each ``to_dict()`` is the stored JSON form.

``engine.run_assessment`` builds them; ``report`` renders their JSON form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from saferplaces.analysis.jsonable import json_value
from saferplaces.strategic.candidates import Candidate
from saferplaces.strategic.disclosure import public_view
from saferplaces.strategic.inputs import Casework, CaseworkRow, Entered, HorizonItem, Period
from saferplaces.strategic.measures import AreaRow, CandidateMeasures, HotspotEvidence
from saferplaces.strategic.records import Record
from saferplaces.strategic.scoring import DimensionScore, GridPosition, Sensitivity

__all__ = [
    "AreaOutline",
    "AssessmentResult",
    "CandidateResult",
    "CaseworkFigures",
    "CategoryChange",
    "CurrentPicture",
    "DataSource",
    "Emerging",
    "MonthlyTotals",
    "NewHotspots",
    "PartnerChange",
    "PriorityProgress",
    "ProgressItem",
    "RecentRise",
    "RecommendationProgress",
    "RecommendationRow",
    "RisingItem",
    "TargetProgress",
    "Totals",
    "TotalsPair",
    "YearTotals",
]


@dataclass(frozen=True)
class YearTotals(Record):
    """police.uk crime and anti-social behaviour (counts) in one 12-month window."""

    first_month: str
    last_month: str
    crime: int
    asb: int


@dataclass(frozen=True)
class CategoryChange(Record):
    """One police.uk category: ``count`` this year and ``previous`` (None after a
    classification break), ``pct_change`` (percent), ``p_value`` and ``p_adj`` (exact Poisson
    test; BH across categories) and ``direction`` ("rising", "falling", "stable",
    "series break")."""

    category: str
    count: int
    previous: int | None
    pct_change: float | None
    p_value: float | None
    p_adj: float | None
    direction: str


@dataclass(frozen=True)
class Totals(Record):
    """A total this year and last (counts), its change (percent), the exact Poisson test's
    p-value (unadjusted) and the rate per 1,000 residents (None without populations)."""

    count: int
    previous: int
    pct_change: float | None
    p_value: float
    rate: float | None


@dataclass(frozen=True)
class TotalsPair(Record):
    """Totals of police.uk crime and of police.uk anti-social behaviour."""

    crime: Totals
    asb: Totals


@dataclass(frozen=True)
class MonthlyTotals(Record):
    """Monthly counts over the history (one per month of ``AssessmentResult.months``)."""

    crime: tuple[int, ...]
    asb: tuple[int, ...]


@dataclass(frozen=True)
class PartnerChange(Record):
    """One partner source: incidents this year and last (counts) and the change (percent)."""

    source: str
    label: str
    count: int
    previous: int
    pct_change: float | None


@dataclass(frozen=True)
class CurrentPicture(Record):
    """The year's police.uk picture: monthly series, three years, categories, partners."""

    source: str
    monthly: MonthlyTotals
    years: tuple[YearTotals, ...]
    categories: tuple[CategoryChange, ...]
    totals: TotalsPair
    partners: tuple[PartnerChange, ...]


@dataclass(frozen=True)
class DataSource(Record):
    """One source of the run: ``incidents`` (all months) and ``in_year`` (counts), months
    covered (``YYYY-MM``), date precisions, ``located_share`` and ``with_reference_share``
    (0–1), and its role (volume, or detail records that repeat police.uk)."""

    source: str
    label: str
    incidents: int
    in_year: int
    first_month: str
    last_month: str
    precision: tuple[str, ...]
    located_share: float
    with_reference_share: float
    role: str


@dataclass(frozen=True)
class AreaOutline(Record):
    """A small area's simplified outline (``geometry``: GeoJSON, WGS84) for the maps."""

    code: str
    name: str
    geometry: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "geometry": self.geometry}


@dataclass(frozen=True)
class RisingItem(Record):
    """A candidate with a significant rise: counts, ``pct_change`` (percent), ``p_adj``
    (BH-adjusted), its trend score (1–5) and overall rank."""

    id: str
    name: str
    kind: str
    count: int
    previous: int | None
    pct_change: float | None
    p_adj: float | None
    trend_score: float
    rank: int
    finding: str
    finding_plain: str


@dataclass(frozen=True)
class RecentRise(Record):
    """A rise in the latest quarter (counts) against the same months a year before, with its
    BH-adjusted p-value, for a candidate not rising over the year."""

    id: str
    name: str
    recent: int | None
    recent_last_year: int | None
    recent_p_adj: float | None


@dataclass(frozen=True)
class NewHotspots(Record):
    """Gi* hot cells of one layer (``id`` None for the all-crime and all-ASB layers): hot
    cells and new hot cells (counts) and the names of the areas the new ones fall in."""

    id: str | None
    layer: str
    hot_cells: int
    new_hot_cells: int
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Emerging(Record):
    """Future and emerging issues: rises, the ones examined for hotspots (ids), rises in the
    latest quarter, new hotspots, and the partners' horizon scanning."""

    rising: tuple[RisingItem, ...]
    examined: tuple[str, ...]
    recent_rises: tuple[RecentRise, ...]
    new_hotspots: tuple[NewHotspots, ...]
    horizon: tuple[HorizonItem, ...]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["horizon"] = Entered(horizon=self.horizon).to_dict()["horizon"]
        return out


@dataclass(frozen=True)
class RecommendationRow(Record):
    """A numbered recommendation with the finding (candidate) it rests on, if known."""

    number: int
    text: str
    owner: str
    finding_id: str
    finding_name: str | None
    finding: str | None
    finding_plain: str | None


@dataclass(frozen=True)
class TargetProgress(Record):
    """A target from last year: ``change_pct`` (percent) on ``baseline``, the ``target`` and
    this year's ``value`` (incidents, harm units or a 0–1 rate by ``measure``), and ``met``."""

    measure: str
    change_pct: float
    baseline: float | None
    target: float | None
    value: float | None
    met: bool | None
    note: str


@dataclass(frozen=True)
class ProgressItem(Record):
    """Last year's priority against this year: its figures then (from the stored JSON) and
    now (count, harm units, repeat rate 0–1, rank), the change (percent) and exact Poisson
    p-value when last year's count is known, and its targets. ``measured`` is False when the
    candidate was not measured this year (the JSON form then has no figures of this year
    beyond ``count`` and ``rank``, both None)."""

    id: str
    name: str
    previous_rank: int | None
    previous_count: int | None
    previous_harm: float | None
    previous_repeat_rate: float | None
    measured: bool
    count: int | None = None
    rank: int | None = None
    harm: float | None = None
    repeat_rate: float | None = None
    finding: str = ""
    compared: bool = False
    pct_change: float | None = None
    p_value: float | None = None
    targets: tuple[TargetProgress, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        head: dict[str, Any] = {
            "id": self.id, "name": self.name, "previous_rank": self.previous_rank,
            "previous_count": self.previous_count, "previous_harm": self.previous_harm,
            "previous_repeat_rate": self.previous_repeat_rate}
        if not self.measured:
            return head | {"status": "not measured this year", "count": None, "rank": None}
        head |= {"count": self.count, "harm": self.harm, "repeat_rate": self.repeat_rate,
                 "rank": self.rank, "finding": self.finding}
        if self.compared:
            head |= {"pct_change": self.pct_change, "p_value": self.p_value}
        return head | {"targets": [t.to_dict() for t in self.targets], "status": "measured"}


@dataclass(frozen=True)
class RecommendationProgress(Record):
    """One of last year's recommendations as it stands now (``inputs.TrackedRecommendation``),
    with the name of the finding it answered when this year's candidates know it."""

    text: str
    finding_id: str
    finding_name: str | None
    status: str
    owner: str
    agency: str
    due: str | None
    reason: str
    latest_update: str
    latest_update_on: str | None


@dataclass(frozen=True)
class PriorityProgress(Record):
    """Progress on last year's priorities (``available`` False without a previous run), and
    last year's recommendations with their status and latest update."""

    available: bool
    previous_period: dict[str, Any] | None = None
    items: tuple[ProgressItem, ...] = ()
    recommendations: tuple[RecommendationProgress, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        if not self.available:
            return {"available": False, "items": []}
        return super().to_dict()


#: What the report says of the case-work figures.
CASEWORK_NOTE = ("These figures come from the partnership's case records (the cases its "
                 "agencies hold in saferplaces) for the assessment year. They are counts only, "
                 "with no name, reference or place. Some of them raise the repeat or "
                 "vulnerability score of the themes they concern (the scores table says which "
                 "and by which band); none lowers a score.")


@dataclass(frozen=True)
class CaseworkFigures(Record):
    """The year's case work in aggregate (``inputs.Casework``'s rows, counts), with the note
    the report shows (some feed scores: ``strategic.casework_scores``)."""

    rows: tuple[CaseworkRow, ...]
    note: str = CASEWORK_NOTE

    @classmethod
    def of(cls, casework: Casework | None) -> CaseworkFigures | None:
        return None if casework is None else cls(rows=casework.rows)


@dataclass(frozen=True, eq=False)
class CandidateResult:
    """Everything measured and decided about one candidate."""

    candidate: Candidate
    measures: CandidateMeasures
    monthly: tuple[int, ...]
    scores: dict[str, DimensionScore]
    risk_score: float
    grid: GridPosition
    rank: int
    rank_in_kind: int
    rank_range: tuple[int, int]
    areas: tuple[AreaRow, ...]
    hotspots: HotspotEvidence | None = None
    finding: str = ""
    finding_plain: str = ""
    priority: bool = False
    covered_by: str | None = None

    @property
    def id(self) -> str:
        return self.candidate.id

    @property
    def name(self) -> str:
        return self.candidate.name

    def top_areas(self, n: int) -> list[AreaRow]:
        return [a for a in self.areas if a.rank is not None][:n]

    def to_dict(self, *, cells: bool = True) -> dict[str, Any]:
        return {
            **self.candidate.to_dict(),
            "measures": json_value(self.measures.to_dict()), "monthly": list(self.monthly),
            "scores": {d: s.to_dict() for d, s in self.scores.items()},
            "risk_score": self.risk_score, "grid": json_value(self.grid.to_dict()),
            "rank": self.rank,
            "rank_in_kind": self.rank_in_kind,
            "rank_range": {"best": self.rank_range[0], "worst": self.rank_range[1]},
            "areas": [a.to_dict() for a in self.areas],
            "hotspots": self.hotspots.to_dict(cells=cells) if self.hotspots else None,
            "finding": self.finding, "finding_plain": self.finding_plain,
            "priority": self.priority, "covered_by": self.covered_by,
        }


@dataclass(frozen=True, eq=False)
class AssessmentResult:
    """The outcome of a run: ranked candidates with evidence, and every section of the report.

    ``candidates`` are in rank order. ``to_dict()`` is the JSON form with every figure;
    ``to_dict(public=True)`` is the public-safe form (see ``disclosure.public_view``).
    """

    period: Period
    comparison: Period
    synthetic: bool
    scheme: str
    config: dict[str, Any]
    area_kind: str | None
    population: float | None
    months: tuple[str, ...]
    candidates: tuple[CandidateResult, ...]
    priorities: tuple[str, ...]
    sensitivity: Sensitivity
    current_picture: CurrentPicture
    emerging: Emerging
    recommendations: tuple[RecommendationRow, ...]
    progress: PriorityProgress
    data_sources: tuple[DataSource, ...]
    methods: tuple[dict[str, str], ...]
    limitations: tuple[str, ...]
    warnings: tuple[str, ...]
    entered: Entered
    area_outlines: tuple[AreaOutline, ...]
    harm_weights: dict[str, Any]
    grid: dict[str, Any] = field(default_factory=dict)
    casework: CaseworkFigures | None = None

    def candidate(self, key: str) -> CandidateResult:
        for c in self.candidates:
            if c.id == key:
                return c
        raise KeyError(f"no candidate {key!r}")

    def priority_results(self) -> list[CandidateResult]:
        return [self.candidate(k) for k in self.priorities]

    def ranked(self, kind: str | None = None) -> list[CandidateResult]:
        """Candidates in rank order, optionally of one kind ("police-uk", "local", "theme")."""
        return [c for c in self.candidates if kind is None or c.candidate.kind == kind]

    def to_dict(self, *, public: bool = False) -> dict[str, Any]:
        """JSON-ready form. ``public=True`` applies the public rules (``disclosure.public_view``)."""
        data = {
            "kind": "saferplaces strategic assessment",
            "synthetic": self.synthetic, "scheme": self.scheme,
            "period": self.period.to_dict(), "comparison": self.comparison.to_dict(),
            "area_kind": self.area_kind, "population": self.population,
            "months": list(self.months),
            "priorities": list(self.priorities),
            "candidates": [c.to_dict() for c in self.candidates],
            "sensitivity": self.sensitivity.to_dict(),
            "current_picture": json_value(self.current_picture.to_dict()),
            "emerging": json_value(self.emerging.to_dict()),
            "recommendations": json_value([r.to_dict() for r in self.recommendations]),
            "progress": json_value(self.progress.to_dict()),
            "data_sources": json_value([d.to_dict() for d in self.data_sources]),
            "methods": list(self.methods), "limitations": list(self.limitations),
            "warnings": list(self.warnings), "entered": json_value(self.entered.to_dict()),
            "area_outlines": [a.to_dict() for a in self.area_outlines],
            "harm_weights": json_value(self.harm_weights), "grid": json_value(self.grid),
            "parameters": self.config,
        }
        if self.casework is not None:  # absent, not null, so runs without case work keep their form
            data["casework"] = self.casework.to_dict()
        if public:
            return public_view(data)
        return data

"""The stored result of a run (``AssessmentRun.result``) as typed, validated models.

A run keeps its result as JSON: ``AssessmentResult.to_dict()`` for a strategic assessment,
``DeepDiveResult.to_dict()`` for a deep dive (see ``saferplaces.strategic``). The pages read
it through these models (``load_annual``/``load_deep_dive``, pydantic v2 ``model_validate``)
instead of dictionary lookups, so a missing or mistyped field fails in one place.

Versions: ``schema_version`` names the shape. JSON stored before the field existed has none
and loads as version 1, the shape written since. A later shape gets a new version number
and its own model, chosen by the number.

Strictness: every key the engine writes is declared, and unknown keys are refused
(``extra="forbid"``), except in the dictionaries the engine builds free-form (``measures``,
``repeat``, the hotspot ``parameters`` and the run's configuration under ``parameters``),
which keep keys they do not declare. Fields the pages do not read are typed loosely
(``dict[str, Any]``); fields written by every run but absent from older or hand-made results
have defaults.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "AnnualResult",
    "AreaRow",
    "CandidateResult",
    "DeepDiveResult",
    "Hotspots",
    "Period",
    "load_annual",
    "load_deep_dive",
]

#: The version written with every new result (``services.execute_run``).
SCHEMA_VERSION = 1


class _Strict(BaseModel):
    """A part of the result whose keys are all known: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _FreeForm(BaseModel):
    """A dictionary the engine builds free-form: the fields the pages read are typed, any
    other key is kept as it is."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Period(_Strict):
    """Months as ``"YYYY-MM"``, both included; ``months`` is how many."""

    first_month: str
    last_month: str
    months: int | None = None


class RankRange(_Strict):
    """Best and worst rank over the sensitivity runs."""

    best: int
    worst: int


class GridPosition(_Strict):
    """A candidate's place on the 4×4 impact-likelihood grid (empty under other schemes)."""

    impact: int | None = None
    likelihood: int | None = None
    grid_score: int | None = None
    band: str | None = None
    impact_mean: float | None = None
    likelihood_mean: float | None = None


class AreaRow(_Strict):
    """One small area: counts, rate per 1,000 residents, change and its exact Poisson test;
    ``rank`` is None for areas with too few incidents to rank; ``per_hectare`` (incidents per
    hectare) is absent from runs stored before it existed."""

    code: str
    name: str
    population: float | None = None
    count: int
    previous: int
    rate: float | None = None
    harm_rate: float | None = None
    pct_change: float | None = None
    p_value: float | None = None
    p_adj: float | None = None
    rank: int | None = None
    per_hectare: float | None = None


class Hotspots(_Strict):
    """Getis–Ord Gi* hot cells; ``hot_share`` is a fraction (0–1) of located incidents.
    ``cells`` are ``[cell index, count, hot, new hot]`` for cells with incidents or hot."""

    parameters: dict[str, Any] = Field(default_factory=dict)
    hot_cells: int
    new_hot_cells: int
    hot_share: float | None = None
    areas_with_hot_cells: list[str] = Field(default_factory=list)
    cells: list[tuple[int, int, bool, bool]] = Field(default_factory=list)


class Repeat(_FreeForm):
    """Repeat victimisation (Farrell & Pease); ``repeat_incident_rate`` is a fraction."""

    referenced_incidents: int | None = None
    repeat_incident_rate: float | None = None


class Measures(_FreeForm):
    """A candidate's or topic's measures: counts, change (per cent) and its exact Poisson test
    (p-values raw and Benjamini–Hochberg adjusted), rates per 1,000 residents, trend in per cent
    a year. Which keys are present depends on the data, so other keys are kept as they are."""

    count: int
    previous: int | None = None
    pct_change: float | None = None
    p_value: float | None = None
    p_adj: float | None = None
    direction: str = ""
    test: str | None = None
    trend_pct_per_year: float | None = None
    trend_p_adj: float | None = None
    trend_note: str | None = None
    rate: float | None = None
    harm_rate: float | None = None
    repeat: Repeat | None = None


class Topic(_Strict):
    """A candidate priority as defined (``Candidate.to_dict()``)."""

    id: str
    name: str
    kind: str = ""
    kind_label: str = ""
    sources: list[str] = Field(default_factory=list)
    select: list[dict[str, Any]] = Field(default_factory=list)
    detail: list[dict[str, Any]] = Field(default_factory=list)
    sensitive: bool = False
    breakdown: str | None = None
    description: str = ""


class CandidateResult(Topic):
    """A ranked candidate with its evidence (``CandidateResult.to_dict()``); ``risk_score`` is
    the weighted 0–100 score, ``rank`` 1 for the highest."""

    measures: Measures
    monthly: list[int] = Field(default_factory=list)
    scores: dict[str, dict[str, Any]] = Field(default_factory=dict)
    risk_score: float
    grid: GridPosition | None = None
    rank: int
    rank_in_kind: int | None = None
    rank_range: RankRange
    areas: list[AreaRow] = Field(default_factory=list)
    hotspots: Hotspots | None = None
    finding: str = ""
    finding_plain: str = ""
    priority: bool = False
    covered_by: str | None = None


class Sensitivity(_Strict):
    """How the ranking moves when each weight moves by ``weight_change`` (a fraction)."""

    weight_change: float = 0.2
    top_n: int | None = None
    stable_top: bool | None = None
    ranges: dict[str, RankRange] = Field(default_factory=dict)
    moves: list[dict[str, Any]] = Field(default_factory=list)


class CaseworkRow(_Strict):
    """One aggregate figure from the case records: heading, what is counted, and the count
    (None where a view withheld it; ``suppressed`` then True), and the figure's key (empty in
    runs stored before keys existed)."""

    group: str
    label: str
    count: int | None
    key: str = ""
    suppressed: bool = False


class Casework(_Strict):
    """The year's case work in aggregate (``CaseworkFigures.to_dict()``); absent from runs
    made without it, and from every run made before it existed."""

    rows: list[CaseworkRow] = Field(default_factory=list)
    note: str = ""
    suppress_below: int | None = None


class AssessmentSection(_FreeForm):
    """The ``[assessment]`` section of the run's configuration."""

    top_areas: int = 5


class AnnualParameters(_FreeForm):
    """The run's whole configuration (free-form: every section of the TOML file)."""

    assessment: AssessmentSection = Field(default_factory=AssessmentSection)


class AnnualResult(_Strict):
    """A strategic assessment (``AssessmentResult.to_dict()``): candidates in rank order and
    the ids of the priorities in priority order."""

    schema_version: Literal[1] = 1
    kind: Literal["saferplaces strategic assessment"] = "saferplaces strategic assessment"
    synthetic: bool = False
    scheme: str = ""
    period: Period
    comparison: Period | None = None
    area_kind: str | None = None
    population: float | None = None
    months: list[str] = Field(default_factory=list)
    priorities: list[str]
    candidates: list[CandidateResult]
    sensitivity: Sensitivity = Field(default_factory=Sensitivity)
    current_picture: dict[str, Any] = Field(default_factory=dict)
    emerging: dict[str, Any] = Field(default_factory=dict)
    recommendations: list[dict[str, Any]] = Field(default_factory=list)
    progress: dict[str, Any] = Field(default_factory=dict)
    data_sources: list[dict[str, Any]] = Field(default_factory=list)
    methods: list[dict[str, Any]] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    entered: dict[str, Any] = Field(default_factory=dict)
    area_outlines: list[dict[str, Any]] = Field(default_factory=list)
    harm_weights: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, Any] = Field(default_factory=dict)
    parameters: AnnualParameters = Field(default_factory=AnnualParameters)
    casework: Casework | None = None

    def by_id(self) -> dict[str, CandidateResult]:
        """Every candidate by its id."""
        return {c.id: c for c in self.candidates}


class Comparison(_Strict):
    """The topic's count in an earlier period, the change to this one (per cent) and its
    exact Poisson test."""

    count: int
    pct_change: float | None = None
    p_value: float | None = None


class DeepDiveMeasures(Measures):
    """A deep dive's measures, with both comparisons."""

    same_period_last_year: Comparison
    period_before: Comparison


class Quarter(_Strict):
    """Incidents in one calendar quarter (``"2025 Q4"``); ``months`` of it are in the data."""

    quarter: str
    count: int
    months: int
    complete: bool


class CompositionRow(_Strict):
    """One category, flag or hate strand: this period, the same months a year before."""

    group: str
    count: int
    last_year: int
    pct_change: float | None = None


class Composition(_Strict):
    categories: list[CompositionRow] = Field(default_factory=list)
    flags: list[CompositionRow] = Field(default_factory=list)
    hate_strands: list[CompositionRow] = Field(default_factory=list)


class DeepDiveParameters(_FreeForm):
    """The deep dive's parameters (free-form)."""

    top_areas: int = 5


class DeepDiveResult(_Strict):
    """A deep dive into one topic over one period (``DeepDiveResult.to_dict()``)."""

    schema_version: Literal[1] = 1
    kind: Literal["saferplaces deep dive"] = "saferplaces deep dive"
    topic: Topic
    period: Period
    same_period_last_year: Period
    period_before: Period
    synthetic: bool = False
    measures: DeepDiveMeasures
    months: list[str] = Field(default_factory=list)
    monthly: list[int] = Field(default_factory=list)
    quarterly: list[Quarter]
    composition: Composition = Field(default_factory=Composition)
    areas: list[AreaRow] = Field(default_factory=list)
    hotspots: Hotspots | None = None
    finding: str
    finding_plain: str = ""
    area_kind: str | None = None
    area_outlines: list[dict[str, Any]] = Field(default_factory=list)
    grid: dict[str, Any] = Field(default_factory=dict)
    parameters: DeepDiveParameters = Field(default_factory=DeepDiveParameters)


def load_annual(data: Any) -> AnnualResult:
    """A stored strategic assessment result; raises ``pydantic.ValidationError`` when the JSON
    is not of a known version's shape."""
    return AnnualResult.model_validate(data)


def load_deep_dive(data: Any) -> DeepDiveResult:
    """A stored deep dive result; raises ``pydantic.ValidationError`` as ``load_annual``."""
    return DeepDiveResult.model_validate(data)

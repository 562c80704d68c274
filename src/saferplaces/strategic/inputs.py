"""What an assessment run is given: incidents, areas, the period, and what partners entered.

The Django side builds an :class:`AssessmentInputs` from the store and the forms; tests and the
benchmark build one from a demo town (``saferplaces.demo.inputs``). Everything here is plain data: entered
items can also be given as dicts (as they arrive from JSON) and are converted on construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from saferplaces.periods import Period
from saferplaces.strategic.records import Record
from saferplaces.vocab import PESTELO

__all__ = [
    "PESTELO",
    "AssessmentInputs",
    "Casework",
    "CaseworkRow",
    "Entered",
    "EnteredScore",
    "HorizonItem",
    "Period",
    "Recommendation",
    "Target",
    "TrackedRecommendation",
]


@dataclass(frozen=True)
class EnteredScore:
    """A 1–5 score entered by partners for one candidate, with where it came from.

    ``source`` says what the score rests on (e.g. "residents' survey 2025, 1,200 replies").
    """

    score: float
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        if not 1 <= float(self.score) <= 5:
            raise ValueError(f"entered scores run from 1 to 5, got {self.score!r}")
        if not str(self.source).strip():
            raise ValueError("an entered score needs its source (where the score comes from)")


@dataclass(frozen=True)
class HorizonItem:
    """A PESTELO horizon-scanning item entered by a partner."""

    heading: str
    title: str
    description: str = ""
    source: str = ""
    candidates: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.heading.lower() not in PESTELO:
            raise ValueError(f"horizon heading must be one of {PESTELO}, got {self.heading!r}")
        object.__setattr__(self, "heading", self.heading.lower())
        object.__setattr__(self, "candidates", tuple(self.candidates))


@dataclass(frozen=True)
class Recommendation:
    """A recommendation, tied to the finding (candidate id) that supports it. ``ref`` is the
    partnership's own number for it (the web app's record), so that the next year's run can
    report where it stands (:class:`TrackedRecommendation`)."""

    text: str
    finding: str
    owner: str = ""
    ref: int | None = None


@dataclass(frozen=True)
class TrackedRecommendation:
    """Where a recommendation of the previous assessment stands now, for "progress on last
    year's priorities": who leads it (``owner``, ``agency``), ``due`` (ISO date or None),
    ``status`` (in words: not started, in progress, done, dropped), ``reason`` (why dropped)
    and the latest progress update (``latest_update`` and its ISO day ``latest_update_on``)."""

    text: str
    finding: str
    status: str
    owner: str = ""
    agency: str = ""
    due: str | None = None
    reason: str = ""
    latest_update: str = ""
    latest_update_on: str | None = None
    ref: int | None = None


@dataclass(frozen=True)
class Target:
    """A target for one candidate's measure over the next year.

    ``measure`` is ``"incidents"`` (count), ``"harm"`` (harm-weighted total) or
    ``"repeat_rate"`` (repeat incident rate). ``change_pct`` is the intended change against
    ``baseline`` (negative to reduce); when ``baseline`` is None the assessment year's value is
    used.
    """

    candidate: str
    measure: str = "incidents"
    change_pct: float = -10.0
    baseline: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.measure not in ("incidents", "harm", "repeat_rate"):
            raise ValueError(f"target measure must be 'incidents', 'harm' or 'repeat_rate', "
                             f"got {self.measure!r}")


def _items(values: Any, cls: type) -> Any:
    out = []
    for v in values or ():
        out.append(v if isinstance(v, cls) else cls(**dict(v)))
    return tuple(out)


def _scores(values: Mapping[str, Any] | None) -> dict[str, EnteredScore]:
    out: dict[str, EnteredScore] = {}
    for key, v in (values or {}).items():
        out[str(key)] = v if isinstance(v, EnteredScore) else EnteredScore(**dict(v))
    return out


@dataclass(frozen=True)
class Entered:
    """Everything partners enter for a run (all optional).

    ``concern`` and ``capacity`` map candidate id → :class:`EnteredScore`. Community concern:
    1 (little concern) to 5 (top concern). Capacity: the partnership's capacity and
    confidence to act, 1 (none) to 5 (strong); the score uses the gap ``6 - capacity``, as
    MoRiLE's organisational position does.
    """

    concern: Mapping[str, EnteredScore] = field(default_factory=dict)
    capacity: Mapping[str, EnteredScore] = field(default_factory=dict)
    horizon: tuple[HorizonItem, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    targets: tuple[Target, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "concern", _scores(self.concern))
        object.__setattr__(self, "capacity", _scores(self.capacity))
        object.__setattr__(self, "horizon", _items(self.horizon, HorizonItem))
        object.__setattr__(self, "recommendations", _items(self.recommendations, Recommendation))
        object.__setattr__(self, "targets", _items(self.targets, Target))

    @classmethod
    def coerce(cls, value: Entered | Mapping[str, Any] | None) -> Entered:
        if value is None:
            return cls()
        if isinstance(value, Entered):
            return value
        return cls(**dict(value))

    def to_dict(self) -> dict[str, Any]:
        return {
            "concern": {k: asdict(v) for k, v in self.concern.items()},
            "capacity": {k: asdict(v) for k, v in self.capacity.items()},
            "horizon": [asdict(h) | {"candidates": list(h.candidates)} for h in self.horizon],
            "recommendations": [asdict(r) for r in self.recommendations],
            "targets": [asdict(t) for t in self.targets],
        }


@dataclass(frozen=True)
class CaseworkRow(Record):
    """One aggregate figure from the partnership's case records over the assessment year:
    ``group`` (the heading it is shown under, e.g. "ASB Case Review"), ``label`` (what is
    counted), ``count`` (a whole number, 0 or more) and ``key`` (the figure's stable name, e.g.
    ``case_review_applications``, that ``[[casework_feeds]]`` refers to; may be empty). Never a
    name, reference or place."""

    group: str
    label: str
    count: int
    key: str = ""

    def __post_init__(self) -> None:
        if not str(self.group).strip() or not str(self.label).strip():
            raise ValueError("a case-work figure needs its group heading and its label")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise ValueError(f"case-work figure {self.label!r}: the count must be a whole "
                             f"number, 0 or more, got {self.count!r}")


@dataclass(frozen=True)
class Casework(Record):
    """Aggregate figures from the partnership's case records over the assessment year, in the
    order they are shown (rows may be given as dicts, as they arrive from JSON)."""

    rows: tuple[CaseworkRow, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", _items(self.rows, CaseworkRow))

    @classmethod
    def coerce(cls, value: Casework | Mapping[str, Any] | None) -> Casework | None:
        if value is None or isinstance(value, Casework):
            return value
        return cls(**dict(value))


_MEMBERSHIP_COLUMNS = ("incident_id", "area_kind", "area_code")
_AREA_COLUMNS = ("kind", "code", "name", "population", "geometry")


@dataclass(frozen=True, eq=False)
class AssessmentInputs:
    """One run's inputs.

    ``incidents``: the incident table (``analysis.frame``), all sources. ``membership``: long
    table ``incident_id, area_kind, area_code, area_name``. ``areas``: ``kind, code, name,
    population, geometry`` (GeoJSON dict, WGS84). ``period``: the assessment year.
    ``entered``: partner entries. ``previous``: the previous run's ``to_dict()`` or None.
    ``synthetic``: label every page of the report SYNTHETIC DATA. ``casework``: aggregate
    figures from the partnership's case records over the period (None: the report has no
    case-work section); shown in the reports, not used in any score.
    ``tracked_recommendations``: the previous assessment's recommendations as they stand now,
    reported under progress on last year's priorities.
    """

    incidents: pd.DataFrame
    membership: pd.DataFrame
    areas: pd.DataFrame
    period: Period
    entered: Entered = field(default_factory=Entered)
    previous: Mapping[str, Any] | None = None
    synthetic: bool = False
    casework: Casework | None = None
    tracked_recommendations: tuple[TrackedRecommendation, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", Period.coerce(self.period))
        object.__setattr__(self, "tracked_recommendations",
                           _items(self.tracked_recommendations, TrackedRecommendation))
        object.__setattr__(self, "entered", Entered.coerce(self.entered))
        object.__setattr__(self, "casework", Casework.coerce(self.casework))
        missing = [c for c in ("id", "source", "category", "month", "x", "y")
                   if c not in self.incidents.columns]
        if missing:
            raise ValueError(f"incidents table lacks columns {missing} (see analysis.frame)")
        missing = [c for c in _MEMBERSHIP_COLUMNS if c not in self.membership.columns]
        if missing:
            raise ValueError(f"membership table lacks columns {missing}")
        missing = [c for c in _AREA_COLUMNS if c not in self.areas.columns]
        if missing:
            raise ValueError(f"areas table lacks columns {missing}")

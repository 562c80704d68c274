"""Configuration of the strategic assessment: TOML, declared as pydantic models, checked loudly.

``default.toml`` (next to this module) holds every setting with a comment saying what it does;
:class:`ConfigModel` declares every key with its type and bounds (``extra="forbid"``: an unknown
key is an error). ``load_config(path)`` reads a user file over the defaults and
``config_from_dict`` a dict shaped like the TOML; a problem raises :class:`ConfigError` naming
the file and the dotted key, e.g.
``assessment.toml: scoring.weights.harm: must be a number >= 0, not 'high'``.
"""

from __future__ import annotations

import copy
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from saferplaces.analysis.frame import FLAG_COLUMNS

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DIMENSIONS",
    "SCHEMA",
    "AssessmentConfig",
    "ConfigError",
    "ConfigModel",
    "MARKINGS",
    "ReportSettings",
    "Scale",
    "Selector",
    "SelectorSettings",
    "Theme",
    "ThemeSettings",
    "config_from_dict",
    "load_config",
]

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent / "default.toml"

#: The scoring dimensions, in report order.
DIMENSIONS: tuple[str, ...] = ("volume", "harm", "trend", "concentration", "repeat",
                               "vulnerability", "concern", "capacity")
MEASURED_SCALES: tuple[str, ...] = ("volume", "harm", "concentration", "repeat", "vulnerability")

#: Where a configuration did not come from a named file.
UNNAMED = "assessment config"


class ConfigError(ValueError):
    """A configuration value is wrong; ``key`` is its dotted name, ``source`` the file."""

    def __init__(self, key: str, message: str, *, source: str = UNNAMED) -> None:
        where = source if key == source else f"{source}: {key}"
        super().__init__(f"{where}: {message}")
        self.key = key
        self.source = source


# ------------------------------------------------------------------------------------------
# value checks: each returns the clean value or raises a PydanticCustomError with the wording
# ------------------------------------------------------------------------------------------
def _refuse(rule: str, value: Any) -> PydanticCustomError:
    return PydanticCustomError("config", "{text}", {"text": f"{rule}, not {value!r}"})


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _number(rule: str, ok: Callable[[float], bool]) -> Callable[[Any], float]:
    def check(v: Any) -> float:
        if not _is_number(v) or not ok(v):
            raise _refuse(rule, v)
        return float(v)
    return check


def _whole(rule: str, minimum: int) -> Callable[[Any], int]:
    def check(v: Any) -> int:
        if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
            raise _refuse(rule, v)
        return v
    return check


def _whole_between(minimum: int, maximum: int, what: str) -> Callable[[Any], int]:
    rule = f"must be a whole number from {minimum:,} to {maximum:,} ({what})"

    def check(v: Any) -> int:
        if not isinstance(v, int) or isinstance(v, bool) or not minimum <= v <= maximum:
            raise _refuse(rule, v)
        return v
    return check


def _text(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise _refuse("must be a non-empty string", v)
    return v


def _truth(v: Any) -> bool:
    if not isinstance(v, bool):
        raise _refuse("must be true or false", v)
    return v


def _texts(v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(s, str) and s.strip() for s in v):
        raise _refuse("must be a list of non-empty strings", v)
    return list(v)


def _some_texts(v: Any) -> list[str]:
    out = _texts(v)
    if not out:
        raise _refuse("must list at least one value", v)
    return out


def _known(what: str, known: tuple[str, ...], *, empty: bool) -> Callable[[Any], list[str]]:
    def check(v: Any) -> list[str]:
        out = _texts(v) if empty else _some_texts(v)
        unknown = [x for x in out if x not in known]
        if unknown:
            raise PydanticCustomError("config", "{text}", {
                "text": f"names unknown {what} {unknown}; known: {', '.join(known)}"})
        return out
    return check


def _increasing(n: int) -> Callable[[Any], list[float]]:
    def check(v: Any) -> list[float]:
        if not isinstance(v, list) or not all(_is_number(x) for x in v) or len(v) != n:
            raise _refuse(f"must be a list of {n} numbers in increasing order", v)
        if any(b <= a for a, b in zip(v, v[1:], strict=False)):
            raise _refuse("must be in strictly increasing order", v)
        return [float(x) for x in v]
    return check


def _choice(*options: str) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if v not in options:
            raise _refuse(f"must be one of {', '.join(repr(o) for o in options)}", v)
        return str(v)
    return check


def _bands(v: Any) -> list[str]:
    out = _some_texts(v)
    if len(out) != 4:
        raise _refuse("must list exactly 4 names", v)
    return out


def _non_empty(v: Any) -> Any:
    if not isinstance(v, list) or not v:
        raise _refuse("must be a non-empty list of selections", v)
    return v


Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_truth)]
Count = Annotated[int, BeforeValidator(_whole("must be a whole number >= 1", 1))]
Seed = Annotated[int, BeforeValidator(_whole("must be a whole number >= 0", 0))]
# Upper bounds that stop absurd entries before a run starts (the numbers a partnership uses are
# far below them): a handful of priorities, a few years of history, thousands of permutations.
Priorities = Annotated[int, BeforeValidator(_whole_between(1, 20, "a partnership names a few"))]
HistoryMonths = Annotated[int, BeforeValidator(_whole_between(1, 240, "months of history"))]
ListLength = Annotated[int, BeforeValidator(_whole_between(1, 100, "rows listed"))]
Permutations = Annotated[int, BeforeValidator(_whole_between(1, 99_999, "permutations"))]
Threshold = Annotated[int, BeforeValidator(_whole_between(1, 1_000_000, "incidents"))]
Weight = Annotated[float, BeforeValidator(_number("must be a number >= 0", lambda v: v >= 0))]
Positive = Annotated[float, BeforeValidator(_number("must be a number > 0", lambda v: v > 0))]
Fraction = Annotated[float, BeforeValidator(
    _number("must be a number between 0 and 1 (exclusive)", lambda v: 0 < v < 1))]
ChangeFraction = Annotated[float, BeforeValidator(
    _number("must be a number from 0 up to (not including) 1", lambda v: 0 <= v < 1))]
Score = Annotated[float, BeforeValidator(
    _number("must be a score from 1 to 5", lambda v: 1 <= v <= 5))]
Texts = Annotated[list[str], BeforeValidator(_texts)]
SomeTexts = Annotated[list[str], BeforeValidator(_some_texts)]
Flags = Annotated[list[str], BeforeValidator(_known("flags", FLAG_COLUMNS, empty=True))]
Dimensions = Annotated[list[str], BeforeValidator(_known("dimensions", DIMENSIONS, empty=False))]
Cuts2 = Annotated[list[float], BeforeValidator(_increasing(2))]
Cuts3 = Annotated[list[float], BeforeValidator(_increasing(3))]
Cuts4 = Annotated[list[float], BeforeValidator(_increasing(4))]


# ------------------------------------------------------------------------------------------
# the models, in the order of default.toml (which is the order of the stored parameters)
# ------------------------------------------------------------------------------------------
class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssessmentSettings(_Table):
    """``[assessment]``: the run (counts are whole numbers, ``alpha`` and ``max_overlap``
    fractions)."""

    scheme: Annotated[Literal["morile", "grid4x4"], BeforeValidator(_choice("morile", "grid4x4"))]
    priorities: Priorities
    alpha: Fraction
    history_months: HistoryMonths
    small_area_kinds: SomeTexts
    town_centre_kind: Text
    top_areas: ListLength
    min_area_incidents: Threshold
    max_overlap: Fraction
    emerging: ListLength


class SourcesSettings(_Table):
    """``[sources]``: the police.uk source, the detail sources and their labels."""

    police_uk: Text
    detail: Texts
    labels: dict[str, Text]


class CandidatesSettings(_Table):
    """``[candidates]``: which categories are candidates (``min_incidents`` in the year)."""

    police_uk_categories: Flag
    other_categories: Flag
    skip_detail_duplicates: Flag
    min_incidents: Threshold


class SelectorSettings(_Table):
    """One ``select`` entry of a theme."""

    source: Text
    categories: Annotated[list[str], BeforeValidator(_some_texts)] = []
    flags_any: Flags = []
    area_kind: Text | None = None


class ThemeSettings(_Table):
    """One ``[[themes]]`` table."""

    id: Text
    name: Text
    description: Text = ""
    select: Annotated[list[SelectorSettings], BeforeValidator(_non_empty)]
    breakdown: Annotated[Literal["hate_strand"] | None,
                         BeforeValidator(_choice("hate_strand"))] = None
    sensitive: Flag = False


class HarmSettings(_Table):
    """``[harm]``: the weights table and extra weights (harm units per incident, >= 0)."""

    weights: Text
    extra_weights: dict[str, Weight]


class VulnerabilitySettings(_Table):
    flags: Flags
    categories: Texts


class HotspotSettings(_Table):
    """``[hotspots]``: grid cell in metres, top share a fraction of cells."""

    cell_size_m: Positive
    top_share: Fraction
    concentration_min_ratio: Positive
    permutations: Permutations
    seed: Seed
    min_incidents: Threshold


class RepeatSettings(_Table):
    min_referenced: Threshold


class PublicSettings(_Table):
    """``[public]``: counts 1..``suppress_below - 1`` in sensitive categories are withheld."""

    suppress_below: Threshold
    sensitive_categories: Texts
    sensitive_flags: Flags


class WeightSettings(_Table):
    """``[scoring.weights]``: one weight >= 0 per dimension."""

    volume: Weight
    harm: Weight
    trend: Weight
    concentration: Weight
    repeat: Weight
    vulnerability: Weight
    concern: Weight
    capacity: Weight


class ScaleSettings(_Table):
    """A 1–5 scale: four increasing cuts of ``measure``."""

    measure: Text
    cuts: Cuts4


class TrendScaleSettings(_Table):
    """Significant rises score 3, 4 or 5 by their percentage change against two cuts."""

    measure: Text
    rise_cuts: Cuts2


class ScalesSettings(_Table):
    volume: ScaleSettings
    harm: ScaleSettings
    concentration: ScaleSettings
    repeat: ScaleSettings
    vulnerability: ScaleSettings
    trend: TrendScaleSettings


class EnteredSettings(_Table):
    default_concern: Score
    default_capacity: Score


class GridSettings(_Table):
    """``[scoring.grid4x4]``: impact × likelihood, each axis cut into four bands."""

    impact: Dimensions
    likelihood: Dimensions
    axis_cuts: Cuts3
    band_cuts: Cuts3
    bands: Annotated[list[str], BeforeValidator(_bands)]


class SensitivitySettings(_Table):
    weight_change: ChangeFraction


class CaseworkFeedSettings(_Table):
    """One ``[[casework_feeds]]`` table: case-work figures that feed a theme's repeat or
    vulnerability dimension (``strategic.casework_scores``)."""

    theme: Text
    dimension: Annotated[Literal["repeat", "vulnerability"],
                         BeforeValidator(_choice("repeat", "vulnerability"))]
    figures: SomeTexts
    measure: Text
    cuts: Cuts4


class ScoringSettings(_Table):
    method: Annotated[Literal["percentile", "bands"],
                      BeforeValidator(_choice("percentile", "bands"))]
    no_data_score: Score
    weights: WeightSettings
    scales: ScalesSettings
    entered: EnteredSettings
    grid4x4: GridSettings
    sensitivity: SensitivitySettings


#: The protective markings of the Government Security Classifications (Cabinet Office, 2014,
#: updated 2023) a partnership report may carry: OFFICIAL, and OFFICIAL with the SENSITIVE
#: handling caveat. The markings the GSC retired in April 2014 are refused with that reason;
#: SECRET and TOP SECRET material does not belong in this software.
MARKINGS: tuple[str, ...] = ("OFFICIAL", "OFFICIAL-SENSITIVE")
RETIRED_MARKINGS: tuple[str, ...] = ("RESTRICTED", "PROTECT", "CONFIDENTIAL", "UNCLASSIFIED")


def _marking(v: Any) -> str:
    if not isinstance(v, str):
        raise _refuse("must be 'OFFICIAL' or 'OFFICIAL-SENSITIVE'", v)
    given = " ".join(v.upper().replace("_", "-").split()).replace("OFFICIAL SENSITIVE",
                                                                  "OFFICIAL-SENSITIVE")
    if given in MARKINGS:
        return given
    if given in RETIRED_MARKINGS:
        raise PydanticCustomError("config", "{text}", {"text": (
            f"{v!r} is not a marking in use: the Government Security Classifications retired "
            "it in April 2014; use 'OFFICIAL' or 'OFFICIAL-SENSITIVE'")})
    raise _refuse("must be 'OFFICIAL' or 'OFFICIAL-SENSITIVE' (Government Security "
                  "Classifications; SECRET and TOP SECRET material does not belong here)", v)


def _date_or_empty(v: Any) -> str:
    import datetime as dt

    if not isinstance(v, str):
        raise _refuse("must be a date as \"YYYY-MM-DD\", or \"\" for the day it is written", v)
    if v.strip():
        try:
            dt.date.fromisoformat(v.strip())
        except ValueError:
            raise _refuse("must be a date as \"YYYY-MM-DD\", or \"\" for the day it is "
                          "written", v) from None
    return v.strip()


def _file_or_empty(kind: str, suffixes: tuple[str, ...], magic: tuple[bytes, ...],
                   max_bytes: int) -> Callable[[Any], str]:
    """A path to an existing file of ``kind`` (checked by its first bytes, not only its name),
    or "" for none."""
    def check(v: Any) -> str:
        if not isinstance(v, str):
            raise _refuse(f"must be the path of a {kind} file, or \"\" for none", v)
        if not v.strip():
            return ""
        p = Path(v.strip()).expanduser()
        if p.suffix.lower() not in suffixes:
            raise _refuse(f"must be a {kind} file ({', '.join(suffixes)})", v)
        if not p.is_file():
            raise _refuse("names no file that exists", v)
        if p.stat().st_size > max_bytes:
            raise _refuse(f"must be a file of at most {max_bytes // 1_000_000} MB", v)
        with p.open("rb") as fh:
            head = fh.read(8)
        if not any(head.startswith(m) for m in magic):
            raise _refuse(f"is not a {kind} file", v)
        return str(p)
    return check


OptionalText = Annotated[str, BeforeValidator(lambda v: v if v == "" else _text(v))]


class ReportSettings(_Table):
    """``[report]``: who the report is from and its protective marking (identity on the cover
    and on every page); the logo and the Word template are files on this machine, read when the
    report is written (never fetched over the network)."""

    partnership: Text
    logo: Annotated[str, BeforeValidator(_file_or_empty(
        "PNG or JPEG image", (".png", ".jpg", ".jpeg"), (b"\x89PNG", b"\xff\xd8\xff"),
        2_000_000))]
    author: OptionalText
    date: Annotated[str, BeforeValidator(_date_or_empty)]
    version: Text
    status: Annotated[Literal["draft", "final"], BeforeValidator(_choice("draft", "final"))]
    marking: Annotated[str, BeforeValidator(_marking)]
    docx_template: Annotated[str, BeforeValidator(_file_or_empty(
        "Word (.docx)", (".docx", ".dotx"), (b"PK\x03\x04",), 20_000_000))]


class StreetWeekWeights(_Table):
    harm_rate: Weight
    trend: Weight
    repeat_asb: Weight
    hotspots: Weight


class StreetWeekSettings(_Table):
    source: Text
    asb_source: Text
    top: ListLength
    weights: StreetWeekWeights


class ConfigModel(_Table):
    """The whole configuration (``default.toml`` overlaid with a user's file)."""

    assessment: AssessmentSettings
    sources: SourcesSettings
    candidates: CandidatesSettings
    detail_categories: dict[str, Texts]
    themes: list[ThemeSettings]
    harm: HarmSettings
    vulnerability: VulnerabilitySettings
    hotspots: HotspotSettings
    repeats: RepeatSettings
    public: PublicSettings
    scoring: ScoringSettings
    casework_feeds: list[CaseworkFeedSettings]
    street_week: StreetWeekSettings
    report: ReportSettings


def _fixed_table(annotation: Any) -> type[_Table] | None:
    """The model of a fixed-key table (a field typed with a model), else None."""
    if isinstance(annotation, type) and issubclass(annotation, _Table):
        return annotation
    return None


def _table_model(annotation: Any) -> type[_Table] | None:
    """The model of a fixed-key table, or of the items of a list of tables, else None."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, _Table):
            return candidate
    return None


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is dict:
        return "table"
    if origin is list:
        return "list"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _tree(model: type[_Table]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        sub = _fixed_table(info.annotation)
        out[name] = _tree(sub) if sub is not None else _type_name(info.annotation)
    return out


#: Every setting as a nested table: fixed-key tables are dicts, a leaf names its type (a list of
#: tables such as ``themes`` and a free-form table such as ``harm.extra_weights`` are leaves).
SCHEMA: dict[str, Any] = _tree(ConfigModel)


# ------------------------------------------------------------------------------------------
# errors: pydantic's locations and types in the partnership's words
# ------------------------------------------------------------------------------------------
def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _model_at(loc: tuple[int | str, ...]) -> type[_Table] | None:
    model: type[_Table] | None = ConfigModel
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = _table_model(info.annotation) if info is not None else None
    return model


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "config":
        return str(error["ctx"]["text"])
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        known = ", ".join(parent.model_fields) if parent is not None else ""
        return f"is not a setting; known here: {known}"
    if kind in ("model_type", "dict_type"):
        return f"must be a table, not {error['input']!r}"
    if kind == "list_type":
        return f"must be a list, not {error['input']!r}"
    text = str(error["msg"])
    return f"{text[:1].lower()}{text[1:]}, not {error['input']!r}"


def _validate(data: Mapping[str, Any], source: str) -> ConfigModel:
    try:
        return ConfigModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(_dotted(tuple(first["loc"])), _message(first), source=source) from None


def _dump(model: ConfigModel, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values: fixed tables in declared order; themes and their selections keep the keys
    they were given, in the order given (as stored before the models existed)."""
    data = model.model_dump()
    themes = []
    for theme, given in zip(model.themes, raw["themes"], strict=True):
        clean = theme.model_dump(exclude_unset=True)
        clean["select"] = [{k: sel[k] for k in g}
                           for sel, g in zip((s.model_dump(exclude_unset=True)
                                              for s in theme.select), given["select"],
                                             strict=True)]
        themes.append({k: clean[k] for k in given})
    data["themes"] = themes
    return data


def _merge(base: dict[str, Any], over: Mapping[str, Any], model: type[_Table] | None) -> None:
    """Overlay ``over`` on ``base``: fixed-key tables merge key by key; any other value (a list
    of themes, a free-form table such as ``harm.extra_weights``) replaces the default whole."""
    for key, value in over.items():
        info = model.model_fields.get(key) if model is not None else None
        sub = _fixed_table(info.annotation) if info is not None else None
        if sub is not None and isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, sub)
        else:
            base[key] = copy.deepcopy(value)


def _check_consistency(settings: ConfigModel, source: str) -> None:
    police = settings.sources.police_uk
    detail = set(settings.sources.detail)
    if police in detail:
        raise ConfigError("sources.detail", f"must not include the police.uk source {police!r}",
                          source=source)
    seen: set[str] = set()
    for i, theme in enumerate(settings.themes):
        if theme.id in seen:
            raise ConfigError(f"themes[{i}].id", f"repeats the theme id {theme.id!r}",
                              source=source)
        seen.add(theme.id)
        sources = {s.source for s in theme.select}
        if police in sources and sources & detail:
            raise ConfigError(f"themes[{i}].select",
                              f"selects both {police!r} and {sorted(sources & detail)}: detail "
                              "sources repeat police.uk crimes, so the theme would count them "
                              "twice", source=source)
    if sum(settings.scoring.weights.model_dump().values()) <= 0:
        raise ConfigError("scoring.weights", "must have at least one weight above 0",
                          source=source)


# ------------------------------------------------------------------------------------------
# the typed views the engine uses
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scale:
    """A 1–5 scale: below ``cuts[0]`` scores 1, at or above ``cuts[-1]`` scores 5."""

    measure: str
    cuts: tuple[float, ...]

    def score(self, value: float | None) -> int | None:
        """The 1–5 score of ``value``; None when the value is missing."""
        if value is None or value != value:
            return None
        return 1 + sum(1 for c in self.cuts if value >= c)


@dataclass(frozen=True)
class Selector:
    """One selection of a theme: a source, optionally narrowed (see ``default.toml``)."""

    source: str
    categories: tuple[str, ...] = ()
    flags_any: tuple[str, ...] = ()
    area_kind: str | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    select: tuple[Selector, ...]
    description: str = ""
    breakdown: str | None = None
    sensitive: bool = False


def _themes(settings: ConfigModel) -> tuple[Theme, ...]:
    return tuple(
        Theme(id=t.id, name=t.name, description=t.description, breakdown=t.breakdown,
              sensitive=t.sensitive,
              select=tuple(Selector(source=s.source, categories=tuple(s.categories),
                                    flags_any=tuple(s.flags_any), area_kind=s.area_kind)
                           for s in t.select))
        for t in settings.themes)


@dataclass(frozen=True)
class AssessmentConfig:
    """The validated configuration.

    ``settings`` is the typed model; ``data`` the same as plain values (what ``to_dict`` stores
    with each run, and what ``section(name)`` returns a part of).
    """

    data: Mapping[str, Any]
    path: str = ""
    settings: ConfigModel = field(init=False, repr=False, compare=False)
    themes: tuple[Theme, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        settings = _validate(self.data, self.path or UNNAMED)
        object.__setattr__(self, "settings", settings)
        object.__setattr__(self, "themes", _themes(settings))

    # -- convenient typed views --------------------------------------------------------------
    @property
    def scheme(self) -> str:
        return self.settings.assessment.scheme

    @property
    def alpha(self) -> float:
        return self.settings.assessment.alpha

    @property
    def weights(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.settings.scoring.weights.model_dump().items()}

    def scale(self, dimension: str) -> Scale:
        s = self.data["scoring"]["scales"][dimension]
        return Scale(str(s["measure"]), tuple(float(c) for c in s["cuts"]))

    def section(self, name: str) -> Mapping[str, Any]:
        """One top-level table as plain values (``config.section("hotspots")["seed"]``)."""
        table: Mapping[str, Any] = self.data[name]
        return table

    def with_weights(self, weights: Mapping[str, float]) -> AssessmentConfig:
        """A copy with some scoring weights replaced (for sensitivity analysis)."""
        data = copy.deepcopy(dict(self.data))
        for k, v in weights.items():
            if k not in DIMENSIONS:
                raise ConfigError(f"scoring.weights.{k}", "is not a dimension")
            data["scoring"]["weights"][k] = v
        settings = _validate(data, UNNAMED)
        data["scoring"]["weights"] = settings.scoring.weights.model_dump()
        return replace(self, data=data)

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.data)) | {"path": self.path}


def _keep_disclosure_rules(data: dict[str, Any], defaults: Mapping[str, Any], source: str) -> None:
    """A run's configuration may make the public-disclosure rules stricter, never looser: it may
    raise ``public.suppress_below`` but not lower it below the partnership's default, and its
    ``public.sensitive_categories`` and ``public.sensitive_flags`` add to the default lists
    instead of replacing them (an analyst cannot publish small counts of sexual offences by
    editing the configuration box)."""
    public, floor = data.get("public", {}), defaults["public"]
    threshold = public.get("suppress_below")
    if isinstance(threshold, int) and threshold < int(floor["suppress_below"]):
        raise ConfigError("public.suppress_below",
                          f"cannot be lower than {floor['suppress_below']}, the partnership's "
                          "disclosure rule (a run may raise it, not lower it)", source=source)
    for key in ("sensitive_categories", "sensitive_flags"):
        given = public.get(key)
        if isinstance(given, list):
            public[key] = list(dict.fromkeys([*floor[key], *given]))


def _build(overrides: Mapping[str, Any] | None, path: str, source: str) -> AssessmentConfig:
    with DEFAULT_CONFIG_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    if overrides:
        if not isinstance(overrides, Mapping):
            raise ConfigError("(top level)", "must be a table", source=source)
        defaults = copy.deepcopy(data)
        _merge(data, overrides, ConfigModel)
        _keep_disclosure_rules(data, defaults, source)
    settings = _validate(data, source)
    _check_consistency(settings, source)
    return AssessmentConfig(_dump(settings, data), path=path or str(DEFAULT_CONFIG_PATH))


def config_from_dict(overrides: Mapping[str, Any] | None = None, *,
                     path: str = "") -> AssessmentConfig:
    """Defaults overlaid with ``overrides`` (a dict shaped like the TOML), validated.

    Raises :class:`ConfigError` (source ``"assessment config"``) naming the dotted key.
    """
    return _build(overrides, path, UNNAMED)


def load_config(path: str | Path | None = None) -> AssessmentConfig:
    """The defaults (``default.toml``), overlaid with the TOML file at ``path`` when given.

    Raises :class:`ConfigError` naming the file and the key for any unknown, missing or badly
    typed setting, and ``FileNotFoundError`` for a missing file.
    """
    if path is None:
        return config_from_dict(None)
    p = Path(path)
    try:
        with p.open("rb") as fh:
            overrides = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), f"is not valid TOML: {exc}", source=str(p)) from None
    return _build(overrides, str(p), str(p))

"""Configuration of the strategic assessment: TOML, declared as data in one place, checked loudly.

``default.toml`` (next to this module) holds every setting with a comment saying what it does.
``load_config(path)`` reads a user file over the defaults; every key is checked against
:data:`SCHEMA`, and a problem raises :class:`ConfigError` naming the key (e.g.
``scoring.weights.harm must be a number >= 0, got 'high'``).
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from saferplaces.analysis.frame import FLAG_COLUMNS

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DIMENSIONS",
    "SCHEMA",
    "AssessmentConfig",
    "ConfigError",
    "Scale",
    "Selector",
    "Theme",
    "config_from_dict",
    "load_config",
]

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent / "default.toml"

#: The scoring dimensions, in report order.
DIMENSIONS: tuple[str, ...] = ("volume", "harm", "trend", "concentration", "repeat",
                               "vulnerability", "concern", "capacity")
MEASURED_SCALES: tuple[str, ...] = ("volume", "harm", "concentration", "repeat", "vulnerability")


class ConfigError(ValueError):
    """A configuration value is wrong; ``key`` is its dotted name."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"assessment config: {key} {message}")
        self.key = key


Check = Callable[[str, Any], Any]


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _str(key: str, v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ConfigError(key, f"must be a non-empty string, got {v!r}")
    return v


def _bool(key: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise ConfigError(key, f"must be true or false, got {v!r}")
    return v


def _positive_int(key: str, v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise ConfigError(key, f"must be a whole number >= 1, got {v!r}")
    return v


def _non_negative(key: str, v: Any) -> float:
    if not _is_number(v) or v < 0:
        raise ConfigError(key, f"must be a number >= 0, got {v!r}")
    return float(v)


def _positive(key: str, v: Any) -> float:
    if not _is_number(v) or v <= 0:
        raise ConfigError(key, f"must be a number > 0, got {v!r}")
    return float(v)


def _fraction(key: str, v: Any) -> float:
    if not _is_number(v) or not 0 < v < 1:
        raise ConfigError(key, f"must be a number between 0 and 1 (exclusive), got {v!r}")
    return float(v)


def _score(key: str, v: Any) -> float:
    if not _is_number(v) or not 1 <= v <= 5:
        raise ConfigError(key, f"must be a score from 1 to 5, got {v!r}")
    return float(v)


def _choice(*options: str) -> Check:
    def check(key: str, v: Any) -> str:
        if v not in options:
            raise ConfigError(key, f"must be one of {', '.join(repr(o) for o in options)}, "
                                   f"got {v!r}")
        return v
    return check


def _seed(key: str, v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ConfigError(key, f"must be a whole number >= 0, got {v!r}")
    return v


def _change_fraction(key: str, v: Any) -> float:
    if not _is_number(v) or not 0 <= v < 1:
        raise ConfigError(key, f"must be a number from 0 up to (not including) 1, got {v!r}")
    return float(v)


def _str_list(key: str, v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(s, str) and s.strip() for s in v):
        raise ConfigError(key, f"must be a list of non-empty strings, got {v!r}")
    return list(v)


def _non_empty_str_list(key: str, v: Any) -> list[str]:
    out = _str_list(key, v)
    if not out:
        raise ConfigError(key, "must list at least one value")
    return out


def _increasing(n: int | None) -> Check:
    def check(key: str, v: Any) -> list[float]:
        if (not isinstance(v, list) or not all(_is_number(x) for x in v)
                or (n is not None and len(v) != n)):
            what = f"{n} numbers" if n else "numbers"
            raise ConfigError(key, f"must be a list of {what} in increasing order, got {v!r}")
        if any(b <= a for a, b in zip(v, v[1:], strict=False)):
            raise ConfigError(key, f"must be in strictly increasing order, got {v!r}")
        return [float(x) for x in v]
    return check


def _dimension_list(key: str, v: Any) -> list[str]:
    out = _non_empty_str_list(key, v)
    unknown = [d for d in out if d not in DIMENSIONS]
    if unknown:
        raise ConfigError(key, f"names unknown dimensions {unknown}; known: {list(DIMENSIONS)}")
    return out


def _flag_list(key: str, v: Any) -> list[str]:
    out = _str_list(key, v)
    unknown = [f for f in out if f not in FLAG_COLUMNS]
    if unknown:
        raise ConfigError(key, f"names unknown flags {unknown}; known: {list(FLAG_COLUMNS)}")
    return out


def _str_map(key: str, v: Any) -> dict[str, str]:
    if not isinstance(v, dict):
        raise ConfigError(key, f"must be a table, got {v!r}")
    return {str(k): _str(f"{key}.{k}", x) for k, x in v.items()}


def _number_map(key: str, v: Any) -> dict[str, float]:
    if not isinstance(v, dict):
        raise ConfigError(key, f"must be a table, got {v!r}")
    return {str(k): _non_negative(f"{key}.{k}", x) for k, x in v.items()}


def _list_map(key: str, v: Any) -> dict[str, list[str]]:
    if not isinstance(v, dict):
        raise ConfigError(key, f"must be a table, got {v!r}")
    return {str(k): _str_list(f"{key}.{k}", x) for k, x in v.items()}


_SELECTOR_KEYS: dict[str, Check] = {
    "source": _str, "categories": _non_empty_str_list, "flags_any": _flag_list,
    "area_kind": _str,
}
_THEME_KEYS: dict[str, Check] = {
    "id": _str, "name": _str, "description": _str, "select": lambda k, v: v,
    "breakdown": _choice("hate_strand"), "sensitive": _bool,
}


def _themes(key: str, v: Any) -> list[dict[str, Any]]:
    if not isinstance(v, list):
        raise ConfigError(key, f"must be a list of [[themes]] tables, got {v!r}")
    seen: set[str] = set()
    out = []
    for i, theme in enumerate(v):
        tkey = f"{key}[{i}]"
        if not isinstance(theme, dict):
            raise ConfigError(tkey, f"must be a table, got {theme!r}")
        for k in theme:
            if k not in _THEME_KEYS:
                raise ConfigError(f"{tkey}.{k}", f"is not a theme setting; known: "
                                                 f"{list(_THEME_KEYS)}")
        for k in ("id", "name", "select"):
            if k not in theme:
                raise ConfigError(f"{tkey}.{k}", "is required")
        clean = {k: _THEME_KEYS[k](f"{tkey}.{k}", x) for k, x in theme.items()}
        if clean["id"] in seen:
            raise ConfigError(f"{tkey}.id", f"repeats the theme id {clean['id']!r}")
        seen.add(clean["id"])
        selects = theme["select"]
        if not isinstance(selects, list) or not selects:
            raise ConfigError(f"{tkey}.select", "must be a non-empty list of selections")
        clean_selects = []
        for j, sel in enumerate(selects):
            skey = f"{tkey}.select[{j}]"
            if not isinstance(sel, dict):
                raise ConfigError(skey, f"must be a table, got {sel!r}")
            for k in sel:
                if k not in _SELECTOR_KEYS:
                    raise ConfigError(f"{skey}.{k}", f"is not a selection setting; known: "
                                                     f"{list(_SELECTOR_KEYS)}")
            if "source" not in sel:
                raise ConfigError(f"{skey}.source", "is required")
            clean_selects.append({k: _SELECTOR_KEYS[k](f"{skey}.{k}", x) for k, x in sel.items()})
        clean["select"] = clean_selects
        out.append(clean)
    return out


def _scale(measure_cuts: int | None = 4) -> dict[str, Any]:
    return {"measure": _str, "cuts": _increasing(measure_cuts)}


#: Every setting: a nested table of checks. ``dict`` values are tables whose keys are fixed;
#: callables check one value (free-form tables such as ``harm.extra_weights`` are one value).
SCHEMA: dict[str, Any] = {
    "assessment": {
        "scheme": _choice("morile", "grid4x4"), "priorities": _positive_int,
        "alpha": _fraction, "history_months": _positive_int,
        "small_area_kinds": _non_empty_str_list, "town_centre_kind": _str,
        "top_areas": _positive_int, "min_area_incidents": _positive_int,
        "max_overlap": _fraction, "emerging": _positive_int,
    },
    "sources": {"police_uk": _str, "detail": _str_list, "labels": _str_map},
    "candidates": {
        "police_uk_categories": _bool, "other_categories": _bool,
        "skip_detail_duplicates": _bool, "min_incidents": _positive_int,
    },
    "detail_categories": _list_map,
    "themes": _themes,
    "harm": {"weights": _str, "extra_weights": _number_map},
    "vulnerability": {"flags": _flag_list, "categories": _str_list},
    "hotspots": {
        "cell_size_m": _positive, "top_share": _fraction, "concentration_min_ratio": _positive,
        "permutations": _positive_int,
        "seed": _seed, "min_incidents": _positive_int,
    },
    "repeats": {"min_referenced": _positive_int},
    "public": {"suppress_below": _positive_int, "sensitive_categories": _str_list,
               "sensitive_flags": _flag_list},
    "scoring": {
        "no_data_score": _score,
        "weights": {d: _non_negative for d in DIMENSIONS},
        "scales": {
            **{d: _scale() for d in MEASURED_SCALES},
            "trend": {"measure": _str, "rise_cuts": _increasing(2)},
        },
        "entered": {"default_concern": _score, "default_capacity": _score},
        "grid4x4": {
            "impact": _dimension_list, "likelihood": _dimension_list,
            "axis_cuts": _increasing(3), "band_cuts": _increasing(3),
            "bands": lambda k, v: _fixed_len(k, _non_empty_str_list(k, v), 4),
        },
        "sensitivity": {"weight_change": _change_fraction},
    },
    "street_week": {
        "source": _str, "asb_source": _str, "top": _positive_int,
        "weights": {w: _non_negative for w in ("harm_rate", "trend", "repeat_asb", "hotspots")},
    },
}


def _fixed_len(key: str, v: list[str], n: int) -> list[str]:
    if len(v) != n:
        raise ConfigError(key, f"must list exactly {n} names, got {len(v)}")
    return v


def _check_unknown(data: Mapping[str, Any], schema: Mapping[str, Any], prefix: str) -> None:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if key not in schema:
            raise ConfigError(path, f"is not a setting; known here: {', '.join(schema)}")
        spec = schema[key]
        if isinstance(spec, dict):
            if not isinstance(value, dict):
                raise ConfigError(path, f"must be a table, got {value!r}")
            _check_unknown(value, spec, path + ".")


def _validate(data: Mapping[str, Any], schema: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, spec in schema.items():
        path = f"{prefix}{key}"
        if key not in data:
            raise ConfigError(path, "is missing")
        value = data[key]
        if isinstance(spec, dict):
            if not isinstance(value, dict):
                raise ConfigError(path, f"must be a table, got {value!r}")
            out[key] = _validate(value, spec, path + ".")
        else:
            out[key] = spec(path, value)
    return out


def _merge(base: dict[str, Any], over: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    for key, value in over.items():
        spec = schema.get(key)
        if isinstance(spec, dict) and isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, spec)
        else:
            base[key] = copy.deepcopy(value)


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


@dataclass(frozen=True)
class AssessmentConfig:
    """The validated configuration. ``data`` is the full merged TOML as plain values."""

    data: Mapping[str, Any]
    path: str = ""
    themes: tuple[Theme, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        themes = tuple(
            Theme(id=t["id"], name=t["name"], description=t.get("description", ""),
                  breakdown=t.get("breakdown"), sensitive=t.get("sensitive", False),
                  select=tuple(Selector(source=s["source"],
                                        categories=tuple(s.get("categories", ())),
                                        flags_any=tuple(s.get("flags_any", ())),
                                        area_kind=s.get("area_kind"))
                               for s in t["select"]))
            for t in self.data["themes"])
        object.__setattr__(self, "themes", themes)

    # -- convenient typed views --------------------------------------------------------------
    @property
    def scheme(self) -> str:
        return str(self.data["assessment"]["scheme"])

    @property
    def alpha(self) -> float:
        return float(self.data["assessment"]["alpha"])

    @property
    def weights(self) -> dict[str, float]:
        return dict(self.data["scoring"]["weights"])

    def scale(self, dimension: str) -> Scale:
        s = self.data["scoring"]["scales"][dimension]
        return Scale(s["measure"], tuple(s["cuts"]))

    def section(self, name: str) -> Mapping[str, Any]:
        return self.data[name]

    def with_weights(self, weights: Mapping[str, float]) -> AssessmentConfig:
        """A copy with some scoring weights replaced (for sensitivity analysis)."""
        data = copy.deepcopy(dict(self.data))
        for k, v in weights.items():
            if k not in DIMENSIONS:
                raise ConfigError(f"scoring.weights.{k}", "is not a dimension")
            data["scoring"]["weights"][k] = _non_negative(f"scoring.weights.{k}", v)
        return replace(self, data=data)

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.data)) | {"path": self.path}


def _check_consistency(data: Mapping[str, Any]) -> None:
    police = data["sources"]["police_uk"]
    detail = set(data["sources"]["detail"])
    if police in detail:
        raise ConfigError("sources.detail", f"must not include the police.uk source {police!r}")
    for i, theme in enumerate(data["themes"]):
        sources = {s["source"] for s in theme["select"]}
        if police in sources and sources & detail:
            raise ConfigError(f"themes[{i}].select",
                              f"selects both {police!r} and {sorted(sources & detail)}: detail "
                              "sources repeat police.uk crimes, so the theme would count them "
                              "twice")
    if sum(data["scoring"]["weights"].values()) <= 0:
        raise ConfigError("scoring.weights", "must have at least one weight above 0")


def config_from_dict(overrides: Mapping[str, Any] | None = None, *,
                     path: str = "") -> AssessmentConfig:
    """Defaults overlaid with ``overrides`` (a dict shaped like the TOML), validated."""
    with DEFAULT_CONFIG_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    if overrides:
        if not isinstance(overrides, Mapping):
            raise ConfigError("(top level)", "must be a table")
        _check_unknown(overrides, SCHEMA, "")
        _merge(data, overrides, SCHEMA)
    clean = _validate(data, SCHEMA, "")
    _check_consistency(clean)
    return AssessmentConfig(clean, path=path or str(DEFAULT_CONFIG_PATH))


def load_config(path: str | Path | None = None) -> AssessmentConfig:
    """The defaults (``default.toml``), overlaid with the TOML file at ``path`` when given.

    Raises :class:`ConfigError` naming the key for any unknown, missing or badly typed setting,
    and ``FileNotFoundError`` for a missing file.
    """
    if path is None:
        return config_from_dict(None)
    p = Path(path)
    try:
        with p.open("rb") as fh:
            overrides = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), f"is not valid TOML: {exc}") from None
    return config_from_dict(overrides, path=str(p))

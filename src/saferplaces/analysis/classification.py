"""Changes of classification inside a series: old police.uk crime types made comparable.

police.uk has changed its street-level crime types twice (``data/classification/police-uk.toml``
holds the changes with their source): in September 2011 five types were split out of "Other
crime", and in May 2013 "Violent crime" was renamed "Violence and sexual offences", "Public
disorder and weapons" was split into "Public order" and "Possession of weapons", and "Bicycle
theft" and "Theft from the person" were split out of "Other theft". Compared across such a
change, a type looks as if it rose from nothing or fell to nothing (+1,300 %, -100 %, p ~ 0).

Rules, for the months an analysis compares (``first``..``last``):

- a change is applied only when it falls inside those months and the data show it: an old type
  that is not a new one occurs before the change month, or a type that is new occurs only from
  the change month on (data already on the newer types are left alone);
- ``combine`` changes: a rename (one old type, one new) counts the old type under the new name;
  a split counts the old type and all its new types as one combined series, named in the
  mapping (e.g. "Public order and possession of weapons (combined)"); changes that share a type
  are combined together;
- ``break`` changes (where combining would lump most crime together), and ``combine`` changes
  whose old type is missing from the data before the change (nothing to combine with): the
  series of every type involved starts again at the change month, so no comparison reaches
  back across it;
- every change applied is described in :meth:`Harmonisation.notes` so the output can name it.

Errors: :func:`load_scheme` raises ``FileNotFoundError`` for an unknown scheme and ``ValueError``
for a malformed mapping file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "CLASSIFICATION_DATA_DIR",
    "CategoryChange",
    "CategoryScheme",
    "Harmonisation",
    "harmonise_categories",
    "load_scheme",
    "related_categories",
]

CLASSIFICATION_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "classification"
Action = Literal["combine", "break"]


@dataclass(frozen=True)
class CategoryChange:
    """One change of types: ``old`` types used before ``month``, ``new`` types from it."""

    month: pd.Timestamp
    old: tuple[str, ...]
    new: tuple[str, ...]
    action: Action
    description: str
    label: str = ""

    @property
    def kind(self) -> str:
        """``"rename"`` (one type for one) or ``"split"``."""
        return "rename" if len(self.old) == 1 and len(self.new) == 1 else "split"

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(self.old) | frozenset(self.new)

    @property
    def old_only(self) -> frozenset[str]:
        return frozenset(self.old) - frozenset(self.new)

    @property
    def new_only(self) -> frozenset[str]:
        return frozenset(self.new) - frozenset(self.old)

    def to_dict(self) -> dict[str, Any]:
        return {"month": f"{self.month:%Y-%m}", "kind": self.kind, "old": list(self.old),
                "new": list(self.new), "harmonise": self.action, "label": self.label,
                "description": self.description}


@dataclass(frozen=True)
class CategoryScheme:
    """A classification and its changes, as read from a mapping file."""

    name: str
    title: str
    source_name: str
    source: str
    changes: tuple[CategoryChange, ...]
    path: str


def _text(value: Any) -> str:
    return " ".join(str(value).split())


def load_scheme(name_or_path: str | Path = "police-uk") -> CategoryScheme:
    """A classification's changes by name (``"police-uk"``) or from a TOML file of that form.

    Raises ``FileNotFoundError`` when there is no such scheme and ``ValueError`` when an entry
    lacks a field, has a bad month, or an action other than "combine"/"break".
    """
    path = CLASSIFICATION_DATA_DIR / f"{name_or_path}.toml"
    if not path.exists():
        path = Path(name_or_path)
    if not path.is_file():
        raise FileNotFoundError(f"no classification scheme {str(name_or_path)!r}")
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    changes = []
    for number, entry in enumerate(data.get("changes", []), start=1):
        try:
            month = pd.Timestamp(str(entry["month"]) + "-01")
            action = str(entry["harmonise"])
            old, new = tuple(entry["old"]), tuple(entry["new"])
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{path}: change {number} needs month (YYYY-MM), old, new and "
                             f"harmonise ({exc})") from None
        if action not in ("combine", "break") or not old or not new:
            raise ValueError(f"{path}: change {number}: harmonise must be 'combine' or 'break' "
                             "and old/new must list types")
        change = CategoryChange(month, old, new, action,  # type: ignore[arg-type]
                                _text(entry.get("description", "")), str(entry.get("label", "")))
        if action == "combine" and change.kind == "split" and not change.label:
            raise ValueError(f"{path}: change {number} combines several types and needs a label")
        changes.append(change)
    return CategoryScheme(
        name=str(data.get("name", path.stem)), title=_text(data.get("title", "")),
        source_name=str(data.get("source_name", "")), source=_text(data.get("source", "")),
        changes=tuple(sorted(changes, key=lambda c: c.month)), path=str(path))


def related_categories(categories: Iterable[str], scheme: CategoryScheme | str = "police-uk"
                       ) -> list[str]:
    """``categories`` plus every type a change links them to (old names and split-out parts),
    so that a selection by type keeps everything a harmonised series needs."""
    scheme = load_scheme(scheme) if isinstance(scheme, str) else scheme
    out = dict.fromkeys(categories)
    grew = True
    while grew:
        grew = False
        for change in scheme.changes:
            if change.action == "combine" and change.categories & out.keys():
                for c in (*change.old, *change.new):
                    if c not in out:
                        out[c] = None
                        grew = True
    return list(out)


@dataclass(frozen=True)
class Harmonisation:
    """How recorded types are counted for one analysis, and why.

    ``labels`` maps a recorded type to its analysis series (only types that change);
    ``breaks`` maps an analysis series to the first month from which it is comparable;
    ``combined`` and ``broken`` describe the changes applied, for the output.
    """

    scheme: str
    source: str
    first: str | None
    last: str | None
    labels: dict[str, str] = field(default_factory=dict)
    breaks: dict[str, pd.Timestamp] = field(default_factory=dict)
    combined: tuple[dict[str, Any], ...] = ()
    broken: tuple[dict[str, Any], ...] = ()

    @property
    def applied(self) -> bool:
        return bool(self.labels or self.breaks)

    def label(self, category: str) -> str:
        """The series a recorded type is counted in (itself when unchanged)."""
        return self.labels.get(category, category)

    def apply(self, categories: pd.Series | Sequence[str] | np.ndarray) -> pd.Series:
        """Recorded types relabelled to their analysis series."""
        s = pd.Series(categories, dtype=object)
        return s.map(self.labels).fillna(s) if self.labels else s.copy()

    def series_note(self, series: str) -> str:
        """One sentence for an output row: what was combined into ``series`` or where it breaks."""
        parts = [c["note"] for c in self.combined if c["series"] == series]
        parts += [b["note"] for b in self.broken if series in b["series"]]
        return " ".join(parts)

    def notes(self) -> list[str]:
        """Every change applied, as sentences for the output."""
        return [c["note"] for c in self.combined] + [b["note"] for b in self.broken]

    def to_dict(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "source": self.source, "first_month": self.first,
                "last_month": self.last, "relabelled": dict(sorted(self.labels.items())),
                "combined": [dict(c) for c in self.combined],
                "series_breaks": [dict(b) for b in self.broken]}


def _month(value: Any) -> pd.Timestamp | None:
    if value is None:
        return None
    return pd.Timestamp(value).to_period("M").to_timestamp()


def _shows(change: CategoryChange, before: set[str], after: set[str]) -> bool:
    """The data show a change: an old-only type before it, or a new-only type only after it."""
    if change.old_only & before:
        return True
    return bool(before) and bool(change.new_only & after) and not change.new_only & before


def _groups(changes: list[CategoryChange]) -> list[tuple[set[str], list[CategoryChange]]]:
    """Changes that share a type, merged (union of their types)."""
    groups: list[tuple[set[str], list[CategoryChange]]] = []
    for change in changes:
        members, joined = set(change.categories), [change]
        for other in [g for g in groups if g[0] & members]:
            groups.remove(other)
            members |= other[0]
            joined = other[1] + joined
        groups.append((members, joined))
    return groups


def _group_label(changes: list[CategoryChange]) -> str:
    old_only = set().union(*(c.old_only for c in changes))
    current = sorted(set().union(*(c.new for c in changes)) - old_only)
    if len(current) == 1:
        return current[0]
    labels = list(dict.fromkeys(c.label for c in changes if c.label))
    return labels[0] if len(labels) == 1 else " + ".join(current) + " (combined)"


def _combine_note(series: str, changes: list[CategoryChange], present: set[str]) -> str:
    steps = "; ".join(f"in {c.month:%B %Y} {c.description}" for c in changes)
    old = sorted(present - {series})
    if len(changes) == 1 and changes[0].kind == "rename":
        return f"'{changes[0].old[0]}' is counted as '{series}': {steps}."
    counted = ", ".join(f"'{c}'" for c in old)
    return f"'{series}' counts {counted} together: {steps}."


def harmonise_categories(
    categories: pd.Series | Sequence[str] | np.ndarray,
    months: pd.Series | Sequence[Any] | np.ndarray,
    *,
    scheme: CategoryScheme | str = "police-uk",
    first: Any = None,
    last: Any = None,
) -> Harmonisation:
    """Which recorded types to count together, and where series break, for months
    ``first``..``last`` (default: the months present).

    ``categories`` and ``months`` are per incident (any date in the month will do), and should
    hold only the rows of the scheme's source (police.uk rows for the police.uk scheme). Method:
    the rules in the module docstring.
    """
    scheme = load_scheme(scheme) if isinstance(scheme, str) else scheme
    cats = pd.Series(np.asarray(categories, dtype=object), dtype=object)
    when = pd.to_datetime(pd.Series(np.asarray(months)), errors="coerce").dt.to_period("M")
    when = when.dt.to_timestamp()
    lo = _month(first) if first is not None else (when.min() if len(when) else None)
    hi = _month(last) if last is not None else (when.max() if len(when) else None)
    empty = Harmonisation(scheme.name, scheme.source, None if lo is None or pd.isna(lo)
                          else f"{lo:%Y-%m}", None if hi is None or pd.isna(hi) else f"{hi:%Y-%m}")
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return empty
    inside = (when >= lo) & (when <= hi)
    cats, when = cats[inside], when[inside]
    to_combine: list[CategoryChange] = []
    to_break: list[tuple[CategoryChange, str]] = []
    for change in scheme.changes:
        if not lo < change.month <= hi:
            continue
        before = set(cats[when < change.month].unique())
        after = set(cats[when >= change.month].unique())
        if not _shows(change, before, after):
            continue
        if change.action == "combine" and set(change.old) & before:
            to_combine.append(change)
        elif change.action == "combine":
            olds = ", ".join(f"'{c}'" for c in change.old)
            to_break.append((change, f"the data hold no {olds} before then to combine with"))
        else:
            to_break.append((change, "combining these would lump most crime together"))
    present = set(cats.unique())
    labels: dict[str, str] = {}
    combined = []
    for members, changes in _groups(to_combine):
        series = _group_label(changes)
        for c in members:
            if c != series:
                labels[c] = series
        combined.append({"series": series, "categories": sorted(members & present),
                         "changes": [c.to_dict() for c in changes],
                         "note": _combine_note(series, changes, members & present)})
    breaks: dict[str, pd.Timestamp] = {}
    broken = []
    for change, why in to_break:
        broken_series = sorted({labels.get(c, c) for c in change.categories if c in present})
        for name in broken_series:
            breaks[name] = max(breaks.get(name, change.month), change.month)
        names = ", ".join(f"'{name}'" for name in broken_series)
        broken.append({"series": broken_series, "month": f"{change.month:%Y-%m}",
                       "reason": why, "change": change.to_dict(),
                       "note": (f"Series break in {change.month:%B %Y}: {change.description}; "
                                f"{why}, so {names} "
                                f"{'is' if len(broken_series) == 1 else 'are'} "
                                f"compared only from {change.month:%B %Y} on.")})
    return Harmonisation(scheme.name, scheme.source, empty.first, empty.last, labels, breaks,
                         tuple(combined), tuple(broken))

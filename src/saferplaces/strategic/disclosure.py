"""What may be disclosed in public: the rules that turn a strategic assessment or deep dive into
its public version, in one place to audit.

The report is rendered from the result's JSON form, so the public version is built only from
data that passed :func:`public_view`:

- no case or intelligence data (the assessment holds none), no victim or complainant
  references (never stored in the result), no addresses or location text from partner records
  (repeat locations are dropped);
- in sensitive candidates (hate crime, domestic abuse, sexual offences, exploitation, modern
  slavery...: ``public.sensitive_*`` in the configuration), counts from 1 to
  ``suppress_below - 1`` for small areas (and breakdowns and repeat-victim counts) are withheld,
  with the rates and changes computed from them; hotspot maps (and new-hotspot listings) of
  sensitive candidates are withheld and other maps show hot cells only, not counts per cell;
- findings are the plain-language versions, without test statistics;
- last year's recommendations keep their status, lead and dates, not partners' progress notes;
- case-work figures (counts from the partnership's case records): as in the panel version.

The panel version (for the crime and disorder panel: partners and councillors, most without the
web app's ``incidents.view_sensitive_locations``) passes :func:`panel_view`: no exact location of
a sensitive record, whoever reads it (a report file is passed on):

- repeat locations are dropped (they are the address text of records with a victim or
  complainant reference); how many there were is kept;
- in sensitive candidates (and a sensitive deep dive), hotspot cells with counts from 1 to
  ``suppress_below - 1`` are not shaded by count (their Gi* hot and new flags stay);
- case-work figures (repeat-ASB cases, Case Reviews, safeguarding referrals, NRM referrals,
  hate by strand, MARAC repeats: each a count of cases or referrals about people) from 1 to
  ``suppress_below - 1`` are withheld (:func:`casework_view`), as the public report withholds
  small counts: a panel report is passed on, and a small count can point to a person.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from saferplaces.analysis.harm import normalise_category

if TYPE_CHECKING:
    from saferplaces.strategic.config import AssessmentConfig

__all__ = ["casework_view", "hot_and_new_cells", "is_sensitive", "panel_view", "public_deep_dive", "public_rows",
           "public_view"]


def is_sensitive(categories: tuple[str, ...], flags: tuple[str, ...],
                 config: AssessmentConfig) -> bool:
    """Whether a selection of ``categories`` and ``flags`` is sensitive: any category among
    ``public.sensitive_categories`` (compared normalised) or any flag among
    ``public.sensitive_flags``."""
    public = config.section("public")
    names = {normalise_category(c) for c in public["sensitive_categories"]}
    return (any(normalise_category(c) in names for c in categories)
            or any(f in public["sensitive_flags"] for f in flags))


def hot_and_new_cells(cells: Sequence[Sequence[Any]]) -> tuple[list[Any], list[Any]]:
    """The public ``hot`` and ``new`` lists (cell indices only, no counts) from a hotspot's
    ``cells`` (``[index, count, hot, new]`` each)."""
    return [c[0] for c in cells if c[2]], [c[0] for c in cells if c[3]]


def _suppress(value: Any, threshold: int) -> bool:
    return isinstance(value, int | float) and 0 < value < threshold


def public_rows(rows: list[dict[str, Any]], keys: Sequence[str], threshold: int, *,
                derived: Sequence[str] = ()) -> None:
    """Withhold, in place, counts from 1 to ``threshold - 1`` in ``keys`` of each row, and the
    ``derived`` figures (rates, changes, tests) of any row where one was withheld."""
    for row in rows:
        hidden = False
        for key in keys:
            if _suppress(row.get(key), threshold):
                row[key] = None
                hidden = True
        if hidden:
            row["suppressed"] = True
            for key in derived:
                if key in row:
                    row[key] = None


def casework_view(data: dict[str, Any], threshold: int) -> None:
    """Withhold, in place, the case-work counts (``data["casework"]["rows"]``, if any) from 1
    to ``threshold - 1``: None, with ``suppressed`` set on the row (``public_rows``)."""
    casework = data.get("casework")
    if casework:
        public_rows(casework["rows"], ("count",), threshold)
        casework["suppress_below"] = threshold


def public_view(data: dict[str, Any]) -> dict[str, Any]:
    """The public-safe copy of a result's JSON form (rules in the module docstring)."""
    out = copy.deepcopy(data)
    public = out["parameters"]["public"]
    threshold = int(public["suppress_below"])
    out["public"] = {"suppress_below": threshold,
                     "rule": f"In sensitive categories, counts from 1 to {threshold - 1} for "
                             "small areas, breakdowns and repeat victims are withheld; hotspot "
                             "maps of sensitive categories are withheld."}
    for cand in out["candidates"]:
        sensitive = cand["sensitive"]
        m = cand["measures"]
        m["repeat"].pop("repeat_locations", None)
        cand["finding"] = cand["finding_plain"]
        hs = cand.get("hotspots")
        if hs:
            cells = hs.pop("cells", None) or []
            if sensitive:
                hs["withheld"] = True
                hs["areas_with_hot_cells"] = []
            else:
                hs["hot"], hs["new"] = hot_and_new_cells(cells)
        if not sensitive:
            continue
        public_rows(cand["areas"], ("count", "previous"), threshold,
                    derived=("rate", "per_hectare", "harm_rate", "pct_change", "p_value", "p_adj"))
        public_rows(m.get("breakdown", []), ("count", "previous"), threshold)
        rep = m["repeat"]
        for key in ("repeat_victims", "victims"):
            if _suppress(rep.get(key), threshold):
                rep[key] = None
                rep["suppressed"] = True
    sensitive_ids = {c["id"] for c in out["candidates"] if c["sensitive"]}
    out["emerging"]["new_hotspots"] = [h for h in out["emerging"]["new_hotspots"]
                                       if h.get("id") not in sensitive_ids]
    for item in out["emerging"]["rising"]:
        item["finding"] = item["finding_plain"]
    for rec in out["recommendations"]:
        rec["finding"] = rec["finding_plain"]
    for item in out["progress"].get("items", []):
        item.pop("finding", None)
    for rec in out["progress"].get("recommendations", []):
        rec["latest_update"] = ""  # partners' own progress notes; the status and its day stay
    if out.get("casework"):
        out["public"]["rule"] += (f" Case-work counts from 1 to {threshold - 1} are withheld.")
    casework_view(out, threshold)
    return out


def public_deep_dive(data: dict[str, Any], *, sensitive: bool) -> dict[str, Any]:
    """The public-safe form of a deep dive's JSON form (changed in place and returned): the
    annual report's rules applied to one topic; in a topic that is not itself sensitive, the
    sensitive flags (domestic, hate) and hate strands of its breakdown are still withheld."""
    threshold = int(data["parameters"]["public"]["suppress_below"])
    data["finding"] = data["finding_plain"]
    data["measures"]["repeat"].pop("repeat_locations", None)
    if data["hotspots"]:
        cells = data["hotspots"].pop("cells")
        if sensitive:
            data["hotspots"] = {"withheld": True}
        else:
            data["hotspots"]["hot"], data["hotspots"]["new"] = hot_and_new_cells(cells)
    if sensitive:
        public_rows(data["areas"], ("count", "previous"), threshold,
                    derived=("rate", "per_hectare", "harm_rate", "pct_change", "p_value", "p_adj"))
        for rows in data["composition"].values():
            public_rows(rows, ("count", "last_year"), threshold, derived=("pct_change",))
    else:
        # a sensitive flag inside any topic (domestic, hate) is itself sensitive
        flags = {f.replace("_", " ") for f in data["parameters"]["public"]["sensitive_flags"]}
        public_rows([r for r in data["composition"]["flags"] if r["group"] in flags],
                    ("count", "last_year"), threshold, derived=("pct_change",))
        public_rows(data["composition"]["hate_strands"], ("count", "last_year"),
                    threshold, derived=("pct_change",))
    data["public"] = {"suppress_below": threshold}
    return data


def _panel_measures(measures: dict[str, Any], hotspots: dict[str, Any] | None, sensitive: bool,
                    threshold: int) -> None:
    repeat = measures.get("repeat") or {}
    if "repeat_locations" in repeat:
        repeat["repeat_locations_withheld"] = len(repeat["repeat_locations"])
        repeat["repeat_locations"] = []
    if sensitive and hotspots and hotspots.get("cells"):
        hotspots["cells"] = [[c[0], None if _suppress(c[1], threshold) else c[1], *c[2:]]
                             for c in hotspots["cells"]]


def panel_view(data: dict[str, Any], *, sensitive: bool = False) -> dict[str, Any]:
    """The panel version of a result's JSON form, an assessment's or a deep dive's (``sensitive``:
    the deep dive's topic is): rules in the module docstring."""
    out = copy.deepcopy(data)
    threshold = int(out["parameters"]["public"]["suppress_below"])
    if "candidates" in out:
        for cand in out["candidates"]:
            _panel_measures(cand["measures"], cand.get("hotspots"), cand["sensitive"], threshold)
    else:
        _panel_measures(out["measures"], out.get("hotspots"), sensitive, threshold)
    casework_view(out, threshold)
    return out

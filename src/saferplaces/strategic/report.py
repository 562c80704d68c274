"""Reports: self-contained HTML (charts and maps embedded), PDF (WeasyPrint) and JSON, of an
assessment and of a deep dive.

The report is rendered from the result's JSON form, so the public version is built only from
data that passed ``disclosure.public_view`` (the rules are in ``saferplaces.strategic.disclosure``).

Every page carries "SYNTHETIC DATA" when the inputs were synthetic, and the panel version its
protective marking with who it is from (``identity``). The editable Word version is built from
the same data by ``docx_report``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from saferplaces.strategic import charts
from saferplaces.strategic.config import DIMENSIONS
from saferplaces.strategic.disclosure import hot_and_new_cells, panel_view, public_view
from saferplaces.strategic.findings import fmt_p, fmt_pct
from saferplaces.strategic.identity import identity
from saferplaces.strategic.results import AssessmentResult
from saferplaces.vocab import PESTELO, PESTELO_LABELS

if TYPE_CHECKING:
    from saferplaces.strategic.deepdive import DeepDiveResult

__all__ = ["environment", "images", "render_deep_dive_html", "render_html", "render_pdf",
           "report_data", "view_of"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


# ------------------------------------------------------------------------------------------
def _num(v: Any, digits: int = 0) -> str:
    if v is None:
        return "–"
    if isinstance(v, float) and digits:
        return f"{v:,.{digits}f}"
    return f"{round(v):,}" if isinstance(v, float) else f"{v:,}"


def _pct(v: Any) -> str:
    return fmt_pct(v) if v is not None else "–"


def _share(v: Any) -> str:
    return "–" if v is None else f"{100 * v:.0f}%"


def _css_string(v: Any) -> Markup:
    """``v`` as a quoted CSS string (for ``@page`` margin boxes: a ``<style>`` element decodes
    no HTML entities, so the text is escaped for CSS instead)."""
    text = " ".join(str(v).split()).replace("\\", "\\\\").replace('"', '\\"')
    return Markup('"' + text.replace("<", "\\3C ") + '"')


def _day(v: Any) -> str:
    """An ISO date (``2025-03-31``) as "31 March 2025"; "–" for none."""
    if not v:
        return "–"
    day = dt.date.fromisoformat(str(v))
    return f"{day.day} {day:%B %Y}"


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report templates, with the number filters."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters.update(num=_num, pct=_pct, p=fmt_p, share=_share, css=_css_string, day=_day)
    return env


def images(data: dict[str, Any], public: bool) -> dict[str, str]:
    """The report's charts and maps as PNG data URIs, by key (``history``, ``ranking``,
    ``trend:<id>`` and ``map:<id>`` of each priority)."""
    images: dict[str, str] = {}
    months = data["months"]
    n = data["period"]["months"]
    cp = data["current_picture"]
    images["history"] = charts.history_chart(
        months, {"crime (police.uk)": cp["monthly"]["crime"],
                 "anti-social behaviour (police.uk)": cp["monthly"]["asb"]},
        "Monthly crime and anti-social behaviour")
    ranked = data["candidates"][:15]
    images["ranking"] = charts.bar_chart(
        [c["name"] for c in ranked], [c["risk_score"] for c in ranked],
        [(c["rank_range"]["best"], c["rank_range"]["worst"]) for c in ranked],
        "Top candidates by risk score, with rank range under ±"
        f"{100 * data['sensitivity']['weight_change']:.0f}% weights")
    by_id = {c["id"]: c for c in data["candidates"]}
    names = {a["code"]: a["name"] for a in data["area_outlines"]}
    for key in data["priorities"]:
        c = by_id[key]
        images[f"trend:{key}"] = charts.year_on_year_chart(
            months, c["monthly"], n, f"{c['name']}: assessment year against the year before")
        hs = c.get("hotspots")
        if not hs or hs.get("withheld"):
            continue
        if public:
            cells, hot, new = None, hs.get("hot", []), hs.get("new", [])
        else:
            cells = hs["cells"]
            hot, new = hot_and_new_cells(cells)
        top = [a["code"] for a in c["areas"] if a.get("rank") is not None][:3]
        images[f"map:{key}"] = charts.hotspot_map(
            data["grid"], cells, hot, new, data["area_outlines"],
            f"{c['name']}: where, {data['period']['first_month']} to "
            f"{data['period']['last_month']}",
            labels={code: names.get(code, code) for code in top})
    return images


def report_data(result: AssessmentResult | DeepDiveResult, *, public: bool) -> dict[str, Any]:
    """What a report shows and its JSON file holds: the public version (``public_view``) or
    the panel version (``panel_view``: no exact location of a sensitive record)."""
    from saferplaces.strategic.deepdive import DeepDiveResult

    data = result.to_dict(public=public)
    if isinstance(result, DeepDiveResult):
        return data if public else panel_view(data, sensitive=result.topic.sensitive)
    return data if public else panel_view(data)


def shown_ties(candidates: list[dict[str, Any]], n_priorities: int) -> list[dict[str, Any]]:
    """Groups of candidates whose risk scores are equal as the report shows them (one decimal),
    among the priorities and the first candidate after them, in rank order, with how the ranking
    told them apart: the unrounded score, then the harm score, then the volume score, then the
    candidate's id (``scoring.rank``)."""
    ranked = sorted(candidates, key=lambda c: c["rank"])
    watched = {c["id"] for c in ranked[: n_priorities + 1]}
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in ranked:
        groups.setdefault(f"{c['risk_score']:.1f}", []).append(c)
    out = []
    for shown, members in groups.items():
        if len(members) < 2 or not watched & {c["id"] for c in members}:
            continue
        exact = len({round(c["risk_score"], 9) for c in members}) == 1
        out.append({"score": shown, "names": [c["name"] for c in members],
                    "broken_by": ("the harm score, then the volume score, then the candidate's "
                                  "id" if exact else "the score before rounding")})
    return out


def view_of(result: AssessmentResult | dict[str, Any], *, public: bool) -> dict[str, Any]:
    """What a report of ``result`` (an ``AssessmentResult`` or its stored ``to_dict()`` form)
    shows: the public or the panel view (``report_data``)."""
    if isinstance(result, AssessmentResult):
        return report_data(result, public=public)
    if public:
        return public_view(result) if "public" not in result else result
    return panel_view(result)


def render_html(result: AssessmentResult | dict[str, Any], *, public: bool = False,
                produced: dt.date | None = None) -> str:
    """The report as one self-contained HTML page (images embedded as data URIs).

    ``result`` may be an ``AssessmentResult`` or its stored ``to_dict()`` form (a previous
    run's JSON renders again without recomputing). ``produced`` is the date it shows as
    produced when the configuration names none (default: today).
    """
    data = view_of(result, public=public)
    by_id = {c["id"]: c for c in data["candidates"]}
    covers: dict[str, list[str]] = {}
    for c in data["candidates"]:
        if c.get("covered_by"):
            covers.setdefault(c["covered_by"], []).append(c["name"])
    horizon = {h: [item for item in data["emerging"]["horizon"] if item["heading"] == h]
               for h in PESTELO}
    template = environment().get_template("report.html.j2")
    return template.render(
        d=data, public=public, images=images(data, public), by_id=by_id, covers=covers,
        ident=identity(data, public=public, produced=produced),
        dimensions=DIMENSIONS, horizon=horizon, pestelo_labels=PESTELO_LABELS,
        priorities=[by_id[k] for k in data["priorities"]],
        top_areas=int(data["parameters"]["assessment"]["top_areas"]),
        ties=shown_ties(data["candidates"], len(data["priorities"])),
    )


def render_deep_dive_html(result: DeepDiveResult, *, public: bool = False) -> str:
    """The deep dive as one self-contained HTML page (charts embedded as data URIs)."""
    data = report_data(result, public=public)
    images = {"history": charts.history_chart(
        data["months"], {data["topic"]["name"]: data["monthly"]},
        f"{data['topic']['name']}: monthly incidents")}
    q = [r for r in data["quarterly"] if r["complete"]]
    if q:
        images["quarterly"] = charts.column_chart([r["quarter"] for r in q],
                                                  [r["count"] for r in q],
                                                  f"{data['topic']['name']}: by quarter")
    hs = data.get("hotspots")
    if hs and not hs.get("withheld"):
        cells = None if public else hs["cells"]
        hot, new = (hs["hot"], hs["new"]) if public else hot_and_new_cells(hs["cells"])
        images["map"] = charts.hotspot_map(data["grid"], cells, hot, new, data["area_outlines"],
                                           f"{data['topic']['name']}: where")
    return environment().get_template("deep_dive.html.j2").render(d=data, public=public,
                                                                  images=images)


def render_pdf(html: str) -> bytes:
    """PDF of a rendered report (WeasyPrint; needs Pango, as on the project's machines)."""
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf

"""The strategic assessment as an editable Word document (.docx, python-docx), for a partnership
that finishes its panel papers in its council's own template.

The document is built from the same data as the HTML/PDF report (``report.view_of``: the panel
view, ``disclosure.panel_view``, or the public view), with the same sections, tables and charts
(PNG), and small counts withheld the same way ("fewer than N"). It starts from a template:
``report.docx_template`` of the run's configuration, else the one shipped beside this module.
The template's styles, page set-up, headers and footers are kept and its body is replaced. The
panel version's protective marking (``identity``) is added at the top and foot of every page, as
the Government Security Classifications ask, and a run on synthetic data says so on every page.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saferplaces.strategic.config import DIMENSIONS
from saferplaces.strategic.findings import fmt_p, fmt_pct
from saferplaces.strategic.identity import Identity, identity
from saferplaces.strategic.report import images, shown_ties, view_of
from saferplaces.vocab import PESTELO, PESTELO_LABELS

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

    from saferplaces.strategic.results import AssessmentResult

__all__ = ["DEFAULT_TEMPLATE", "SYNTHETIC_LINE", "render_docx"]

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates" / "report-template.docx"
SYNTHETIC_LINE = "SYNTHETIC DATA — invented incidents, not real crime records"
#: Width of a full-width chart on an A4 page with 20 mm margins.
CHART_WIDTH_MM = 165


def _num(v: Any, digits: int = 0) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}" if digits else f"{round(v):,}"
    return f"{v:,}"


def _pct(v: Any) -> str:
    return "–" if v is None else fmt_pct(v)


def _share(v: Any) -> str:
    return "–" if v is None else f"{100 * v:.0f}%"


class _Writer:
    """Adds paragraphs, tables and pictures to a document, falling back to built-in formatting
    where the partnership's template lacks a style."""

    def __init__(self, doc: DocumentObject) -> None:
        self.doc = doc
        self.styles = {s.name for s in doc.styles}

    def _style(self, *names: str) -> str | None:
        return next((n for n in names if n in self.styles), None)

    def heading(self, text: str, level: int) -> None:
        style = self._style(f"Heading {level}")
        if style:
            self.doc.add_paragraph(text, style=style)
        else:
            self.doc.add_paragraph().add_run(text).bold = True

    def para(self, text: str, *, bold: bool = False, style: str | None = None) -> None:
        p = self.doc.add_paragraph(style=self._style(style) if style else None)
        p.add_run(text).bold = bold

    def items(self, texts: Sequence[str], *, numbered: bool = False) -> None:
        style = self._style("List Number" if numbered else "List Bullet")
        for i, text in enumerate(texts, start=1):
            if style:
                self.doc.add_paragraph(text, style=style)
            else:
                self.doc.add_paragraph(f"{i}. {text}" if numbered else f"• {text}")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
              numeric: Sequence[int] = ()) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        table = self.doc.add_table(rows=1, cols=len(headers))
        style = self._style("Table Grid")
        if style:
            table.style = style
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            cells = table.add_row().cells
            for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
                cell.text = text
                if i in numeric:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.doc.add_paragraph()

    def picture(self, uri: str | None, caption: str) -> None:
        from docx.shared import Mm

        if not uri:
            return
        png = base64.b64decode(uri.split(",", 1)[1])
        self.doc.add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
        self.para(caption, style="Caption")


def _page_marks(doc: DocumentObject, ident: Identity, synthetic: bool, public: bool) -> None:
    """Marking (panel version), running title, version and synthetic label on every page: added
    to each section's header and footer above and below what the template puts there."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title = ident.running_title + (" — public version" if public else "")
    for section in doc.sections:
        header, footer = section.header, section.footer
        header.is_linked_to_previous = footer.is_linked_to_previous = False
        top = [ident.marking, title] if ident.marking else [title]
        bottom = [ident.version_line, ident.marking] if ident.marking else [ident.version_line]
        if synthetic:
            top.append("SYNTHETIC DATA")
            bottom.insert(0, SYNTHETIC_LINE)
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        for text in top:
            p = first.insert_paragraph_before(text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.runs[0].bold = text in (ident.marking, "SYNTHETIC DATA")
        for text in bottom:
            p = footer.add_paragraph(text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.runs[0].bold = text == ident.marking


def _open_template(path: str | Path) -> DocumentObject:
    """The template with its body emptied (section properties kept)."""
    import docx

    doc = docx.Document(str(path))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return doc


def _cover(w: _Writer, d: dict[str, Any], ident: Identity, public: bool) -> None:
    from docx.shared import Mm

    if ident.marking:
        w.para(ident.marking, bold=True)
        w.para("For the crime and disorder panel and partners: contains partner data, not for "
               "publication.")
    else:
        w.para("Public version", bold=True)
    if ident.logo is not None:
        w.doc.add_picture(io.BytesIO(ident.logo), height=Mm(20))
    if d["synthetic"]:
        w.para("SYNTHETIC DATA: this report is built from the saferplaces synthetic demo town. "
               "No incident, person or address in it is real.", bold=True)
    w.doc.add_paragraph("Strategic assessment", style=w._style("Title"))
    comparison = d.get("comparison") or {}
    w.para(f"{ident.partnership} — assessment year {ident.period}"
           + (f", compared with {comparison['first_month']} to {comparison['last_month']}."
              if comparison else "."))
    w.table(["About this report", ""], ident.rows())


def _summary(w: _Writer, d: dict[str, Any], priorities: list[dict[str, Any]], public: bool,
             pics: dict[str, str]) -> None:
    w.heading("1. Executive summary", 1)
    t = d["current_picture"]["totals"]
    crime, asb = t["crime"], t["asb"]
    text = f"In the assessment year police.uk recorded {_num(crime['count'])} crimes"
    if crime.get("pct_change") is not None:
        text += f", {_pct(crime['pct_change'])} on the year before,"
    text += f" and {_num(asb['count'])} anti-social behaviour incidents."
    w.para(text)
    w.para("The partnership's recommended priorities are:")
    for number, c in enumerate(priorities, start=1):
        w.para(f"{number}. {c['name']}", bold=True)
        w.para(c.get("finding_plain") or c["finding"])
        if not public:
            rr = c["rank_range"]
            ranks = ("the same rank" if rr["best"] == rr["worst"]
                     else f"between {rr['best']} and {rr['worst']}")
            w.para(f"Statistical detail: {c['finding']} Risk score {_num(c['risk_score'], 1)} "
                   f"(rank {c['rank']}; {ranks} when any weight moves "
                   f"±{100 * d['sensitivity']['weight_change']:.0f}%).")
    if not public and d["scheme"] == "morile":
        for tie in shown_ties(d["candidates"], len(d["priorities"])):
            names = tie["names"]
            w.para(f"{', '.join(names[:-1])} and {names[-1]} have the same risk score as shown "
                   f"({tie['score']}); they are ranked by {tie['broken_by']}.")
    w.picture(pics.get("ranking"), "Risk scores of the fifteen highest-ranked candidates, with "
                                   "the range of ranks each takes when the weights move.")


def _current_picture(w: _Writer, d: dict[str, Any], public: bool, pics: dict[str, str]) -> None:
    w.heading("2. Current picture", 1)
    cp = d["current_picture"]
    t = cp["totals"]
    headers = ["", "Assessment year", "Year before", "Change", "Per 1,000 residents"]
    rows = [[label, _num(t[k]["count"]), _num(t[k]["previous"]), _pct(t[k]["pct_change"]),
             _num(t[k]["rate"], 1)] for k, label in (("crime", "Crime"),
                                                     ("asb", "Anti-social behaviour"))]
    w.table(headers, rows, numeric=(1, 2, 3, 4))
    w.picture(pics.get("history"), "Monthly police.uk crime and anti-social behaviour.")
    w.heading("By police.uk category, compared with last year", 2)
    headers = ["Category", "Assessment year", "Year before", "Change", "Significant?"]
    if not public:
        headers.append("BH-adjusted p")
    rows = []
    for r in cp["categories"]:
        row = [r["category"], _num(r["count"]), _num(r["previous"]), _pct(r["pct_change"]),
               "no" if r["direction"] == "stable" else r["direction"]]
        rows.append(row + ([fmt_p(r["p_adj"])] if not public else []))
    w.table(headers, rows, numeric=(1, 2, 3))
    if cp.get("partners"):
        w.heading("Partner data", 2)
        w.table(["Source", "Assessment year", "Year before", "Change"],
                [[r["label"], _num(r["count"]), _num(r["previous"]), _pct(r["pct_change"])]
                 for r in cp["partners"]], numeric=(1, 2, 3))


def _count(v: Any, threshold: int) -> str:
    return f"fewer than {threshold}" if v is None else _num(v)


def _priority(w: _Writer, d: dict[str, Any], c: dict[str, Any], number: int, public: bool,
              pics: dict[str, str], threshold: int) -> None:
    from docx.enum.text import WD_BREAK

    if number > 1:  # the first follows the section heading
        w.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    w.heading(f"3.{number} {c['name']}", 2)
    if d["synthetic"]:
        w.para("SYNTHETIC DATA", bold=True)
    w.para(c["finding"])
    m = c["measures"]
    rows = [["Incidents, assessment year", _num(m["count"])],
            ["Incidents, year before", _num(m["previous"])],
            ["Change", _pct(m["pct_change"])],
            ["Rate per 1,000 residents", _num(m["rate"], 2)],
            ["Harm-weighted rate per 1,000", _num(m["harm_rate"], 1)]]
    rep = m["repeat"]
    rows += [["Repeat incident rate", _share(rep.get("repeat_incident_rate"))],
             ["Repeat victims or complainants", _count(rep.get("repeat_victims"), threshold)],
             ["Affecting someone vulnerable", _share(m.get("vulnerability_share"))]]
    w.table(["Measure", "Value"], rows, numeric=(1,))
    w.picture(pics.get(f"trend:{c['id']}"), "Monthly incidents, assessment year against the "
                                            "year before.")
    if f"map:{c['id']}" in pics:
        w.picture(pics[f"map:{c['id']}"], f"Hotspots over {d['area_kind']} outlines.")
    elif (c.get("hotspots") or {}).get("withheld"):
        w.para("The hotspot map of this sensitive category is withheld from the public version.")
    top = int(d["parameters"]["assessment"]["top_areas"])
    ranked = [a for a in c["areas"] if a.get("rank") is not None][:top]
    if ranked:
        w.heading(f"Highest rates by {d['area_kind']}", 3)
        w.table([d["area_kind"].capitalize(), "Incidents", "Year before", "Per 1,000 residents",
                 "Per hectare", "Change"],
                [[a["name"], _count(a["count"], threshold), _count(a["previous"], threshold),
                  _num(a.get("rate"), 1), _num(a.get("per_hectare"), 2), _pct(a.get("pct_change"))]
                 for a in ranked], numeric=(1, 2, 3, 4, 5))
    if m.get("breakdown"):
        w.heading("By hate strand", 3)
        w.table(["Strand", "Assessment year", "Year before"],
                [[b["group"], _count(b["count"], threshold), _count(b["previous"], threshold)]
                 for b in m["breakdown"]], numeric=(1, 2))
    if not public:
        w.heading("Scores", 3)
        w.table(["Dimension", "Score (1–5)", "Measure"],
                [[dim, _num(c["scores"][dim]["score"]) + ("" if c["scores"][dim]["measured"]
                                                          else "*"), c["scores"][dim]["basis"]]
                 for dim in DIMENSIONS], numeric=(1,))
        w.para("* not measured or not entered: default score used.")


def _ranking(w: _Writer, d: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> None:
    w.heading("4. All candidates, scoring and sensitivity", 1)
    morile = d["scheme"] == "morile"
    rows = []
    for c in d["candidates"]:
        name = c["name"] + (" (priority)" if c.get("priority") else
                            f" (covered by {by_id[c['covered_by']]['name']})"
                            if c.get("covered_by") else "")
        score = (_num(c["risk_score"], 1) if morile
                 else f"{c['grid']['grid_score']} ({c['grid']['band']})")
        rows.append([str(c["rank"]), name, c["kind_label"], score,
                     f"{c['rank_range']['best']}–{c['rank_range']['worst']}",
                     _num(c["measures"]["count"]), _pct(c["measures"]["pct_change"])])
    w.table(["Rank", "Candidate", "Kind", "Risk score" if morile else "Grid (band)",
             "Rank range", "Incidents", "Change"], rows, numeric=(0, 3, 4, 5, 6))
    weights = d["parameters"]["scoring"]["weights"]
    w.para("Weights: " + ", ".join(f"{dim} {weights[dim]}" for dim in DIMENSIONS) + ".")
    w.heading("Sensitivity", 2)
    w.table(["Weight moved", "Change", "Candidates changing rank", "Top changed?"],
            [[mv["dimension"], f"{100 * mv['change']:+.0f}%", str(mv["candidates_moved"]),
              "yes" if mv["top_changed"] else "no"] for mv in d["sensitivity"]["moves"]],
            numeric=(1, 2))


def _emerging(w: _Writer, d: dict[str, Any], public: bool) -> None:
    w.heading("5. Future and emerging issues", 1)
    em = d["emerging"]
    w.heading("Significant rises", 2)
    if em["rising"]:
        w.table(["Candidate", "Assessment year", "Year before", "Change"],
                [[r["name"], _num(r["count"]), _num(r["previous"]), _pct(r["pct_change"])]
                 for r in em["rising"]], numeric=(1, 2, 3))
    else:
        w.para("No candidate rose significantly on the year before.")
    w.heading("New hotspots", 2)
    if em["new_hotspots"]:
        w.table(["Layer", "Gi* hot cells", "New this year", "Where the new cells are"],
                [[h["layer"], str(h["hot_cells"]), str(h["new_hot_cells"]),
                  ", ".join(h["areas"]) or "–"] for h in em["new_hotspots"]], numeric=(1, 2))
    else:
        w.para("No hotspot layer could be compared with the year before.")
    w.heading("Horizon scanning (PESTELO)", 2)
    if not em["horizon"]:
        w.para("No horizon-scanning items were entered by partners.")
    for heading in PESTELO:
        items = [h for h in em["horizon"] if h["heading"] == heading]
        if items:
            w.heading(PESTELO_LABELS[heading], 3)
            w.items([h["title"] + (f": {h['description']}" if h.get("description") else "")
                     for h in items])


def _recommendations_and_progress(w: _Writer, d: dict[str, Any], public: bool) -> None:
    w.heading("6. Recommendations", 1)
    if d["recommendations"]:
        w.items([r["text"] + (f" (lead: {r['owner']})" if r.get("owner") else "")
                 for r in d["recommendations"]], numbered=True)
    else:
        w.para("No recommendations were entered.")
    w.heading("7. Progress on last year's priorities", 1)
    progress = d["progress"]
    if progress.get("available"):
        w.table(["Last year's priority", "Then", "Now", "Change", "Rank then → now"],
                [[i["name"], _num(i.get("previous_count")), _num(i.get("count")),
                  _pct(i.get("pct_change")),
                  f"{i.get('previous_rank') or '–'} → {i.get('rank') or '–'}"]
                 for i in progress["items"]], numeric=(1, 2, 3))
    else:
        w.para("No previous assessment was available to compare with.")


def _casework(w: _Writer, d: dict[str, Any]) -> None:
    cw = d["casework"]
    w.heading("8. Case work in the year", 1)
    threshold = int(cw["suppress_below"])
    w.para(f"{cw['note']} Counts from 1 to {threshold - 1} are withheld and shown as “fewer "
           f"than {threshold}”.")
    w.table(["Counted in the assessment year", "Group", "Number"],
            [[r["label"], r["group"], _count(r["count"], threshold)] for r in cw["rows"]],
            numeric=(2,))


def _methods(w: _Writer, d: dict[str, Any], number: int, public: bool) -> None:
    w.heading(f"{number}. Data sources, methods and limitations", 1)
    w.table(["Source", "Incidents (all months)", "In the assessment year", "Months", "Role"],
            [[s["label"], _num(s["incidents"]), _num(s["in_year"]),
              f"{s['first_month']} to {s['last_month']}", s["role"]]
             for s in d["data_sources"]], numeric=(1, 2))
    if public:
        w.para(f"Small numbers: {d['public']['rule']}")
    w.heading("Methods", 2)
    for mth in d["methods"]:
        w.para(mth["name"], bold=True)
        w.para(f"{mth['description']} {mth.get('reference', '')}".strip())
    w.heading("Limitations", 2)
    w.items(list(d["limitations"]))
    if d.get("warnings"):
        w.heading("Warnings from this run", 2)
        w.items(list(d["warnings"]))


def render_docx(result: AssessmentResult | dict[str, Any], *, public: bool = False,
                produced: dt.date | None = None, template: str | Path | None = None) -> bytes:
    """The report as a Word document (bytes of a .docx file).

    ``result`` is an ``AssessmentResult`` or its stored ``to_dict()`` form; ``template`` a .docx
    to start from (default: ``report.docx_template`` of the run's configuration, else
    ``DEFAULT_TEMPLATE``); ``produced`` the date shown when the configuration names none.
    """
    d = view_of(result, public=public)
    ident = identity(d, public=public, produced=produced)
    chosen = template or (d["parameters"].get("report") or {}).get("docx_template") or ""
    if chosen and not Path(chosen).is_file():
        chosen = ""  # a run written again after its template has gone: the shipped one
    doc = _open_template(chosen or DEFAULT_TEMPLATE)
    props = doc.core_properties
    props.title = f"Strategic assessment {ident.period}"
    props.author = ident.author or ident.partnership
    props.subject = ident.partnership
    props.category = ident.marking or "Public version"
    props.version = ident.version
    props.content_status = ident.status
    props.keywords = "SYNTHETIC DATA" if d["synthetic"] else ""
    _page_marks(doc, ident, bool(d["synthetic"]), public)
    w = _Writer(doc)
    pics = images(d, public)
    by_id = {c["id"]: c for c in d["candidates"]}
    priorities = [by_id[k] for k in d["priorities"]]
    threshold = int(d.get("public", {}).get("suppress_below")
                    or d["parameters"]["public"]["suppress_below"])
    _cover(w, d, ident, public)
    _summary(w, d, priorities, public, pics)
    _current_picture(w, d, public, pics)
    w.heading("3. Priority areas and their evidence", 1)
    for number, c in enumerate(priorities, start=1):
        _priority(w, d, c, number, public, pics, threshold)
    _ranking(w, d, by_id)
    _emerging(w, d, public)
    _recommendations_and_progress(w, d, public)
    has_casework = bool(d.get("casework"))
    if has_casework:
        _casework(w, d)
    _methods(w, d, 9 if has_casework else 8, public)
    if d["synthetic"]:
        w.para("SYNTHETIC DATA: generated by saferplaces.demo; invented incidents.", bold=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

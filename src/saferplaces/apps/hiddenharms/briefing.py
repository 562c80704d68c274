"""The practitioner briefing: the quarter's picture of exploitation for signed-in partners, as one
self-contained HTML page and a PDF of it (WeasyPrint).

It holds counts only (no name, reference, address, postcode, phone number or line name), and is
a file that is passed on, so small counts are withheld as the strategic assessment's panel
report withholds case-work counts (``strategic.disclosure``, ``[public] suppress_below``):

- referrals by type and age band: safeguarding concerns of each exploitation type (a concern
  with two types counts in both) and NRM referrals, child and adult, each cell from 1 to
  ``suppress_below - 1`` withheld, and a row's total withheld with any of its cells (else the
  withheld cell is the total minus the other);
- cuckooing-risk addresses by neighbourhood (intelligence): each neighbourhood's count withheld
  when small; the total withheld whenever a neighbourhood's count is (else one withheld count is
  the total minus the others), and the possible/confirmed split withheld when either is small;
- nominals by role and age band, and victims of exploitation by age band (intelligence): as the
  referrals;
- deal lines active, opened and closed (``intelligence.figures``: one line however many agencies
  record its number): each withheld when small by the rule the trends apply to the same count
  (``figures.disclosed``), so a quarter's figure reads the same in both tables;
- trends: each harm's figures (``harms.toml``) for the last ``[briefing] quarters`` quarters,
  small counts withheld, and incident counts for a quarter after the incident store's latest
  month shown as "no data yet" (``figures.harm_figures``);
- what to look for and where to report (``harms.toml``, ``reporting.toml``).

Demo data is labelled synthetic on every page.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from saferplaces.apps.hiddenharms import config as harms_config
from saferplaces.apps.hiddenharms.figures import disclosed, harm_figures
from saferplaces.apps.hiddenharms.quarters import Quarter
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.apps.incidents.services import store_is_synthetic
from saferplaces.apps.intelligence.figures import AGE_BANDS, briefing_counts
from saferplaces.apps.intelligence.models import NominalRole
from saferplaces.apps.safeguarding.models import Concern
from saferplaces.apps.slavery import figures as slavery
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.strategic.disclosure import public_rows
from saferplaces.web.context import synthetic_agencies

__all__ = ["briefing_context", "file_stem", "render_html", "render_pdf", "write_briefing"]


def _withhold(row: dict[str, Any], keys: tuple[str, ...], threshold: int,
              derived: tuple[str, ...] = ()) -> dict[str, Any]:
    public_rows([row], keys, threshold, derived=derived)
    return row


def _referrals(quarter: Quarter, threshold: int) -> list[dict[str, Any]]:
    concerns = list(Concern.objects.filter(concern_on__range=(quarter.first_day, quarter.last_day))
                    .values_list("child", "exploitation_types"))
    rows = []
    for key, term in vocabulary("exploitation_types").terms.items():
        child = sum(1 for is_child, types in concerns if is_child and key in types)
        adult = sum(1 for is_child, types in concerns if not is_child and key in types)
        rows.append({"label": f"Safeguarding concerns: {term.label}", "child": child,
                     "adult": adult, "total": child + adult})
    nrm = slavery.figures(quarter.first_day, quarter.last_day)
    rows.append({"label": "National Referral Mechanism referrals", "child": nrm["nrm_children"],
                 "adult": nrm["nrm_adults"], "total": nrm["nrm_referrals"]})
    return [_withhold(row, ("child", "adult"), threshold, derived=("total",)) for row in rows]


def _cuckooing(counts: dict[str, Any], threshold: int) -> dict[str, Any]:
    places = [_withhold({"label": name, "count": n}, ("count",), threshold)
              for name, n in counts["cuckooing_by_neighbourhood"].items()]
    risk = dict(counts["cuckooing_addresses"])
    split = _withhold({"possible": risk["possible"], "confirmed": risk["confirmed"]},
                      ("possible", "confirmed"), threshold)
    if split.get("suppressed"):
        split["possible"] = split["confirmed"] = None
    total: int | None = risk["total"]
    if any(p.get("suppressed") for p in places) or (total is not None and 0 < total < threshold):
        total = None
    return {"neighbourhoods": places, "possible": split["possible"],
            "confirmed": split["confirmed"], "total": total}


def _nominals(counts: dict[str, Any], threshold: int) -> dict[str, Any]:
    labels = dict(NominalRole.choices)
    rows = [_withhold({"label": labels.get(role, "Role not recorded"), **bands,
                       "total": sum(bands.values())}, AGE_BANDS, threshold, derived=("total",))
            for role, bands in counts["nominals_by_role"].items()]
    victims = counts["victims_of_exploitation"]
    victim_row = _withhold({"label": "Victims of exploitation", **victims,
                            "total": sum(victims.values())}, AGE_BANDS, threshold,
                           derived=("total",))
    return {"roles": rows, "victims": victim_row}


def briefing_context(quarter: Quarter, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Everything the briefing shows for ``quarter`` (rules in the module docstring)."""
    threshold = suppress_below()
    config = harms_config.load()
    counts = briefing_counts(quarter.first_day, quarter.last_day)
    quarters = quarter.back(config.briefing.quarters)
    return {
        "quarter": quarter,
        "generated": today or timezone.localdate(),
        "synthetic": store_is_synthetic() or synthetic_agencies(),
        "threshold": threshold,
        "referrals": _referrals(quarter, threshold),
        "cuckooing": _cuckooing(counts, threshold),
        "lines": {key: disclosed(counts[f"lines_{key}"], threshold)
                  for key in ("active", "opened", "closed")},
        "nominals": _nominals(counts, threshold),
        "trend_quarters": quarters,
        "trends": harm_figures(config, quarters, threshold, public=False),
        "harms": [(harm, config.services_for(harm)) for harm in config.harms],
    }


def render_html(quarter: Quarter, *, today: datetime.date | None = None) -> str:
    """The briefing as one self-contained HTML page (its styles inline, nothing fetched)."""
    return render_to_string("hiddenharms/briefing.html", briefing_context(quarter, today=today))


def render_pdf(html: str) -> bytes:
    """The briefing's HTML as a PDF (WeasyPrint; needs Pango, as the strategic reports do)."""
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def file_stem(quarter: Quarter) -> str:
    """``hidden-harms-briefing-2026-Q1``: files are named by the quarter only."""
    return f"hidden-harms-briefing-{quarter.key}"


def write_briefing(quarter: Quarter, out_dir: str | Path) -> list[Path]:
    """Write ``<stem>.html`` and ``<stem>.pdf`` into ``out_dir`` (made if missing)."""
    html = render_html(quarter)  # before the folder is made: a failure leaves nothing behind
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    page, pdf = out / f"{file_stem(quarter)}.html", out / f"{file_stem(quarter)}.pdf"
    page.write_text(html, encoding="utf-8")
    pdf.write_bytes(render_pdf(html))
    return [page, pdf]

"""Report files on disk: the panel or public version of an assessment in each format asked
for (HTML, PDF, JSON from ``report``; Word from ``docx_report``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from saferplaces.strategic.docx_report import render_docx
from saferplaces.strategic.report import render_html, render_pdf, report_data
from saferplaces.strategic.results import AssessmentResult

__all__ = ["write_reports"]


def write_reports(result: AssessmentResult, out_dir: str | Path,
                  formats: Sequence[str] = ("html", "pdf", "json"), public: bool = False
                  ) -> list[Path]:
    """Write the report in each format to ``out_dir``; return the paths written.

    Files are named ``strategic-assessment-<first>-<last>[-public].<ext>``.
    """
    unknown = set(formats) - {"html", "pdf", "json", "docx"}
    if unknown:
        raise ValueError(f"unknown report formats {sorted(unknown)}; use html, pdf, json, docx")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = (f"strategic-assessment-{result.period.first_month}-{result.period.last_month}"
            + ("-public" if public else ""))
    written: list[Path] = []
    html = None
    if "html" in formats or "pdf" in formats:
        html = render_html(result, public=public)
    if "html" in formats:
        path = out / f"{stem}.html"
        path.write_text(html or "", encoding="utf-8")
        written.append(path)
    if "pdf" in formats:
        path = out / f"{stem}.pdf"
        path.write_bytes(render_pdf(html or ""))
        written.append(path)
    if "json" in formats:
        path = out / f"{stem}.json"
        path.write_text(json.dumps(report_data(result, public=public), indent=1, ensure_ascii=False),
                        encoding="utf-8")
        written.append(path)
    if "docx" in formats:
        path = out / f"{stem}.docx"
        path.write_bytes(render_docx(result, public=public))
        written.append(path)
    return written

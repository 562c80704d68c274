"""The panel report as a partnership presents it: who it is from and its protective marking on
every page (Government Security Classifications: OFFICIAL or OFFICIAL-SENSITIVE, never the
"RESTRICTED" retired in 2014), plain English before the statistics, and an editable Word version
with the same sections, the same withheld small counts and the synthetic-data label."""

from __future__ import annotations

import copy
import dataclasses
import io
import re
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from saferplaces.strategic import AssessmentResult, ConfigError, render_html, run_assessment
from saferplaces.strategic.config import config_from_dict
from saferplaces.strategic.docx_report import render_docx
from saferplaces.strategic.identity import identity
from saferplaces.strategic.inputs import Casework, CaseworkRow
from saferplaces.strategic.report import render_pdf
from tests.strategic.smalltown import build

ROWS = (CaseworkRow("ASB Case Review", "Applications", 3),
        CaseworkRow("ASB Case Review", "Repeat ASB cases opened", 14))


def identity_config(logo: Path, **more: str) -> dict:
    return {"report": {"partnership": "Northtown Community Safety Partnership",
                       "logo": str(logo), "author": "Sam Analyst, Northtown Council",
                       "date": "2026-02-03", "version": "2.1", "status": "final",
                       "marking": "OFFICIAL-SENSITIVE", **more}}


@pytest.fixture(scope="module")
def logo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image

    path = tmp_path_factory.mktemp("logo") / "northtown.png"
    Image.new("RGB", (120, 40), (29, 112, 184)).save(path, format="PNG")
    return path


@pytest.fixture(scope="module")
def result(logo: Path) -> AssessmentResult:
    inputs = dataclasses.replace(build(), synthetic=True, casework=Casework(ROWS))
    return run_assessment(inputs, config_from_dict(identity_config(logo)))


@pytest.fixture(scope="module")
def panel_pdf(result: AssessmentResult) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(render_html(result))))


@pytest.fixture(scope="module")
def panel_docx(result: AssessmentResult) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(result)))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_page_of_the_panel_pdf_carries_the_marking_the_partnership_and_the_version(
        panel_pdf: PdfReader) -> None:
    assert len(panel_pdf.pages) > 3
    for number, page in enumerate(panel_pdf.pages, start=1):
        text = flat(page.extract_text())
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}: marking at top and foot"
        assert "Northtown Community Safety Partnership: strategic assessment 2025-01 to 2025-12" \
            in text, f"page {number}"
        assert "Version 2.1 (final), 2026-02-03" in text, f"page {number}"
        assert "SYNTHETIC DATA" in text, f"page {number}"
        assert "Restricted" not in text


def test_the_cover_names_author_date_status_and_period_and_embeds_the_logo(
        result: AssessmentResult) -> None:
    html = render_html(result)
    table = re.search(r'<table class="identity">(.*?)</table>', html, re.S)
    assert table
    rows = dict(re.findall(r"<th scope=\"row\">(.*?)</th><td>(.*?)</td>", table.group(1)))
    assert rows == {"Partnership": "Northtown Community Safety Partnership",
                    "Period": "2025-01 to 2025-12", "Author": "Sam Analyst, Northtown Council",
                    "Date produced": "2026-02-03", "Version": "2.1", "Status": "Final",
                    "Protective marking": "OFFICIAL-SENSITIVE"}
    assert 'class="logo" src="data:image/png;base64,' in html
    assert "http://" not in html.split("<body>")[0] and "https://" not in html


def test_the_public_version_is_unmarked_and_says_it_is_the_public_version(
        result: AssessmentResult) -> None:
    html = render_html(result, public=True)
    assert "OFFICIAL" not in html
    assert '<p class="marking">Public version</p>' in html
    assert "Northtown Community Safety Partnership" in html


@pytest.mark.parametrize("marking", ["RESTRICTED", "Restricted", "PROTECT"])
def test_markings_retired_in_2014_are_refused_with_the_reason(marking: str) -> None:
    with pytest.raises(ConfigError) as refused:
        config_from_dict({"report": {"marking": marking}})
    assert str(refused.value) == (
        f"assessment config: report.marking: {marking!r} is not a marking in use: the "
        "Government Security Classifications retired it in April 2014; use 'OFFICIAL' or "
        "'OFFICIAL-SENSITIVE'")


@pytest.mark.parametrize(("settings", "message"), [
    ({"marking": "SECRET"}, "report.marking: must be 'OFFICIAL' or 'OFFICIAL-SENSITIVE'"),
    ({"status": "published"}, "report.status: must be one of 'draft', 'final'"),
    ({"date": "3 Feb 2026"}, 'report.date: must be a date as "YYYY-MM-DD"'),
    ({"logo": "no-such-logo.png"}, "report.logo: names no file that exists"),
    ({"partnership": ""}, "report.partnership: must be a non-empty string"),
])
def test_identity_settings_are_checked_when_the_configuration_is_read(settings: dict,
                                                                       message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        config_from_dict({"report": settings})


def test_a_logo_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("<html>not an image</html>")
    with pytest.raises(ConfigError, match="report.logo: is not a PNG or JPEG image file"):
        config_from_dict({"report": {"logo": str(fake)}})


def test_a_run_stored_before_the_identity_settings_gets_the_defaults_and_the_day_produced(
        result: AssessmentResult) -> None:
    import datetime as dt

    old = copy.deepcopy(result.to_dict())
    del old["parameters"]["report"]
    ident = identity(old, public=False, produced=dt.date(2025, 3, 1))
    assert (ident.partnership, ident.marking, ident.date, ident.status) == (
        "Community Safety Partnership", "OFFICIAL-SENSITIVE", "2025-03-01", "draft")
    assert "Community Safety Partnership: strategic assessment" in render_html(old)


def test_the_executive_summary_leads_each_priority_with_its_plain_english_finding(
        result: AssessmentResult) -> None:
    summary = re.search(r'<section id="summary">(.*?)</section>', render_html(result), re.S)
    assert summary
    items = re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)
    assert len(items) == len(result.priorities)
    for item, c in zip(items, result.priority_results(), strict=True):
        plain = item.index(flat(c.finding_plain).split(" — ")[0].replace("'", "&#39;")[:40])
        detail = item.index("Statistical detail:")
        assert plain < detail
        assert "p=" not in item[:detail] and "p&lt;" not in item[:detail]


def test_the_word_version_opens_with_the_panel_reports_sections_and_charts(
        panel_docx: docx.document.Document, result: AssessmentResult) -> None:
    headings = [p.text for p in panel_docx.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == ["1. Executive summary", "2. Current picture",
                        "3. Priority areas and their evidence",
                        "4. All candidates, scoring and sensitivity",
                        "5. Future and emerging issues", "6. Recommendations",
                        "7. Progress on last year's priorities", "8. Case work in the year",
                        "9. Data sources, methods and limitations"]
    priorities = [p.text for p in panel_docx.paragraphs if p.style.name == "Heading 2"
                  and p.text.startswith("3.")]
    assert priorities == [f"3.{i} {c.name}" for i, c in enumerate(result.priority_results(), 1)]
    assert len(panel_docx.inline_shapes) >= 1 + 2 + len(result.priorities)  # logo, charts
    ranking = next(t for t in panel_docx.tables if t.rows[0].cells[0].text == "Rank")
    assert len(ranking.rows) == 1 + len(result.candidates)
    assert panel_docx.core_properties.title == "Strategic assessment 2025-01 to 2025-12"
    assert panel_docx.core_properties.author == "Sam Analyst, Northtown Council"


def test_the_word_version_withholds_small_counts_as_the_pdf_does(
        panel_docx: docx.document.Document) -> None:
    casework = next(t for t in panel_docx.tables
                    if t.rows[0].cells[0].text == "Counted in the assessment year")
    numbers = {r.cells[0].text: r.cells[2].text for r in casework.rows[1:]}
    assert numbers == {"Applications": "fewer than 10", "Repeat ASB cases opened": "14"}


def test_the_word_version_carries_marking_and_synthetic_label_on_every_page(
        panel_docx: docx.document.Document) -> None:
    for section in panel_docx.sections:
        header = [p.text for p in section.header.paragraphs if p.text]
        footer = [p.text for p in section.footer.paragraphs if p.text]
        assert header[0] == "OFFICIAL-SENSITIVE" and footer[-1] == "OFFICIAL-SENSITIVE"
        assert "SYNTHETIC DATA" in header
        assert any(t.startswith("SYNTHETIC DATA") for t in footer)
    body = [p.text for p in panel_docx.paragraphs]
    assert body[0] == "OFFICIAL-SENSITIVE"
    assert any(t.startswith("SYNTHETIC DATA: this report is built") for t in body)


def test_the_word_version_starts_from_the_partnerships_own_template(
        result: AssessmentResult, tmp_path: Path) -> None:
    own = docx.Document()
    own.sections[0].header.paragraphs[0].text = "Northtown Borough Council — Panel papers"
    own.add_paragraph("Template instructions to be replaced")
    path = tmp_path / "council.docx"
    own.save(str(path))
    made = docx.Document(io.BytesIO(render_docx(result.to_dict(), public=True,
                                                template=path)))
    header = [p.text for p in made.sections[0].header.paragraphs if p.text]
    assert header[-1] == "Northtown Borough Council — Panel papers"
    assert "OFFICIAL-SENSITIVE" not in header and "OFFICIAL" not in " ".join(header)
    text = [p.text for p in made.paragraphs]
    assert "Template instructions to be replaced" not in text
    assert text[0] == "Public version"
    assert "Statistical detail" not in " ".join(text)

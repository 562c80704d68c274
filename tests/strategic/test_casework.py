"""Case-work figures in the strategic assessment: aggregate counts from the partnership's case
records pass through the engine to the result and the reports, small counts are withheld in the
panel and the public versions alike, figures named by ``[[casework_feeds]]`` raise (never lower)
the repeat and vulnerability scores of their themes, and without them the section is absent."""

from __future__ import annotations

import dataclasses
import html as markup
import json
import re

import pytest

from saferplaces.strategic import AssessmentResult, load_config, render_html, run_assessment
from saferplaces.strategic.disclosure import panel_view
from saferplaces.strategic.inputs import Casework, CaseworkRow
from saferplaces.strategic.report import report_data
from tests.strategic.smalltown import build

ROWS = (
    CaseworkRow("Repeat anti-social behaviour", "Repeat ASB cases opened", 14),
    CaseworkRow("ASB Case Review", "Applications", 3),
    CaseworkRow("ASB Case Review", "Reviews carried out", 0),
    CaseworkRow("Hate crime and hate incidents", "Race", 27),
)


@pytest.fixture(scope="module")
def without() -> AssessmentResult:
    return run_assessment(build(), load_config())


@pytest.fixture(scope="module")
def with_casework() -> AssessmentResult:
    return run_assessment(dataclasses.replace(build(), casework=Casework(ROWS)), load_config())


def _section(html: str) -> str:
    found = re.search(r'<section id="casework">(.*?)</section>', html, re.S)
    assert found, "the case-work section is missing"
    return found.group(1)


def _row(section: str, label: str) -> str:
    found = re.search(rf"<td>{re.escape(label)}</td>\s*<td[^>]*>(.*?)</td>", section, re.S)
    assert found, label
    return found.group(1).strip()


def test_casework_rows_pass_through_to_the_result_in_order(with_casework: AssessmentResult
                                                           ) -> None:
    data = with_casework.to_dict()
    assert [(r["group"], r["label"], r["count"]) for r in data["casework"]["rows"]] == [
        (r.group, r.label, r.count) for r in ROWS]
    assert "none lowers a score" in data["casework"]["note"]
    assert json.loads(json.dumps(data))["casework"] == data["casework"]


def test_casework_rows_without_keys_change_no_score_and_the_unused_feeds_are_warned(
        with_casework: AssessmentResult, without: AssessmentResult) -> None:
    assert [(c.id, c.risk_score, c.rank) for c in with_casework.candidates] == [
        (c.id, c.risk_score, c.rank) for c in without.candidates]
    assert with_casework.priorities == without.priorities
    assert any("no case-work figure 'repeat_asb_cases'" in w for w in with_casework.warnings)
    assert not any("case-work feed" in w for w in without.warnings)


def test_small_casework_counts_are_withheld_in_the_panel_report(with_casework: AssessmentResult
                                                                ) -> None:
    threshold = int(load_config().section("public")["suppress_below"])
    assert 0 < 3 < threshold <= 14, "the check below must be able to fail"
    section = _section(render_html(with_casework))
    assert "Case work in the year" in section
    assert "partnership's case records" in markup.unescape(section)
    assert _row(section, "Repeat ASB cases opened") == "14"
    assert _row(section, "Applications") == f"fewer than {threshold}"
    assert _row(section, "Reviews carried out") == "0"
    assert _row(section, "Race") == "27"
    rows = report_data(with_casework, public=False)["casework"]["rows"]
    assert [r["count"] for r in rows] == [14, None, 0, 27]
    assert rows[1]["suppressed"] is True


def test_small_casework_counts_are_withheld_in_the_public_report(with_casework: AssessmentResult
                                                                 ) -> None:
    threshold = int(load_config().section("public")["suppress_below"])
    section = _section(render_html(with_casework, public=True))
    assert _row(section, "Applications") == f"fewer than {threshold}"
    assert _row(section, "Repeat ASB cases opened") == "14"
    public = with_casework.to_dict(public=True)
    assert [r["count"] for r in public["casework"]["rows"]] == [14, None, 0, 27]
    assert f"Case-work counts from 1 to {threshold - 1} are withheld" in public["public"]["rule"]


def test_a_stored_panel_report_renders_again_without_the_small_counts(
        with_casework: AssessmentResult) -> None:
    stored = json.loads(json.dumps(with_casework.to_dict()))
    section = _section(render_html(stored))
    assert "fewer than" in _row(section, "Applications")
    twice = panel_view(panel_view(stored))
    assert [r["count"] for r in twice["casework"]["rows"]] == [14, None, 0, 27]


def test_without_casework_the_section_is_absent(without: AssessmentResult) -> None:
    assert "casework" not in without.to_dict()
    assert "casework" not in without.to_dict(public=True)
    for public in (False, True):
        html = render_html(without, public=public)
        assert 'id="casework"' not in html
        assert "8. Data sources, methods and limitations" in html


def test_with_casework_the_methods_section_moves_down_one(with_casework: AssessmentResult
                                                         ) -> None:
    html = render_html(with_casework)
    assert "8. Case work in the year" in html
    assert "9. Data sources, methods and limitations" in html


@pytest.mark.parametrize("count", [-1, 2.5, True, "3"])
def test_a_casework_count_must_be_a_whole_number_zero_or_more(count: object) -> None:
    with pytest.raises(ValueError, match="whole number"):
        CaseworkRow("ASB Case Review", "Applications", count)  # type: ignore[arg-type]


def test_a_casework_row_needs_its_heading_and_label() -> None:
    with pytest.raises(ValueError, match="group heading and its label"):
        CaseworkRow(" ", "Applications", 1)


def test_casework_rows_may_arrive_as_dicts() -> None:
    casework = Casework.coerce({"rows": [{"group": "Modern slavery", "label": "NRM referrals",
                                          "count": 2}]})
    assert casework is not None
    assert casework.rows == (CaseworkRow("Modern slavery", "NRM referrals", 2),)

"""The HTML report's accessibility faults found by the audit (issue 15), each fixed: the ranking
table gives every score its own column under a header naming its dimension (WCAG 1.3.1), and the
synthetic-data banner scrolls with the page rather than staying fixed over the content, where it
hid the keyboard focus (2.4.11). axe-core checks the rendered report in the browser too
(``tests/web/test_accessibility.py``)."""

from __future__ import annotations

import re
from pathlib import Path

from saferplaces.strategic.config import DIMENSIONS


def _ranking(html: str) -> str:
    found = re.search(r'<section id="ranking">(.*?)</table>', html, re.S)
    assert found, "the ranking table is missing"
    return found.group(1)


def test_each_score_of_the_ranking_table_has_its_own_column_and_header(reports: dict[str, Path]):
    section = _ranking(reports["html"].read_text(encoding="utf-8"))
    headers = re.findall(r'<th class="n scores" scope="col">([^<]+)</th>', section)
    assert headers == [dimension.capitalize() for dimension in DIMENSIONS]
    assert 'colspan="8" scope="colgroup">Scores (1 to 5)</th>' in section
    body = section.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert rows and all(row.count("<td") == 7 + len(DIMENSIONS) for row in rows)
    scores = [re.findall(r'<td class="n scores">([^<]*)</td>', row) for row in rows]
    assert all(len(row) == len(DIMENSIONS) for row in scores)
    assert all(re.fullmatch(r"\d+(\.\d+)?\*?", cell) for row in scores for cell in row)


def test_the_synthetic_data_banner_is_not_fixed_over_the_page(reports: dict[str, Path]):
    html = reports["html"].read_text(encoding="utf-8")
    assert 'class="synthetic-banner"' in html  # the demo town is synthetic
    style = re.search(r"\.synthetic-banner \{([^}]*)\}", html)
    assert style and "fixed" not in style.group(1) and "sticky" not in style.group(1)

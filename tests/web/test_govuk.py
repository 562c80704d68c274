"""The month boxes of the GOV.UK date input are filled only from a real ``YYYY-MM`` month."""

from __future__ import annotations

import pytest

from saferplaces.web.govuk import initial_month


def test_a_month_fills_the_month_and_year_boxes():
    assert initial_month("2025-01") == ["1", "2025"]
    assert initial_month("2024-12") == ["12", "2024"]


@pytest.mark.parametrize("value", ["2024-13", "2024-00", "2024-6", "June 2024", ""])
def test_anything_but_a_month_leaves_both_boxes_empty(value):
    assert initial_month(value) == [None, None]

"""Cells that a spreadsheet would run as formulas are neutralised; numbers stay numbers."""

from datetime import UTC, date, datetime

import pytest

from scorecards.web.csv_export import safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\r=x"])
def test_formula_text_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


def test_plain_text_numbers_dates_and_none_are_kept():
    assert safe_cell("billing") == "billing"
    assert safe_cell(-4.2) == -4.2
    assert safe_cell(None) == ""
    assert safe_cell(date(2026, 1, 2)) == "2026-01-02"
    assert safe_cell(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2026-01-02T03:04:00+00:00"

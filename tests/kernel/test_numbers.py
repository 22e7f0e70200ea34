"""Number rules shared by pages, Excel and reports (issue #11 item 7), on hand-worked values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanzhi.kernel import (
    fixed,
    format_number,
    percent,
    percentage_points,
    quantity,
    round_significant,
    significant,
)


@pytest.mark.parametrize(("value", "exp"), [
    (20.243261450978324, "20.24"),   # the raw float the 2025 evaluation PDF printed
    (0.34217, "0.342"), (0.41, "0.41"), (123.456, "123.5"), (1234.5678, "1,235"),
    (100.0, "100"), (-0.0004, "0"), (None, "—"), (math.nan, "—"), (math.inf, "—"),
])
def test_significant_keeps_about_three_digits(value, exp) -> None:
    assert significant(value) == exp


@pytest.mark.parametrize(("value", "unit", "exp"), [
    # 13 亿元 entered, 130 000 万元 stored: both read 13 亿元, never "13.00 万 万元".
    (130000, "万元", "13 亿元"), (13, "亿元", "13 亿元"),
    (56789, "吨", "5.68 万吨"), (846.6, "万吨", "846.6 万吨"), (5e12, "元", "5 万亿元"),
    (123456, "t CO₂e", "12.35 万t CO₂e"), (9999, "吨", "9,999 吨"),
    # intensities and shares are never scaled
    (123456, "吨/万元", "123,456 吨/万元"), (45678, "%", "45,678 %"),
    (None, "万元", "—"),
])
def test_quantity_joins_the_multiplier_to_the_unit(value, unit, exp) -> None:
    assert quantity(value, unit) == exp


def test_english_quantities_keep_the_unit_as_given() -> None:
    assert quantity(130000, "万元", "en") == "130,000 万元"


def test_percentages_and_percentage_points() -> None:
    assert percent(0.4523) == "45.2%" and percent(None) == "—"
    assert percentage_points(2) == "2.0 个百分点"
    assert percentage_points(-0.25, "en", digits=2) == "-0.25 pp"


def test_fixed_never_prints_minus_zero() -> None:
    assert fixed(-0.0001) == "0.00" and fixed(1234.567, 1) == "1,234.6"


def test_bare_numbers_keep_their_chinese_scale() -> None:
    assert format_number(123456789, "zh_CN") == "1.23 亿"
    assert format_number(99_999_999, "zh_CN") == "1.00 亿"


def test_round_significant_for_excel_cells() -> None:
    assert round_significant(20.243261450978324, 4) == 20.24
    assert round_significant(0.000123456, 3) == 0.000123
    assert round_significant(987654321.0, 3) == 988000000.0
    assert round_significant(0.0) == 0.0


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_quantity_never_doubles_a_multiplier(value: float) -> None:
    for unit in ("万元", "亿元", "吨", "万吨标准煤"):
        text = quantity(value, unit)
        assert "万 万" not in text and "亿 万" not in text and "万万" not in text
        assert text.count("万") + text.count("亿") <= 2  # 万亿 at most


@given(st.floats(min_value=1e-6, max_value=1e15))
def test_quantity_reads_back_to_the_value(value: float) -> None:
    """The printed figure times its multiplier is the value to the shown precision."""
    text = quantity(value, "吨")
    number, unit = text.split(" ")
    scale = {"万亿吨": 1e12, "亿吨": 1e8, "万吨": 1e4, "吨": 1.0}[unit]
    shown = float(number.replace(",", ""))
    assert math.isclose(shown * scale, value, rel_tol=6e-3, abs_tol=6e-4)

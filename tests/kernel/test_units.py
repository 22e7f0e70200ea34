"""Units: Chinese statistical units, standard coal, refusal of wrong dimensions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanzhi.kernel.errors import Location, UnitError
from tanzhi.kernel.units import COAL_CONTEXT, conversion_factor, convert, parse_unit


def test_wan_tce_is_293076_gigajoules() -> None:
    # GB/T 2589-2020 §3: 1 kgce = 29307.6 kJ, so 1 万吨标准煤 = 1e7 kgce = 293,076 GJ.
    assert conversion_factor("万吨标准煤", "GJ", context=COAL_CONTEXT) == pytest.approx(293076)


@pytest.mark.parametrize(
    ("value", "src", "dst", "exp"),
    [
        (1, "万吨", "t", 1e4),
        (1, "亿立方米", "万立方米", 1e4),
        (1, "万千瓦时", "kWh", 1e4),
        (1, "亿元", "万元", 1e4),
        (15, "亩", "公顷", 1),
        (1, "万吨 CO2", "t CO2", 1e4),
        (1, "吨标准煤", "kgce", 1000),
        (1, "万吉焦", "GJ", 1e4),
        (5, "百分点", "percent", 5),
    ],
)
def test_chinese_statistical_units(value: float, src: str, dst: str, exp: float) -> None:
    assert convert(value, src, dst) == pytest.approx(exp)


def test_kwh_where_tce_expected_is_an_error_naming_the_place() -> None:
    loc = Location("energy.csv", 4, "unit")
    with pytest.raises(UnitError) as info:
        convert(10, "kWh", "tce", location=loc)
    msg = str(info.value)
    assert "energy.csv" in msg and "第 4 行" in msg and "row 4" in msg and "column 'unit'" in msg


@pytest.mark.parametrize("unit", ["ton", "short_ton", "ton CO2"])
def test_pint_short_ton_is_refused(unit: str) -> None:
    with pytest.raises(UnitError, match="ambiguous"):
        parse_unit(unit)


def test_unknown_unit_is_an_error() -> None:
    with pytest.raises(UnitError, match="unknown unit 'bananas'"):
        parse_unit("bananas")


@given(st.floats(min_value=1e-6, max_value=1e9, allow_nan=False))
def test_round_trip_is_identity(x: float) -> None:
    assert convert(convert(x, "万吨标准煤", "kgce"), "kgce", "万吨标准煤") == pytest.approx(x)

"""Units: Chinese statistical units, standard coal, refusal of wrong dimensions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanzhi.kernel.errors import Location, UnitError
from tanzhi.kernel.units import (
    COAL_CONTEXT,
    conversion_factor,
    convert,
    implausible,
    parse_unit,
    registry,
)


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


# --- what the registry accepts (issue #9, item 3) -------------------------------------------

ACCEPTED = [
    # spelling, dimensionality as pint prints it
    ("万吨", "[mass]"), ("吨", "[mass]"), ("千克", "[mass]"), ("t", "[mass]"),
    ("万吨标准煤", "[coal_equivalent]"), ("tce", "[coal_equivalent]"),
    ("亿立方米", "[length] ** 3"), ("万立方米", "[length] ** 3"), ("升", "[length] ** 3"),
    ("亿千瓦时", "[length] ** 2 * [mass] / [time] ** 2"),
    ("万吉焦", "[length] ** 2 * [mass] / [time] ** 2"),
    ("万公顷", "[length] ** 2"), ("亩", "[length] ** 2"),
    ("万元", "[currency]"), ("万人", "[population]"), ("万头", "[livestock]"),
    ("万辆", "[vehicle]"), ("万千瓦", "[length] ** 2 * [mass] / [time] ** 3"),
    ("年", "[time]"), ("月", "[time]"), ("日", "[time]"), ("天", "[time]"), ("小时", "[time]"),
    ("千克/头/年", "[mass] / [livestock] / [time]"),
    ("kg/head/a", "[mass] / [livestock] / [time]"),
    ("升/人/日", "[length] ** 3 / [population] / [time]"),
    ("吨/万元", "[mass] / [currency]"),
    ("吨CO2/万立方米", "[carbon] * [mass] / [length] ** 3"),
    ("万吨CO2", "[carbon] * [mass]"), ("t CO2", "[carbon] * [mass]"),
    ("tCO2/tce", "[carbon] * [mass] / [coal_equivalent]"),
    ("kg/TJ", "[time] ** 2 / [length] ** 2"),
    ("kg/m^3", "[mass] / [length] ** 3"), ("kg/m³", "[mass] / [length] ** 3"),
    ("%", "dimensionless"), ("百分点", "dimensionless"),
]


@pytest.mark.parametrize(("spelling", "dimension"), ACCEPTED)
def test_registry_accepts(spelling: str, dimension: str) -> None:
    expected = {} if dimension == "dimensionless" else registry().get_dimensionality(dimension)
    assert dict(parse_unit(spelling).dimensionality) == dict(expected)


def test_per_year_factor_converts() -> None:
    # 千克/头/年 was "'年' is not defined" (issue #9): 365.25 kg/head/yr is 1 kg/head/day.
    assert convert(365.25, "千克/头/年", "千克/头/日") == pytest.approx(1.0)
    assert convert(1, "吨CO2/万立方米", "kg CO2/m**3") == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("spelling", "en"),
    [
        ("(", "unknown unit '('"),  # was a tokenizer error: a 500 (issue #8, finding 9)
        ("1/0", "unknown unit '1/0'"),  # was ZeroDivisionError
        ("", "missing unit"),
        ("   ", "missing unit"),
        ("t\x00", "malformed unit"),
        ("万吨\x00", "malformed unit"),
        ("2+2", "malformed unit"),
        ("[mass]", "malformed unit"),
        ("=1+1", "malformed unit"),
        ("t**99999", "implausible power"),
        ("x" * 65, "malformed unit"),
        ("__class__", "unknown unit"),
        ("ton", "ambiguous"),
    ],
)
def test_malformed_unit_is_a_located_bilingual_error(spelling: str, en: str) -> None:
    with pytest.raises(UnitError) as info:
        parse_unit(spelling, location=Location("a.csv", 3, "单位"))
    problem = info.value.problems[0]
    assert en in problem.message_en and problem.message_zh
    assert problem.location == Location("a.csv", 3, "单位")


@given(st.text(max_size=20))
def test_any_text_parses_or_is_a_unit_error(text: str) -> None:
    try:
        parse_unit(text)
    except UnitError as exc:
        assert exc.problems[0].message_en


@pytest.mark.parametrize(
    ("value", "unit", "refused"),
    [
        (120.5, "万吨", False), (2e8, "万吨", True), (1e308, "万吨", True),
        (float("inf"), "t", True), (float("nan"), "t", True),
        (9e14, "MJ", False), (1e9, "亿千瓦时", True),
        (5e4, "亿立方米", False), (5e6, "亿立方米", True),
        (2e10, "万吨标准煤", True), (8e3, "万人", False),
        (56_100, "kg/TJ", False), (2e15, "kg/TJ", True), (2e15, None, True), (5e14, None, False),
    ],
)
def test_implausible_magnitudes_per_dimension(value: float, unit: str | None,
                                              refused: bool) -> None:
    assert (implausible(value, unit) is not None) is refused

"""The long-format frame and its checks."""

from __future__ import annotations

import math

import pandas as pd

from tanzhi.kernel.frames import LONG_COLUMNS, check_long_frame


def frame(**changes: list[object]) -> pd.DataFrame:
    base = {
        "region_code": ["330100", "330102"],
        "year": [2020, 2020],
        "variable": ["energy", "energy"],
        "unit": ["万吨标准煤", "tce"],
        "value": [1.5, 2.0],
    }
    return pd.DataFrame(base | changes)


def test_a_valid_frame_has_no_problems() -> None:
    assert LONG_COLUMNS == ("region_code", "year", "variable", "unit", "value")
    assert check_long_frame(frame()) == []
    assert check_long_frame(frame(scenario=["base", "base"], gas=["CO2", "CO2"])) == []


def test_missing_columns() -> None:
    [problem] = check_long_frame(frame().drop(columns=["unit", "year"]))
    assert problem.message_en == "missing columns: year, unit"


def test_each_bad_column_is_named_with_its_rows() -> None:
    bad = frame(region_code=[330100, "330102"], value=[math.nan, 2.0], unit=["tce", "ton"])
    found = {p.location.column: p for p in check_long_frame(bad)}
    assert set(found) == {"region_code", "value", "unit"}
    assert found["region_code"].message_en.endswith("(rows 0)")
    assert found["value"].message_en == "value is missing or not finite (rows 0)"
    assert "ambiguous unit 'ton'" in found["unit"].message_en
    assert "(rows 1)" in found["unit"].message_en


def test_types_of_year_and_value() -> None:
    found = {p.location.column: p.message_en for p in check_long_frame(
        frame(year=[2020.0, 2021.0], value=["1", "2"])
    )}
    assert found == {
        "year": "year must have an integer dtype, got float64",
        "value": "value must have a numeric dtype, got str",
    }


def test_duplicated_keys() -> None:
    dup = frame(region_code=["330100", "330100"], unit=["tce", "tce"])
    [problem] = check_long_frame(dup)
    assert problem.location.column == "region_code, year, variable, unit"
    assert problem.message_en.endswith("(rows 0, 1)")

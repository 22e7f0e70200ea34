"""Bad input gets located Chinese and English errors (all at once, nothing computed), and
properties that must hold whatever the numbers (Hypothesis)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanzhi.enterprise.account import GridFactors, account_report
from tanzhi.kernel import DataError, default_library


def problems_of(rows: list[dict], **kwargs) -> list:
    with pytest.raises(DataError) as caught:
        account_report(pd.DataFrame(rows), gwp="AR5", year=2022, **kwargs)
    return caught.value.problems


def where(problem) -> tuple:
    return (problem.location.row, problem.location.column)


def test_unknown_fuel_wrong_dimension_and_negative_quantity_are_all_reported() -> None:
    rows = [
        {"source_kind": "combustion", "item": "火星煤", "quantity": 10, "unit": "t"},
        {"source_kind": "combustion", "item": "原煤", "quantity": 10, "unit": "m**2"},
        {"source_kind": "combustion", "item": "原煤", "quantity": -5, "unit": "t"},
        {"source_kind": "combustion", "item": "原煤", "quantity": 5, "unit": "t"},
    ]
    found = problems_of(rows, file="2024-03.xlsx")
    assert sorted(where(p) for p in found) == [(2, "item"), (3, "unit"), (4, "quantity")]
    by_row = {p.location.row: p for p in found}
    assert "未知项目“火星煤”" in by_row[2].message_zh
    assert "unknown item '火星煤'" in by_row[2].message_en
    assert "不是质量、体积或能量单位" in by_row[3].message_zh
    assert "not a mass, volume or energy unit" in by_row[3].message_en
    assert "数量不能为负" in by_row[4].message_zh and "negative" in by_row[4].message_en
    assert all(p.location.file == "2024-03.xlsx" for p in found)


def test_wrong_dimension_elsewhere() -> None:
    rows = [
        {"source_kind": "electricity", "item": "电力", "quantity": 10, "unit": "t"},
        {"source_kind": "heat", "item": "蒸汽", "quantity": 10, "unit": "t"},
        {"source_kind": "process", "item": "石灰石", "quantity": 10, "unit": "MWh"},
        {"source_kind": "combustion", "item": "原煤", "quantity": 10, "unit": "t",
         "ncv": 20, "ncv_unit": "GJ/m**3"},
    ]
    found = problems_of(rows)
    assert sorted(where(p) for p in found) == [
        (2, "unit"), (3, "unit"), (4, "unit"), (5, "ncv_unit")]
    heat = next(p for p in found if p.location.row == 3)
    assert "蒸汽吨数请按焓值换算为 GJ" in heat.message_zh and "enthalpy" in heat.message_en


def test_items_in_the_wrong_source_kind_and_missing_measurements() -> None:
    rows = [
        {"source_kind": "combustion", "item": "电力", "quantity": 10, "unit": "MWh"},
        {"source_kind": "process", "item": "原煤", "quantity": 10, "unit": "t"},
        {"source_kind": "process", "item": "生料", "quantity": 10, "unit": "t"},
        {"source_kind": "process", "item": "硝酸", "quantity": 10, "unit": "t"},
        {"source_kind": "electricity", "item": "热力", "quantity": 10, "unit": "MWh"},
    ]
    found = problems_of(rows)
    assert sorted(where(p) for p in found) == [
        (2, "item"), (3, "item"), (4, "carbon_fraction"), (5, "variant"), (6, "item")]
    assert "不是燃料" in found[0].message_zh and "not a fuel" in found[0].message_en


def test_malformed_lines() -> None:
    rows = [
        {"source_kind": "fugitive", "item": "原煤", "quantity": 1, "unit": "t"},
        {"source_kind": "combustion", "item": "", "quantity": "", "unit": "t"},
        {"source_kind": "combustion", "item": "原煤", "quantity": "abc", "unit": "吨吨"},
        {"source_kind": "combustion", "item": "原煤", "quantity": 1, "unit": "t",
         "oxidation": 94},
    ]
    found = problems_of(rows)
    assert sorted(where(p) for p in found) == [
        (2, "source_kind"), (3, "item"), (3, "quantity"), (4, "quantity"), (4, "unit"),
        (5, "oxidation")]
    assert all(p.message_zh and p.message_en for p in found)


def test_missing_columns_and_gwp_without_default() -> None:
    with pytest.raises(DataError, match="missing required columns: unit"):
        account_report(pd.DataFrame([{"source_kind": "heat", "item": "热力", "quantity": 1}]),
                       gwp="AR5", year=2022)
    line = pd.DataFrame([{"source_kind": "heat", "item": "热力", "quantity": 1, "unit": "GJ"}])
    with pytest.raises(DataError, match="unknown GWP set"):
        account_report(line, gwp="", year=2022)


def test_no_grid_factor_for_the_region_and_years() -> None:
    line = {"source_kind": "electricity", "item": "电力", "quantity": 1, "unit": "MWh"}
    with pytest.raises(DataError, match="no grid factor"):
        account_report(pd.DataFrame([line]), gwp="AR5", year=2022,
                       grid=GridFactors(factor_year=2019, basis="residual_mix"))


def test_a_user_factor_override_serves_before_the_packaged_default() -> None:
    lib = default_library()
    packaged = lib.by_id("cn-ndrc-2015/anthracite/ncv")
    user = lib.with_overrides([
        packaged.__class__(**{**packaged.as_dict(), "value": 25.0, "dataset": "user:plant"})])
    line = pd.DataFrame([{"source_kind": "combustion", "item": "无烟煤", "quantity": 1,
                          "unit": "t"}])
    result = account_report(line, gwp="AR5", year=2022, library=user)
    ncv = result.parameters.set_index("parameter").loc["ncv"]
    assert (ncv["value"], ncv["factor_id"]) == (25.0, "cn-ndrc-2015/anthracite/ncv")


# ----------------------------------------------------------------------------- properties

LINES = [
    {"source_kind": "combustion", "item": "无烟煤", "unit": "t"},
    {"source_kind": "combustion", "item": "天然气", "unit": "万立方米"},
    {"source_kind": "combustion", "item": "柴油", "unit": "t", "ncv": 43.0},
    {"source_kind": "process", "item": "石灰石", "unit": "t", "purity": 0.9},
    {"source_kind": "process", "item": "硝酸", "unit": "t", "variant": "nscr"},
    {"source_kind": "electricity", "item": "电力", "unit": "MWh"},
    {"source_kind": "green_power", "item": "绿电", "unit": "MWh", "evidence": "c.pdf"},
    {"source_kind": "heat", "item": "热力", "unit": "GJ"},
]
quantities = st.lists(st.floats(min_value=0.001, max_value=1e7, allow_nan=False),
                      min_size=len(LINES), max_size=len(LINES))


def _frame(values: list[float], scale: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame([{**line, "quantity": v * scale} for line, v in zip(LINES, values,
                                                                              strict=True)])


@settings(max_examples=25, deadline=None)
@given(quantities)
def test_doubling_every_quantity_doubles_every_emission(values: list[float]) -> None:
    once = account_report(_frame(values), gwp="AR6", year=2022)
    twice = account_report(_frame(values, 2.0), gwp="AR6", year=2022)
    assert twice.lines["co2e_t"].tolist() == pytest.approx(
        [2 * v for v in once.lines["co2e_t"]], rel=1e-12)
    assert twice.total_co2e_t == pytest.approx(2 * once.total_co2e_t, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(quantities)
def test_convertible_units_give_the_same_result(values: list[float]) -> None:
    base = _frame(values)
    other = base.copy()
    swap = {"t": ("kg", 1000.0), "MWh": ("kWh", 1000.0), "GJ": ("MJ", 1000.0),
            "万立方米": ("m**3", 10000.0)}
    other["quantity"] = [q * swap[u][1] for q, u in zip(base["quantity"], base["unit"],
                                                        strict=True)]
    other["unit"] = [swap[u][0] for u in base["unit"]]
    a = account_report(base, gwp="AR5", year=2022)
    b = account_report(other, gwp="AR5", year=2022)
    assert b.lines["emissions_t"].tolist() == pytest.approx(a.lines["emissions_t"].tolist(),
                                                            rel=1e-9)

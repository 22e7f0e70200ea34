"""tanzhi.testing: each assertion passes on sound data and fails naming the offending place."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tanzhi.testing import assert_frames_equal, assert_hierarchy_sums, assert_ledger_balances

KEYS = ["region_code", "year"]


def frame(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region_code", "year", "unit", "value"])


# --- frames equal with units ---------------------------------------------------------------------


def test_frames_equal_across_units_and_row_order() -> None:
    want = frame([("330100", 2020, "t CO2", 15_000.0), ("330200", 2020, "kg", 5.0)])
    got = frame([("330200", 2020, "g", 5_000.0), ("330100", 2020, "万吨 CO2", 1.5)])
    assert_frames_equal(got, want, keys=KEYS, rtol=1e-12, atol=0)


def test_frames_differing_beyond_tolerance_name_the_row_and_both_values() -> None:
    want = frame([("330100", 2020, "t", 100.0), ("330100", 2021, "t", 200.0)])
    got = frame([("330100", 2020, "t", 100.0), ("330100", 2021, "t", 200.5)])
    assert_frames_equal(got, want, keys=KEYS, rtol=0, atol=0.5)  # |diff| 0.5 is within atol
    with pytest.raises(AssertionError) as err:
        assert_frames_equal(got, want, keys=KEYS, rtol=1e-3, atol=0)
    msg = str(err.value)
    assert "values differ (1 of 2 rows)" in msg
    assert "region_code=330100, year=2021: 200.5 t vs expected 200 t" in msg
    assert "2020" not in msg


def test_frames_with_missing_rows_or_wrong_dimension_fail() -> None:
    want = frame([("330100", 2020, "t", 1.0), ("330200", 2020, "t", 1.0)])
    with pytest.raises(AssertionError, match=r"region_code=330200, year=2020: only in expected"):
        assert_frames_equal(want.iloc[:1], want, keys=KEYS, rtol=0, atol=0)
    with pytest.raises(AssertionError, match=r"units do not convert \(region_code=330100"):
        assert_frames_equal(frame([("330100", 2020, "GJ", 1.0)]), want.iloc[:1], keys=KEYS,
                            rtol=0, atol=0)
    dup = pd.concat([want, want.iloc[:1]])
    with pytest.raises(AssertionError, match="actual has duplicate keys"):
        assert_frames_equal(dup, want, keys=KEYS, rtol=0, atol=0)


def test_frames_without_unit_column() -> None:
    want = pd.DataFrame({"k": ["a", "b"], "value": [1.0, 2.0]})
    assert_frames_equal(want.assign(value=[1.0, 2.0 + 1e-13]), want, keys=["k"], rtol=1e-12,
                        atol=0, unit=None)
    with pytest.raises(AssertionError, match="k=b: 3 vs expected 2"):
        assert_frames_equal(want.assign(value=[1.0, 3.0]), want, keys=["k"], rtol=0, atol=0,
                            unit=None)


def test_tolerances_have_no_default() -> None:
    want = frame([("330100", 2020, "t", 1.0)])
    with pytest.raises(TypeError):
        assert_frames_equal(want, want, keys=KEYS)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        assert_ledger_balances(pd.DataFrame())  # type: ignore[call-arg]


# --- hierarchy sums ------------------------------------------------------------------------------

TREE = {"3301": "33", "3302": "33", "330102": "3301", "330103": "3301"}


def regions(values: dict[str, float], unit: str = "t") -> pd.DataFrame:
    return pd.DataFrame({"region_code": list(values), "year": 2020, "unit": unit,
                         "value": list(values.values())})


def test_hierarchy_holds_at_every_level_and_across_units() -> None:
    f = regions({"33": 10.0, "3301": 6.0, "3302": 4.0, "330102": 2.5, "330103": 3.5})
    assert_hierarchy_sums(f, parent_of=TREE, keys=["year"], rtol=1e-12, atol=0)
    f.loc[f["region_code"] == "3302", ["unit", "value"]] = ["kg", 4000.0]
    assert_hierarchy_sums(f, parent_of=TREE.get, keys=["year"], rtol=1e-12, atol=0)


def test_hierarchy_failure_names_the_parent_and_its_children() -> None:
    f = regions({"33": 10.0, "3301": 6.0, "3302": 4.0, "330102": 2.5, "330103": 3.0})
    with pytest.raises(AssertionError) as err:
        assert_hierarchy_sums(f, parent_of=TREE, keys=["year"], rtol=1e-9, atol=0)
    msg = str(err.value)
    assert "children do not sum to their parent (1)" in msg
    assert re.search(r"region_code=3301, year=2020: children 330102, 330103 sum to 5\.5 t, "
                     r"parent 6 t", msg)
    assert "region_code=33," not in msg  # the province level is sound


def test_hierarchy_refuses_missing_parent_and_too_few_children() -> None:
    f = regions({"3301": 6.0, "3302": 4.0})
    with pytest.raises(AssertionError, match="region_code=33, year=2020: children 3301, 3302 but "
                                             "no parent row"):
        assert_hierarchy_sums(f, parent_of=TREE, keys=["year"], rtol=0, atol=0)
    f = regions({"33": 6.0, "3301": 6.0})
    with pytest.raises(AssertionError, match=r"1 children \(3301\), expected ≥ 2"):
        assert_hierarchy_sums(f, parent_of=TREE, keys=["year"], rtol=0, atol=0, min_children=2)


def test_hierarchy_compares_series_separately() -> None:
    a = regions({"33": 3.0, "3301": 1.0, "3302": 2.0}).assign(variable="gdp")
    b = regions({"33": 9.0, "3301": 4.0, "3302": 4.0}).assign(variable="energy")
    with pytest.raises(AssertionError, match=r"region_code=33, variable=energy, year=2020") as err:
        assert_hierarchy_sums(pd.concat([a, b]), parent_of=TREE, keys=["variable", "year"],
                              rtol=1e-9, atol=0)
    assert "gdp" not in str(err.value)


# --- ledger balances -----------------------------------------------------------------------------


def test_ledger_balances_per_account_across_units() -> None:
    ledger = pd.DataFrame({"account": ["A", "A", "A", "B", "B"],
                           "unit": ["t CO2", "kg CO2", "t CO2", "kg CO2", "kg CO2"],
                           "amount": [2.0, -1500.0, -0.5, 10.0, -10.0]})
    assert_ledger_balances(ledger, atol=1e-9)


def test_unbalanced_ledger_names_each_account() -> None:
    ledger = pd.DataFrame({"txn": [1, 1, 2, 2], "account": ["A", "B", "A", "B"],
                           "unit": "points", "amount": [5.0, -5.0, 3.0, -2.0]})
    with pytest.raises(AssertionError) as err:
        assert_ledger_balances(ledger, by=["txn"], atol=1e-9, unit=None)
    assert "ledger does not balance (1 of 2 groups)" in str(err.value)
    assert "txn=2: 2 entries sum to 1 (atol 1e-09)" in str(err.value)
    with pytest.raises(AssertionError, match=r"account=A: 2 entries sum to 8 t \(atol"):
        assert_ledger_balances(ledger.assign(unit="t"), atol=1e-9)


def test_ledger_with_unconvertible_units_or_nan_fails() -> None:
    mixed = pd.DataFrame({"account": ["A", "A"], "unit": ["t", "GJ"], "amount": [1.0, -1.0]})
    with pytest.raises(AssertionError, match=r"units do not convert \(account=A\)"):
        assert_ledger_balances(mixed, atol=1e-9)
    nan = pd.DataFrame({"account": ["A"], "unit": ["t"], "amount": [float("nan")]})
    with pytest.raises(AssertionError, match="account=A: 1 entries sum to nan t"):
        assert_ledger_balances(nan, atol=1e-9)

"""QA/QC checks: completeness with notation keys, implied factors, time series, lineage."""

from __future__ import annotations

import pandas as pd

from tanzhi.inventory.calc import compute_inventory
from tanzhi.inventory.checks import (
    check_categories,
    check_completeness,
    check_implied_factors,
    check_lineage,
    check_reference_approach,
    check_time_series,
    check_uncertainty_inputs,
    check_unused_activity,
)
from tanzhi.inventory.model import InventoryOptions
from tanzhi.kernel import Severity
from tests.inventory.factories import activity, mixed_city


def result_rows(records: list[tuple]) -> pd.DataFrame:
    """(year, category, item, gas, emissions_t, notation[, activity_value, unit]) rows."""
    out = []
    for r in records:
        year, cat, item, gas, e, note, *rest = r
        out.append({"region_code": "330100", "year": year, "category": cat, "item": item,
                    "gas": gas, "emissions_t": e, "notation": note, "memo": False,
                    "activity_value": rest[0] if rest else None,
                    "activity_unit": rest[1] if rest else None, "method": "m",
                    "factor_ids": "f", "activity_ids": "a"})
    return pd.DataFrame(out)


def test_completeness_needs_a_number_or_a_key() -> None:
    rows = result_rows([(2020, "1.A.1", "coal", "CO2", 10.0, None),
                        (2020, "1.A.1", "coal", "CH4", float("nan"), "NE"),
                        (2020, "4.A.1", "food", "CH4", float("nan"), None)])
    notations = pd.DataFrame({"region_code": ["330100", "330100"], "year": [2020, 2020],
                              "category": ["2.B.9", "1.A.1"], "gas": ["HFC-23", "N2O"],
                              "notation": ["NO", "XX"]})
    found = check_completeness(rows, expected=[("1.A.1", "CO2"), ("1.A.1", "CH4"),
                                               ("1.A.1", "N2O"), ("2.B.9", "HFC-23"),
                                               ("2.F", "HFCs")], notations=notations)
    msgs = {(f.severity, f.context["category"], f.context["gas"], f.message_en.split(" (")[0])
            for f in found}
    assert (Severity.ERROR, "1.A.1", "N2O", "invalid notation key 'XX'") in msgs
    assert (Severity.WARNING, "1.A.1", "CH4", "not estimated") in msgs
    assert (Severity.ERROR, "4.A.1", "CH4", "no number and no notation key") in msgs
    assert (Severity.ERROR, "1.A.1", "N2O",
            "1.A.1 N2O has neither a number nor a notation key") in msgs
    assert any(f.context == {"region_code": "330100", "year": 2020, "category": "2.F",
                             "gas": "HFCs"} for f in found)
    assert not any(f.context["category"] == "2.B.9" for f in found)  # declared NO
    assert all(f.code == "inventory.completeness" for f in found)


def test_implied_factor_outside_range() -> None:
    """IEF = 100,000 t / 1,000,000 GJ = 0.1 t/GJ = 100 t/TJ: outside [90, 99] for coal."""
    rows = result_rows([(2020, "1.A.1", "coal", "CO2", 100_000.0, None, 1_000_000.0, "GJ"),
                        (2020, "1.A.2", "coal", "CO2", 95_000.0, None, 1_000_000.0, "GJ")])
    ranges = pd.DataFrame({"category": ["1.A"], "item": ["coal"], "gas": ["CO2"],
                           "low": [90.0], "high": [99.0], "unit": ["t/TJ"]})
    found = check_implied_factors(rows, ranges)
    assert [(f.context["category"], f.severity) for f in found] == [("1.A.1", Severity.WARNING)]
    assert "100" in found[0].message_en


def test_time_series_jump_sign_and_gap() -> None:
    rows = result_rows([(2015, "1.A.1", "coal", "CO2", 100.0, None),
                        (2016, "1.A.1", "coal", "CO2", 105.0, None),
                        (2017, "1.A.1", "coal", "CO2", 160.0, None),
                        (2019, "1.A.1", "coal", "CO2", 150.0, None),
                        (2019, "3.B.1", "fir", "CO2", 10.0, None),
                        (2020, "3.B.1", "fir", "CO2", -10.0, None)])
    found = check_time_series(rows, max_change_pct=30)
    got = {(f.context["year"], f.context["category"], f.message_en.split(" ")[0]) for f in found}
    assert got == {(2017, "1.A.1", "change"), (2019, "1.A.1", "years"),
                   (2020, "3.B.1", "emissions")}


def test_compiled_inventory_passes_lineage_and_uses_every_row() -> None:
    act, lib, systems = mixed_city()
    est = compute_inventory(act, lib, options=InventoryOptions(manure_systems=systems))
    assert check_lineage(est.rows) == []
    assert check_unused_activity(act, est) == []
    assert check_categories(act) == []
    # Every source has an uncertainty (landfill k has none, but k is not a source).
    assert check_uncertainty_inputs(est) == []
    est.sources.loc[0, "uncertainty_pct"] = float("nan")
    assert [f.severity for f in check_uncertainty_inputs(est)] == [Severity.WARNING]


def test_unused_and_unknown_rows_are_found() -> None:
    act = activity([("330100", 2020, "1.Z", "coal", 1.0, "t")])
    est = compute_inventory(activity([("330100", 2020, "3.A", "x", 0.0, "head")])[:0],
                            object())
    unused = check_unused_activity(act, est)
    assert [(f.code, f.location.row) for f in unused] == [("inventory.unused_activity", 2)]
    assert check_categories(act)[0].message_en.startswith("row 2")


def test_lineage_gap_is_an_error() -> None:
    rows = result_rows([(2020, "1.A.1", "coal", "CO2", 1.0, None)]).assign(factor_ids="")
    assert [f.message_en for f in check_lineage(rows)] == ["factor lineage missing"]


def test_reference_approach_gap_beyond_tolerance() -> None:
    cmp = pd.DataFrame({"region_code": ["330100"], "year": [2020], "item": ["total"],
                        "difference_pct": [-6.0], "energy_gap_co2_t": [1.0],
                        "factor_gap_co2_t": [-7.0]})
    assert len(check_reference_approach(cmp)) == 1
    assert check_reference_approach(cmp, tolerance_pct=10) == []

"""The shared activity × factor machinery: input checks, lookups, lineage, terms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tanzhi.inventory.calc import (
    FactorCache,
    combine_estimates,
    compute_fuel_combustion,
    compute_inventory,
    prepare_activity,
    select_rows,
)
from tanzhi.inventory.model import RESULT_COLUMNS, EmissionResult, InventoryOptions
from tanzhi.kernel import DataError
from tests.inventory.factories import activity, library, mixed_city


def test_prepare_activity_lists_every_problem_with_row_and_column() -> None:
    frame = pd.DataFrame({
        "region_code": ["330100", "", "330100"], "year": [2020, 2020, "x"],
        "category": ["1.A.1", "1.A.1", "1.A.1"], "item": ["raw_coal"] * 3,
        "value": [1, "abc", 3], "unit": ["t", "t", "t"],
    })
    with pytest.raises(DataError) as info:
        prepare_activity(frame, source="a.csv")
    where = {(p.location.row, p.location.column) for p in info.value.problems}
    assert where == {(3, "region_code"), (3, "value"), (4, "year")}
    assert all(p.location.file == "a.csv" for p in info.value.problems)


def test_missing_column_is_named() -> None:
    with pytest.raises(DataError, match="unit"):
        prepare_activity(pd.DataFrame({"region_code": ["1"], "year": [1], "category": ["1.A"],
                                       "item": ["x"], "value": [1.0]}))


def test_factor_cache_looks_each_key_up_once() -> None:
    lib = library(("ncv", "raw_coal", "net_calorific_value", 20.9, "GJ/t"),
                  ("cc", "raw_coal", "carbon_content_per_heat", 26.37, "t C/TJ"),
                  ("of", "raw_coal", "oxidation_rate", 0.94, ""))
    act = activity([("330100", 2020, f"1.A.{i}", "raw_coal", 1.0, "t") for i in (1, 2, 3, 4)]
                   * 1)
    cache = FactorCache(lib)
    compute_fuel_combustion(act, cache, gases=("CO2",))
    compute_fuel_combustion(act, cache, gases=("CO2",))
    # NCV and carbon content once each; oxidation once per category (sector-specific lookup);
    # the CO2 EF per physical unit and per energy (issue #9 paths) once per category each —
    # and nothing again on the second call.
    assert lib.calls == 1 + 1 + 4 + 4 + 4


def test_rows_equal_the_sum_of_their_terms_everywhere() -> None:
    act, lib, systems = mixed_city()
    est = compute_inventory(act, lib, options=InventoryOptions(manure_systems=systems))
    assert list(est.rows.columns) == list(RESULT_COLUMNS)
    numeric = est.rows["emissions_t"].notna().to_numpy()
    sums = est.terms.groupby("row")["coefficient_t"].sum().reindex(range(len(est.rows)))
    np.testing.assert_allclose(sums.to_numpy()[numeric], est.rows["emissions_t"][numeric],
                               rtol=1e-10)
    assert set(est.links["source"]) == set(est.sources["source"])


def test_every_numeric_row_has_lineage() -> None:
    act, lib, systems = mixed_city()
    rows = compute_inventory(act, lib, options=InventoryOptions(manure_systems=systems)).rows
    numeric = rows.loc[rows["emissions_t"].notna()]
    assert (numeric["activity_ids"] != "").all() and (numeric["method"] != "").all()
    recovery = numeric["item"] == "ch4_recovered"
    assert (numeric.loc[~recovery, "factor_ids"] != "").all()
    first = EmissionResult.from_row(numeric.iloc[0])
    assert first.factor_ids == ("ncv-coal", "cc-coal", "of-coal")
    assert EmissionResult.from_row(first.to_row()) == first


def test_combined_estimates_share_one_source_per_factor() -> None:
    lib = library(("ncv", "raw_coal", "net_calorific_value", 20.9, "GJ/t", None, None, 3),
                  ("cc", "raw_coal", "carbon_content_per_heat", 26.37, "t C/TJ", None, None, 5),
                  ("of", "raw_coal", "oxidation_rate", 0.94, ""))
    a = compute_fuel_combustion(activity([("330100", 2020, "1.A.1", "raw_coal", 1, "t")]), lib,
                                gases=("CO2",))
    b = compute_fuel_combustion(activity([("330200", 2020, "1.A.1", "raw_coal", 1, "t")]), lib,
                                gases=("CO2",))
    both = combine_estimates([a, b])
    assert len(both.rows) == 2 and both.terms["row"].tolist() == [0, 1]
    assert (both.sources["source"] == "f:cc").sum() == 1
    one = select_rows(both, both.rows["region_code"] == "330200")
    assert one.terms["row"].tolist() == [0]
    assert len(one.rows) == 1

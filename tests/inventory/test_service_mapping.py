"""Statistics series → ACTIVITY rows (docs/demo-model.md series, IPCC 2006 categories)."""

from __future__ import annotations

import pandas as pd

from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY
from tanzhi.inventory.service.mapping import statistics_to_activity


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region_code", "year", "variable", "sector", "item",
                                       "value", "unit", "dataset", "synthetic"])


def test_series_go_to_their_categories_and_items() -> None:
    r, y = "330100", 2020
    act = statistics_to_activity(frame([
        (r, y, "energy_final", "transport", "煤油", 5, "万吨", "demo", True),
        (r, y, "energy_final", "transport", "燃料油", 2, "万吨", "demo", True),
        (r, y, "energy_final", "transport", "柴油", 7, "万吨", "demo", True),
        (r, y, "energy_final", "construction", "柴油", 1, "万吨", "demo", True),
        (r, y, "energy_final", "residential", "电力", 9, "亿千瓦时", "demo", True),
        (r, y, "energy_final", "industry", "热力", 9, "TJ", "demo", True),
        (r, y, "energy_transformation", "heat", "原煤", 3, "万吨", "demo", True),
        (r, y, "industrial_output", "", "HCFC-22", 100, "t", "demo", True),
        (r, y, "livestock", "", "羊", 4, "万只", "demo", True),
        (r, y, "waste_msw", "", "其他", 4, "万吨", "demo", True),
    ])).set_index(["category", "item"])
    assert act.loc[("1.A.3.a.ii", "kerosene"), "value"] == 5
    assert ("1.A.3.d.ii", "fuel_oil") in act.index and ("1.A.3.b", "diesel") in act.index
    assert ("1.A.2.k", "diesel") in act.index and ("1.A.1.a.iii", "raw_coal") in act.index
    assert act.loc[("2.B.9.a", "hcfc22"), "variant"] == "old_unoptimised"
    assert ("3.A", "sheep") in act.index
    # Final electricity and heat are secondary energy; "other" waste has no method.
    assert len(act) == 7


def test_net_imported_electricity_is_import_minus_export_and_stated_cells_win() -> None:
    r = "330600"
    act = statistics_to_activity(frame([
        (r, 2021, "electricity", "import", "火电", 10, "亿千瓦时", "demo", True),
        (r, 2021, "electricity", "import", "非化石电力", 5, "亿千瓦时", "demo", True),
        (r, 2021, "electricity", "export", "火电", 25, "亿千瓦时", "demo", True),
        (r, 2021, "forest_stock", "", "", 100, "万立方米", "demo", True),
        (r, 2021, "forest_stock", "", "", 120, "万立方米", "seed:x", False),
    ]))
    elec = act.loc[act["category"] == NET_IMPORTED_ELECTRICITY]
    assert elec["value"].tolist() == [-10]
    assert act.loc[act["category"] == "3.B.1.a", "value"].tolist() == [120]

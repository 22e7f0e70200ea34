"""Issue #9: the database path used to fill grid-factor gaps with the nearest year and switch to
the East China series in 2023; it now reads the same cn-grid-series values as the CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY
from tanzhi.inventory.service.compute import compute_rows
from tanzhi.kernel import default_library


def test_compile_path_uses_the_spliced_series_without_silent_fill() -> None:
    years = [2015, 2020, 2021, 2022, 2023, 2024, 2025, 2030]
    act = pd.DataFrame({"region_code": "330100", "year": years,
                        "category": NET_IMPORTED_ELECTRICITY, "item": "电力", "value": 10.0,
                        "unit": "亿千瓦时", "activity_id": [str(i) for i in range(len(years))]})
    rows = compute_rows(act, default_library(), gwp="AR5").rows
    rows = rows.loc[rows["category"] == NET_IMPORTED_ELECTRICITY].set_index("year")
    lib = default_library()
    for y in years[:-1]:
        f = lib.lookup(item="electricity", parameter="grid_average_ef", region_code="330000",
                       year=y)
        assert rows.loc[y, "emissions_t"] == pytest.approx(1e6 * f.value), y
        assert rows.loc[y, "factor_ids"] == f.id
        assert "沿用" not in rows.loc[y, "note"]  # the old nearest-year splice note
    # Hangzhou 2022 → 2023: −2.8 % (East China's trend), not +6.7 % (series switch).
    change = rows.loc[2023, "emissions_t"] / rows.loc[2022, "emissions_t"] - 1
    assert change == pytest.approx(-0.0276, abs=5e-4)
    # Beyond 2025 nothing is published or spliced: not estimated, with the reason.
    assert pd.isna(rows.loc[2030, "emissions_t"]) and rows.loc[2030, "notation"] == "NE"

"""Issue #9: one grid factor per region and year 2005-2025, spliced by a written rule that never
switches series silently (dataset cn-grid-series completing cn-grid-average)."""

from __future__ import annotations

import pytest

from tanzhi.kernel.factors import GRID_REGION_OF_PROVINCE, NATIONAL, default_library

LIB = default_library()
GRIDS = ("GRID-NC", "GRID-NE", "GRID-EC", "GRID-CC", "GRID-NW", "GRID-SC", "GRID-SW")
REGIONS = (NATIONAL, *GRIDS, *sorted(GRID_REGION_OF_PROVINCE))


def grid(region: str, year: int):  # noqa: ANN201 (a kernel Factor)
    return LIB.lookup(item="electricity", parameter="grid_average_ef", region_code=region,
                      year=year)


@pytest.mark.parametrize("region", REGIONS)
def test_every_year_2005_2025_has_one_factor_of_the_region_itself(region: str) -> None:
    for year in range(2005, 2026):
        f = grid(region, year)
        assert f.region_code == region, (region, year, f.id)  # never a parent's series
        if f.dataset == "cn-grid-series":
            assert f.provisional and f.id.split("/")[-1].startswith(("ratio-", "held-"))
            assert f.uncertainty_pct is not None and f.uncertainty_pct >= 5
        else:
            assert f.dataset == "cn-grid-average" and f.year_from == year


def test_published_years_keep_their_published_ids() -> None:
    assert grid("330000", 2022).id == "cn-grid-average/electricity/grid_average_ef/330000/2022"
    assert grid("000000", 2023).id == "cn-grid-average/electricity/grid_average_ef/000000/2023"


def test_zhejiang_2023_follows_the_regional_trend_instead_of_switching_series() -> None:
    """Before: 2023 looked up the East China factor 0.5500 after Zhejiang's 0.5153 in 2022,
    +6.7 %.  Rule 2: 0.5500 × mean(0.5422/0.5992, 0.5153/0.5617) = 0.5011, −2.8 % on 2022,
    in line with East China's own 2022→2023 change (−2.1 %)."""
    z22, z23 = grid("330100", 2022).value, grid("330100", 2023).value
    ec22, ec23 = grid("GRID-EC", 2022).value, grid("GRID-EC", 2023).value
    ratio = (0.5422 / 0.5992 + 0.5153 / 0.5617) / 2
    assert z23 == pytest.approx(round(0.55 * ratio, 4))
    assert z23 / z22 - 1 == pytest.approx(-0.0276, abs=5e-4)
    assert abs((z23 / z22) - (ec23 / ec22)) < 0.01
    assert 0.55 / z22 - 1 == pytest.approx(0.067, abs=0.001)  # the artefact removed
    assert "ratio-GRID-EC-2021-2022" in grid("330100", 2023).id


def test_years_outside_published_data_hold_the_nearest_value_and_say_so() -> None:
    early, late = grid("330000", 2015), grid("330000", 2025)
    assert early.value == 0.5422 and early.id.endswith("/2015/held-2021")
    assert late.value == grid("330000", 2023).value and late.id.endswith("/2025/held-2023")
    assert "held" in early.locator and "沿用" in early.note
    assert late.uncertainty_pct > early.uncertainty_pct - 30  # grows with distance
    assert grid("330000", 2020).uncertainty_pct < grid("330000", 2005).uncertainty_pct

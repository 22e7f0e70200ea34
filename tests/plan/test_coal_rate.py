"""Issue #9: the non-fossil share converts electricity at the year's coal rate of thermal power
(the region's statistic, else the packaged national series), not a fixed 4.04 万tce/亿kWh."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.demo import model as demo_model
from tanzhi.kernel import STATISTIC_ITEM, STATISTIC_VARIABLE, DataError, UnitError, default_library
from tanzhi.kernel import coal_rate_for as coal_rate
from tanzhi.plan.service.derive import _share, _Stats

R = "330000"


def stats(rate: float | None, year: int = 2020) -> _Stats:
    rows = [(R, year, "energy_total", "", "", 20000.0, "万吨标准煤"),
            (R, year, "electricity", "generation", "水电", 200.0, "亿千瓦时"),
            (R, year, "electricity", "generation", "核电", 600.0, "亿千瓦时"),
            (R, year, "electricity", "import", "非化石电力", 300.0, "亿千瓦时"),
            (R, year, "electricity", "export", "非化石电力", 100.0, "亿千瓦时")]
    if rate is not None:
        rows.append((R, year, STATISTIC_VARIABLE, "", STATISTIC_ITEM, rate, "kgce/kWh"))
    frame = pd.DataFrame(rows, columns=["region_code", "year", "variable", "sector", "item",
                                        "value", "unit"]).assign(synthetic=False, dataset="t")
    return _Stats(frame)


def test_share_uses_the_years_statistic_when_present() -> None:
    """1,000 亿kWh non-fossil × 0.2870 kgce/kWh (10 × 0.287 = 2.87 万tce/亿kWh) = 2,870 万tce
    ÷ 20,000 = 14.35 % (the fixed 4.04 gave 20.2 %)."""
    st = stats(0.287)
    assert _share(st, R, 2020, "non_fossil_share") == pytest.approx(14.35)
    assert st.coal is not None and st.coal.basis == "statistics"


def test_share_falls_back_to_the_national_series_and_says_so() -> None:
    st = stats(None)
    expected = default_library().lookup(item="electricity", parameter="thermal_coal_rate",
                                        region_code="000000", year=2020)
    assert _share(st, R, 2020, "non_fossil_share") == pytest.approx(
        1000 * expected.value_in("kgce/kWh") * 10 / 20000 * 100)
    assert st.coal.basis == "default" and st.coal.factor_id == expected.id
    assert st.coal.provisional


def test_default_series_covers_2005_2025() -> None:
    rates = [coal_rate(y).kgce_per_kwh for y in range(2005, 2026)]
    assert all(0.28 < r < 0.38 for r in rates)
    assert rates[0] > rates[15]  # the coal rate fell 2005 → 2020
    assert coal_rate(2025).factor_id.endswith("/held-2022")


def test_statistic_units_are_dimension_checked() -> None:
    assert coal_rate(2020, statistic=290, unit="kgce/MWh").kgce_per_kwh == pytest.approx(0.29)
    with pytest.raises(UnitError):
        coal_rate(2020, statistic=0.3, unit="t")
    with pytest.raises(DataError):
        coal_rate(2020, statistic=-0.3, unit="kgce/kWh")


def test_demo_coal_rate_is_the_packaged_reporting_form_figure() -> None:
    """The demo's synthetic balance uses one coal rate; it is the packaged factor, not a
    constant of its own, and the demo publishes it as the statistic."""
    form = default_library().by_id(
        "cn-energy-reporting/electricity/standard_coal_coefficient_generation")
    assert demo_model.DEMO_COAL_RATE == pytest.approx(form.value_in("kgce/kWh"))
    assert demo_model.ELECTRICITY_TCE == pytest.approx(demo_model.DEMO_COAL_RATE * 10)

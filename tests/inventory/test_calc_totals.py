"""Totals: territorial CO2e by sector, energy-activity CO2, and the calibre reconciliation."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import (
    compute_calibre_reconciliation,
    compute_co2e,
    compute_energy_co2,
    compute_totals,
)
from tanzhi.inventory.calc.totals import sector_of
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT
from tanzhi.kernel import DataError
from tests.inventory.factories import AR5, SAR


def rows(*records: tuple) -> pd.DataFrame:
    """(category, item, gas, emissions_t, memo) rows for region 330100, 2020."""
    frame = pd.DataFrame(records, columns=["category", "item", "gas", "emissions_t", "memo"])
    return frame.assign(region_code="330100", year=2020, notation=None)


ROWS = rows(
    ("1.A.1", "raw_coal", "CO2", 1000.0, False),
    ("1.A.1", "raw_coal", "CH4", 1.0, False),
    ("1.A.4", "firewood", "CO2", 50.0, True),
    ("1.B.1", "coal_mining", "CO2", 5.0, False),
    ("1.B.1", "coal_mining", "CH4", 10.0, False),
    ("2.A.1", "clinker", "CO2", 200.0, False),
    ("2.B.9.a", "hcfc22", "HFC-23", 0.01, False),
    ("3.C.4", "synthetic_n", "N2O", 1.0, False),
    ("3.B.1.a", "fir", "CO2", -300.0, False),
    ("4.A", "food_waste", "CH4", 2.0, False),
    ("4.C.1", "plastics", "CO2", 20.0, False),
    ("4.C.1", "plastics", "N2O", float("nan"), False),
    (NET_IMPORTED_ELECTRICITY, "electricity", "CO2", 400.0, True),
    (NET_IMPORTED_HEAT, "heat", "CO2", 30.0, True),
)


def test_totals_by_sector_under_ar5_and_sar() -> None:
    """AR5: energy 1000 + 28 + 5 + 280 = 1313; IPPU 200 + 0.01 × 12,400 = 324; agriculture
    265; LULUCF −300; waste 56 + 20 = 76.  Memo rows (firewood CO2, electricity, heat) and
    the NE row do not count."""
    obs = compute_totals(ROWS, gwp=AR5).set_index("sector")["emissions_co2e_t"]
    assert obs.to_dict() == pytest.approx({"能源活动": 1313.0, "工业生产过程": 324.0,
                                           "农业": 265.0, "土地利用变化和林业": -300.0,
                                           "废弃物处理": 76.0})
    sar = compute_totals(ROWS, gwp=SAR, by=("region_code",))["emissions_co2e_t"].iloc[0]
    # SAR: 1000 + 21 + 5 + 210 + 200 + 117 + 310 − 300 + 42 + 20 = 1625.
    assert sar == pytest.approx(1625.0)


def test_energy_co2_calibre_adds_net_imports() -> None:
    obs = compute_energy_co2(ROWS).iloc[0]
    assert obs["combustion_co2_t"] == pytest.approx(1000.0)
    assert obs["energy_co2_t"] == pytest.approx(1000.0 + 400.0 + 30.0)


def test_reconciliation_closes() -> None:
    """Territorial 1,678 (AR5) − non-CO2 753 (28 + 280 + 124 + 265 + 56) + LULUCF 300
    − IPPU 200 − waste 20 − fugitive 5 + electricity 400 + heat 30 = 1,430 = 1.A CO2 1,000
    + 430 net imports."""
    rec = compute_calibre_reconciliation(ROWS, gwp=AR5).set_index("step")["value_t"]
    assert rec["territorial_co2e"] == pytest.approx(1313 + 324 + 265 - 300 + 76)
    assert rec["less_non_co2_gases"] == pytest.approx(-(28 + 280 + 124 + 265 + 56))
    assert rec["less_lulucf_co2"] == pytest.approx(300.0)
    assert rec["less_ippu_co2"] == pytest.approx(-200.0)
    assert rec["less_waste_co2"] == pytest.approx(-20.0)
    assert rec["less_fugitive_co2"] == pytest.approx(-5.0)
    assert rec["energy_co2"] == pytest.approx(1430.0)
    steps = rec.drop("energy_co2")
    assert steps.sum() == pytest.approx(rec["energy_co2"])


def test_unknown_gas_in_gwp_mapping_is_an_error() -> None:
    with pytest.raises(DataError, match="NF3"):
        compute_co2e(rows(("2.E", "x", "NF3", 1.0, False)), gwp=AR5)


@pytest.mark.parametrize(("code", "exp"), [
    ("1.A.1.a", "能源活动"), ("1.B.2", "能源活动"), ("2.F.1", "工业生产过程"), ("3.A.1", "农业"),
    ("3.C.7", "农业"), ("3.B.1.a", "土地利用变化和林业"), ("4.D.1", "废弃物处理"),
    ("memo.net_imported_electricity", "信息项"),
])
def test_sector_of_follows_the_provincial_guideline(code: str, exp: str) -> None:
    assert sector_of(code) == exp

"""Fugitive emissions 1.B on the packaged IPCC 2006 defaults (issue #9 item 9): one hand-computed
case per subcategory, each citing its table, plus the units the factors are published in."""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.inventory.calc import compute_fugitive, compute_inventory
from tanzhi.inventory.formats.factors import check_overrides_used, read_factor_overrides
from tanzhi.kernel import DataError, conversion_factor, default_library, parse_unit

R, Y = "330000", 2020
LIB = default_library()


def run(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    act = pd.DataFrame([(R, Y, *r) for r in rows],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    return compute_fugitive(act, LIB).rows.set_index(["category", "gas"])


def test_published_units_parse() -> None:
    """IPCC writes coal-mining factors as m³ CH4/t (converted at 0.67e-6 Gg/m³, Vol.2 Eq.4.1.3)
    and oil/gas factors per 10³ m³ and 10⁶ m³ (Tables 4.2.4/4.2.5); all three parse, and the
    volume of CH4 is a mass of CH4, never a bare volume."""
    assert conversion_factor("m3CH4/t", "kgCH4/t") == pytest.approx(0.67)
    assert conversion_factor("立方米甲烷/吨", "tCH4/t") == pytest.approx(0.67e-3)
    assert conversion_factor("Gg/百万立方米", "t/m**3") == pytest.approx(1e-3)
    assert conversion_factor("Gg/million_m3", "Gg/百万立方米") == pytest.approx(1.0)
    assert conversion_factor("Gg/thousand_m3", "t/m**3") == pytest.approx(1.0)
    assert conversion_factor("tCH4/万t", "kgCH4/t") == pytest.approx(0.1)
    # "Mm3" would be (megametre)³: it stays pint's megametre, never a million m³.
    assert conversion_factor("Mm**3", "m**3") == pytest.approx(1e18)
    assert "[methane]" in str(parse_unit("m3CH4/t").dimensionality)


@pytest.mark.parametrize(("category", "m3_per_t"), [
    ("1.B.1.a.i.1", 18.0),   # underground mining, 200-400 m, EFDB 120582
    ("1.B.1.a.i.2", 2.5),    # underground post-mining, EFDB 120585
    ("1.B.1.a.ii.1", 1.2),   # surface mining, 25-50 m overburden, EFDB 120588
    ("1.B.1.a.ii.2", 0.1),   # surface post-mining, EFDB 120591
])
def test_coal_mining_tier1(category: str, m3_per_t: float) -> None:
    """Vol.2 §4.1.3.2 Eq.4.1.3/4.1.4/4.1.7/4.1.8: 100 万t = 1,000,000 t raw coal × EF m³/t ×
    0.67 kg/m³ → underground 12,060 t, post-mining 1,675 t, surface 804 t, post-mining 67 t CH4;
    no CO2 default → NE."""
    rows = run([(category, "原煤", 100, "万吨")])
    assert rows.loc[(category, "CH4"), "emissions_t"] == pytest.approx(1e6 * m3_per_t * 0.67e-3)
    assert rows.loc[(category, "CO2"), "notation"] == "NE"
    assert rows.loc[(category, "CH4"), "factor_ids"].startswith("ipcc-2006/raw_coal/EF_fugitive/")


def test_coal_mining_hand_figures() -> None:
    rows = run([("1.B.1.a.i.1", "原煤", 100, "万吨"), ("1.B.1.a.ii.2", "原煤", 100, "万吨")])
    assert rows.loc[("1.B.1.a.i.1", "CH4"), "emissions_t"] == pytest.approx(12_060)
    assert rows.loc[("1.B.1.a.ii.2", "CH4"), "emissions_t"] == pytest.approx(67)


# Table 4.2.5 (developing countries), Gg per 10⁶ m³ gas or per 10³ m³ oil; packaged value is the
# centre of IPCC's range.  Activity: 1 亿m³ gas = 100 × 10⁶ m³; 100 万m³ oil = 1,000 × 10³ m³.
OIL_GAS = [
    # category, item, value, unit, gas, expected t (hand-computed)
    ("1.B.2.b.iii.2", "天然气", 1, "亿立方米", "CH4", 100 * (0.00038 + 0.024) / 2 * 1000),  # 1,219
    ("1.B.2.b.iii.2", "天然气", 1, "亿立方米", "CO2", 100 * (0.000014 + 0.00018) / 2 * 1000),
    ("1.B.2.b.ii", "天然气", 1, "亿立方米", "CO2", 100 * (0.0012 + 0.0016) / 2 * 1000),  # 140
    ("1.B.2.b.ii", "天然气", 1, "亿立方米", "N2O", 100 * (0.000000021 + 0.000000029) / 2 * 1000),
    ("1.B.2.b.iii.3", "天然气", 1, "亿立方米", "CH4", 100 * (0.00015 + 0.00035) / 2 * 1000),  # 25
    ("1.B.2.b.i", "天然气", 1, "亿立方米", "CH4", 100 * (0.000044 + 0.00074) / 2 * 1000),  # 39.2
    # transmission fugitives + storage, both per marketable gas
    ("1.B.2.b.iii.4", "天然气", 1, "亿立方米", "CH4",
     100 * ((0.000166 + 0.0011) / 2 + (0.000025 + 0.000058) / 2) * 1000),  # 67.45
    # 1,800
    ("1.B.2.b.iii.5", "天然气", 10, "亿立方米", "CH4", 1000 * (0.0011 + 0.0025) / 2 * 1000),
    ("1.B.2.b.iii.5", "天然气", 10, "亿立方米", "CO2", 1000 * (0.000051 + 0.00014) / 2 * 1000),
    ("1.B.2.a.iii.2", "原油", 100, "万立方米", "CH4", 1000 * (0.0022 + 0.037) / 2 * 1000),  # 19,600
    ("1.B.2.a.i", "原油", 100, "万立方米", "CH4", 1000 * (0.0087 + 0.012) / 2 * 1000),  # 10,350
    ("1.B.2.a.ii", "原油", 100, "万立方米", "CO2", 1000 * (0.034 + 0.047) / 2 * 1000),  # 40,500
    ("1.B.2.a.ii", "原油", 100, "万立方米", "N2O", 1000 * (0.00000054 + 0.00000074) / 2 * 1000),
    ("1.B.2.a.iii.3", "原油", 100, "万立方米", "CH4", 1000 * 0.0000054 * 1000),  # 5.4, one value
]


@pytest.mark.parametrize(("category", "item", "value", "unit", "gas", "expected"), OIL_GAS)
def test_oil_and_gas_tier1(category: str, item: str, value: float, unit: str, gas: str,
                           expected: float) -> None:
    rows = run([(category, item, value, unit)])
    assert rows.loc[(category, gas), "emissions_t"] == pytest.approx(expected, rel=1e-9)


def test_oil_and_gas_hand_figures() -> None:
    """The same cases in round numbers a reviewer can check on paper."""
    rows = run([("1.B.2.b.iii.5", "天然气", 10, "亿立方米"),
                ("1.B.2.a.ii", "原油", 100, "万立方米")])
    assert rows.loc[("1.B.2.b.iii.5", "CH4"), "emissions_t"] == pytest.approx(1_800)
    assert rows.loc[("1.B.2.b.iii.5", "CO2"), "emissions_t"] == pytest.approx(95.5)
    assert rows.loc[("1.B.2.b.iii.5", "N2O"), "notation"] == "NE"
    assert rows.loc[("1.B.2.a.ii", "CO2"), "emissions_t"] == pytest.approx(40_500)
    assert rows.loc[("1.B.2.a.ii", "N2O"), "emissions_t"] == pytest.approx(0.64)


def test_ranges_ship_their_centre_and_half_width() -> None:
    """Table 4.2.5 prints ranges: like every range in the dataset, the value is the centre and
    uncertainty_pct the half-width (distribution CH4 1.1e-3-2.5e-3 Gg → 1.8e-3 ± 0.7e-3,
    38.9 %); a single printed value (oil pipelines) carries none of its own."""
    dist = LIB.by_id("ipcc-2006/natural_gas/EF_fugitive/gas_distribution/CH4")
    assert dist.value == pytest.approx(0.0018)
    assert dist.uncertainty_pct == pytest.approx(0.0007 / 0.0018 * 100, rel=1e-3)
    assert not dist.provisional and dist.confidence == "V"
    pipe = LIB.by_id("ipcc-2006/crude_oil/EF_fugitive/oil_pipeline_transport/CH4")
    assert pipe.value == pytest.approx(5.4e-6) and pipe.uncertainty_pct is None


def test_aggregate_category_is_not_estimated() -> None:
    """A volume under 1.B.2.b does not say which segment it passed through: NE, not a guess."""
    rows = run([("1.B.2.b", "天然气", 1, "亿立方米")])
    assert (rows["notation"] == "NE").all()


def test_oil_tonnage_against_a_volume_factor_is_refused() -> None:
    """IPCC's oil factors are per volume; a tonnage is refused naming the factor, not converted
    by a guessed density."""
    with pytest.raises(DataError) as err:
        run([("1.B.2.a.iii.2", "原油", 100, "万吨")])
    assert "EF_fugitive" in str(err.value) or "千立方米" in str(err.value)


def test_fugitive_counts_in_the_inventory() -> None:
    act = pd.DataFrame([(R, Y, "1.B.1.a.i.1", "原煤", 100, "万吨")],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    rows = compute_inventory(act, LIB).rows
    ch4 = rows.loc[(rows["category"] == "1.B.1.a.i.1") & (rows["gas"] == "CH4")]
    assert float(ch4["emissions_t"].iloc[0]) == pytest.approx(12_060)


def test_a_users_mine_factor_in_the_published_unit_is_applied() -> None:
    """A factor-file row `1.B.1.a.i.1,原煤,CH4,ef,10,m3CH4/t` (a shallow mine, IPCC's low class):
    1,000,000 t × 10 m³/t × 0.67 kg/m³ = 6,700 t CH4, and the row is reported as used."""
    lib = read_factor_overrides(
        "category,item,gas,parameter,value,unit\n1.B.1.a.i.1,原煤,CH4,ef,10,m3CH4/t\n".encode(),
        filename="mine.csv")
    act = pd.DataFrame([(R, Y, "1.B.1.a.i.1", "原煤", 100, "万吨")],
                       columns=["region_code", "year", "category", "item", "value", "unit"])
    act["activity_id"] = ["a0"]
    rows = compute_inventory(act, lib).rows
    check_overrides_used(lib, rows, act)
    ch4 = rows.loc[(rows["category"] == "1.B.1.a.i.1") & (rows["gas"] == "CH4")]
    assert float(ch4["emissions_t"].iloc[0]) == pytest.approx(6_700)

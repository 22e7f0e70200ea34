"""Golden cases of enterprise accounting (issue #12 item 2), one or more per source kind.

Every expected value is computed by hand in the test from the published parameters it cites
(not read back from the code); docs/validation.md ("Enterprise accounting") lists them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tanzhi.enterprise.account import GridBasis, GridFactors, SourceKind, account_report

C = 44 / 12


def one(line: dict, **kwargs) -> float:
    """Emissions (t of the line's gas) of a one-line report."""
    kwargs.setdefault("gwp", "AR5")
    kwargs.setdefault("year", 2022)
    result = account_report(pd.DataFrame([line]), **kwargs)
    (value,) = result.lines["emissions_t"].tolist()
    return value


def report(rows: list[dict], **kwargs):
    kwargs.setdefault("gwp", "AR5")
    kwargs.setdefault("year", 2022)
    return account_report(pd.DataFrame(rows), **kwargs)


# ----------------------------------------------------------------------------- combustion

def test_anthracite_reproduces_the_guideline_default_factor() -> None:
    # Reference compendium F11 (NDRC 2015 工业其他行业 annex as transcribed): NCV 24.515 GJ/t,
    # CC 27.49 tC/TJ, OF 94 % ⇒ 2.323 tCO2/t.
    by_hand = 100 * 24.515 * 27.49e-3 * 0.94 * C
    value = one({"source_kind": "combustion", "item": "无烟煤", "quantity": 100, "unit": "t"})
    assert value == pytest.approx(by_hand, rel=1e-12)
    assert value == pytest.approx(232.3, abs=0.05)  # 2.323 t/t × 100 t


def test_natural_gas_per_ten_thousand_cubic_metres() -> None:
    # F16: NCV 389.31 GJ/10⁴Nm³, CC 15.3 tC/TJ, OF 99 % ⇒ 21.62 tCO2 per 10⁴ Nm³.
    value = one({"source_kind": "combustion", "item": "天然气", "quantity": 10,
                 "unit": "万立方米"})
    assert value == pytest.approx(10 * 389.31 * 15.3e-3 * 0.99 * C, rel=1e-12)
    assert value == pytest.approx(216.2, abs=0.05)


def test_coke_and_bituminous_coal_reproduce_their_per_tonne_factors() -> None:
    # F15 coke ⇒ 2.852 tCO2/t (28.446 GJ/t, 29.40 tC/TJ, 93 %); F12 bituminous ⇒ 2.072.
    coke = one({"source_kind": "combustion", "item": "焦炭", "quantity": 1, "unit": "t"})
    bit = one({"source_kind": "combustion", "item": "烟煤", "quantity": 1, "unit": "t"})
    assert coke == pytest.approx(2.852, abs=5e-4)
    assert bit == pytest.approx(2.072, abs=5e-4)


def test_measured_parameters_override_defaults_and_say_so() -> None:
    line = {"source_kind": "combustion", "item": "原煤", "quantity": 100, "unit": "t",
            "ncv": 20.908, "carbon_content": 26.37, "oxidation": 0.94}
    result = report([line])
    assert result.lines["emissions_t"].iloc[0] == pytest.approx(
        100 * 20.908 * 0.02637 * 0.94 * C, rel=1e-12)  # 190.03 t
    assert result.lines["measured"].iloc[0] == "ncv|carbon_content|oxidation"
    assert set(result.parameters["origin"]) == {"measured"}
    # Only the NCV measured: carbon content and oxidation from the library, with their ids.
    partial = report([{**line, "carbon_content": None, "oxidation": None}])
    params = partial.parameters.set_index("parameter")
    assert params.loc["ncv", "origin"] == "measured"
    assert params.loc["carbon_content", "factor_id"] == "cn-prov-2011/raw_coal/carbon_content"


def test_measured_ncv_in_another_unit_is_converted_by_dimension() -> None:
    base = {"source_kind": "combustion", "item": "原煤", "quantity": 100, "unit": "t",
            "carbon_content": 26.37, "oxidation": 0.94}
    in_gj = one({**base, "ncv": 20.908})
    in_mj_per_kg = one({**base, "ncv": 20.908, "ncv_unit": "MJ/kg"})
    in_tc_per_gj = one({**base, "ncv": 20.908, "carbon_content": 0.02637,
                        "carbon_content_unit": "t C/GJ"})
    assert in_gj == pytest.approx(in_mj_per_kg) == pytest.approx(in_tc_per_gj)


def test_fuel_in_energy_units_skips_the_ncv() -> None:
    # 1 TJ of natural gas at 15.3 tC/TJ × 99 % (default) — no NCV involved.
    result = report([{"source_kind": "combustion", "item": "天然气", "quantity": 1,
                      "unit": "TJ"}])
    assert result.lines["emissions_t"].iloc[0] == pytest.approx(15.3 * 0.99 * C, rel=1e-12)
    assert "ncv" not in set(result.parameters["parameter"])
    # 1 tce = 29.3076 GJ (GB/T 2589).
    tce = one({"source_kind": "combustion", "item": "原煤", "quantity": 1, "unit": "tce",
               "carbon_content": 26.37, "oxidation": 0.94})
    assert tce == pytest.approx(29.3076 * 0.02637 * 0.94 * C, rel=1e-12)


# ----------------------------------------------------------------------------- process

def test_power_plant_desulfurisation_limestone() -> None:
    # 发电: 5,000 t limestone at 92 % CaCO3 × 0.43971 tCO2/t CaCO3 (IPCC Table 2.1).
    assert one({"source_kind": "process", "item": "脱硫石灰石", "quantity": 5000, "unit": "t",
                "purity": 0.92}) == pytest.approx(5000 * 0.92 * 0.43971)


def test_cement_clinker_from_measured_cao_and_mgo_kiln_dust_and_raw_meal() -> None:
    rows = [
        # clinker 1 Mt, CaO 65 %, MgO 2 % (carbonate-derived) → EF 0.5319 t/t
        {"source_kind": "process", "item": "水泥熟料", "quantity": 100, "unit": "万吨",
         "cao_fraction": 0.65, "mgo_fraction": 0.02},
        # kiln dust 10,000 t at the default clinker factor (IPCC 2006: 0.52)
        {"source_kind": "process", "item": "窑头粉尘", "quantity": 10000, "unit": "t"},
        # raw meal 1.5 Mt at 0.2 % non-fuel carbon
        {"source_kind": "process", "item": "生料", "quantity": 1.5e6, "unit": "t",
         "carbon_fraction": 0.002},
    ]
    got = report(rows).lines["emissions_t"].tolist()
    ef = 0.65 * 44.01 / 56.08 + 0.02 * 44.01 / 40.30
    assert got == pytest.approx([1e6 * ef, 10000 * 0.52, 1.5e6 * 0.002 * C])
    assert ef == pytest.approx(0.5319, abs=1e-4)


def test_flat_glass_ceramics_paper_textile_carbonates() -> None:
    rows = [
        {"source_kind": "process", "item": "纯碱", "quantity": 20000, "unit": "t",
         "purity": 0.99, "facility": "玻璃熔窑"},
        {"source_kind": "process", "item": "白云石", "quantity": 5000, "unit": "t",
         "purity": 1.0, "facility": "玻璃熔窑"},
        {"source_kind": "process", "item": "碳酸镁", "quantity": 100, "unit": "t",
         "purity": 1.0, "facility": "陶瓷窑"},
        {"source_kind": "process", "item": "碳酸钙", "quantity": 2000, "unit": "t",
         "purity": 0.95, "facility": "碱回收石灰窑"},
        {"source_kind": "process", "item": "Na2CO3", "quantity": 500, "unit": "t",
         "facility": "印染"},
    ]
    result = report(rows)
    assert result.lines["emissions_t"].tolist() == pytest.approx([
        20000 * 0.99 * 0.41492, 5000 * 0.47732, 100 * 0.52197, 2000 * 0.95 * 0.43971,
        500 * 0.41492])
    # The printing-and-dyeing line gave no purity: 100 % assumed, said in a finding.
    assumed = [f for f in result.findings if f.code == "enterprise.account.purity_assumed"]
    assert [f.location.row for f in assumed] == [6]


def test_steel_flux_electrodes_and_carbon_fixed_in_products() -> None:
    rows = [
        {"source_kind": "process", "item": "石灰石", "quantity": 30000, "unit": "t",
         "purity": 0.9},
        {"source_kind": "process", "item": "电极", "quantity": 1000, "unit": "t"},
        {"source_kind": "process", "item": "生铁", "quantity": 100000, "unit": "t"},
        {"source_kind": "process", "item": "粗钢", "quantity": 500000, "unit": "t"},
    ]
    result = report(rows)
    assert result.lines["emissions_t"].tolist() == pytest.approx(
        [30000 * 0.9 * 0.43971, 1000 * 3.663, -100000 * 0.172, -500000 * 0.0154])
    assert result.lines["provisional"].tolist() == [False, True, True, True]


def test_chemicals_nitric_and_adipic_acid_n2o_with_the_named_gwp() -> None:
    rows = [
        {"source_kind": "process", "item": "硝酸", "quantity": 100000, "unit": "t",
         "variant": "high_pressure"},
        {"source_kind": "process", "item": "己二酸", "quantity": 10000, "unit": "t",
         "abatement": 0.9},
    ]
    sar = report(rows, gwp="SAR")
    assert sar.lines["gas"].tolist() == ["N2O", "N2O"]
    assert sar.lines["emissions_t"].tolist() == pytest.approx([100000 * 9e-3, 10000 * 0.3 * 0.1])
    assert sar.total_co2e_t == pytest.approx((900 + 300) * 310)  # SAR N2O = 310
    assert report(rows, gwp="AR5").total_co2e_t == pytest.approx(1200 * 265)


# ----------------------------------------------------------------------------- electricity, heat

@pytest.mark.parametrize(("grid", "year", "ef"), [
    (GridFactors(), 2022, 0.5366),  # MEE/NBS 2022 national average
    (GridFactors(GridBasis.RESIDUAL_MIX), 2022, 0.5856),  # excl. market-traded non-fossil
    (GridFactors(GridBasis.ETS), 2023, 0.5703),  # carbon-market reporting factor
    (GridFactors(region_code="GRID-EC"), 2022, 0.5617),  # East China grid
    (GridFactors(region_code="330000"), 2022, 0.5153),  # Zhejiang (provisional lead)
])
def test_purchased_electricity_by_basis_and_region(grid: GridFactors, year: int,
                                                   ef: float) -> None:
    line = {"source_kind": "electricity", "item": "电力", "quantity": 100, "unit": "万千瓦时"}
    assert one(line, grid=grid, year=year) == pytest.approx(1000 * ef)  # 100 万kWh = 1000 MWh


def test_green_power_is_deducted_only_with_a_certificate() -> None:
    rows = [
        {"source_kind": "electricity", "item": "电力", "quantity": 1000, "unit": "MWh"},
        {"source_kind": "green_power", "item": "绿电", "quantity": 200, "unit": "MWh",
         "evidence": "GEC-2022-000123.pdf"},
        {"source_kind": "green_power", "item": "光伏发电", "quantity": 50, "unit": "MWh"},
    ]
    result = report(rows, grid=GridFactors(GridBasis.RESIDUAL_MIX))
    assert result.lines["emissions_t"].tolist() == pytest.approx([585.6, -200 * 0.5856, 0.0])
    assert result.total_co2e_t == pytest.approx(800 * 0.5856)
    (missing,) = [f for f in result.findings if f.code.endswith("without_certificate")]
    assert (missing.severity.value, missing.location.row) == ("error", 4)
    assert result.errors() == [missing]


def test_green_power_beyond_purchased_electricity_is_an_error_finding() -> None:
    rows = [
        {"source_kind": "electricity", "item": "电力", "quantity": 100, "unit": "MWh"},
        {"source_kind": "green_power", "item": "绿电", "quantity": 300, "unit": "MWh",
         "evidence": "cert.pdf"},
    ]
    codes = [f.code for f in report(rows).findings]
    assert "enterprise.account.green_power_exceeds_purchase" in codes


def test_report_year_without_a_published_factor_takes_the_latest_earlier_one() -> None:
    line = {"source_kind": "electricity", "item": "电力", "quantity": 1000, "unit": "MWh"}
    result = report([line], year=2025, grid=GridFactors(GridBasis.RESIDUAL_MIX))
    assert result.lines["emissions_t"].iloc[0] == pytest.approx(609.6)  # 2023: 0.6096
    (note,) = [f for f in result.findings if f.code == "enterprise.account.grid_factor_year"]
    assert note.context["data_year"] == 2023


def test_purchased_heat() -> None:
    # 0.11 tCO2/GJ (guideline default); 1 TJ = 1000 GJ.
    assert one({"source_kind": "heat", "item": "蒸汽", "quantity": 1, "unit": "TJ"}) == (
        pytest.approx(110.0))


# ----------------------------------------------------------------------------- whole report

def test_totals_per_source_kind_with_chinese_kind_labels() -> None:
    rows = [
        {"source_kind": "化石燃料燃烧", "item": "天然气", "quantity": 1, "unit": "TJ"},
        {"source_kind": "工业生产过程", "item": "石灰石", "quantity": 100, "unit": "t",
         "purity": 1},
        {"source_kind": "购入电力", "item": "电力", "quantity": 1000, "unit": "MWh"},
        {"source_kind": "购入热力", "item": "热力", "quantity": 100, "unit": "GJ"},
    ]
    result = report(rows)
    assert result.total_for(SourceKind.COMBUSTION) == pytest.approx(15.3 * 0.99 * C)
    assert result.total_for("process") == pytest.approx(43.971)
    assert result.total_for("electricity") == pytest.approx(536.6)
    assert result.total_for("heat") == pytest.approx(11.0)
    assert result.total_co2e_t == pytest.approx(15.3 * 0.99 * C + 43.971 + 536.6 + 11.0)
    assert result.as_dict()["total_co2e_t"] == pytest.approx(result.total_co2e_t)

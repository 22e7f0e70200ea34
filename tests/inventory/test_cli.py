"""Contract tests of `tanzhi inventory compute|uncertainty|template|balance` (Typer CliRunner)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tanzhi.inventory.cli import app

DATA = Path(__file__).parent / "data"
INCINERATION = ["--variant", "waste_incineration/EF_N2O=msw_continuous"]
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def frame(stdout: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(stdout), dtype={"region_code": str})


def one(out: pd.DataFrame, category: str, gas: str) -> pd.Series:
    sel = out.loc[(out["category"] == category) & (out["gas"] == gas) & ~out["memo"]]
    assert len(sel) == 1, (category, gas)
    return sel.iloc[0]


@pytest.fixture(scope="module")
def sectors() -> pd.DataFrame:
    code, stdout, stderr = run("compute", DATA / "activity_sectors.csv", *INCINERATION)
    assert code == 0, stderr
    assert "AR5" in stderr  # the default GWP is said
    return frame(stdout)


def test_energy_by_hand(sectors: pd.DataFrame) -> None:
    """Raw coal in power plants, 100 万t, provincial guideline defaults: 1,000,000 t × 20.908
    GJ/t × 26.37 t C/TJ × 0.94 × 44/12 = 1,900,298.85 t CO2."""
    row = one(sectors, "1.A.1.a.i", "CO2")
    assert row["emissions_t"] == pytest.approx(20_908 * 26.37 * 0.94 * 44 / 12)
    assert row["co2e_t"] == pytest.approx(row["emissions_t"])
    assert row["gwp"] == "AR5" and row["sector"] == "能源活动"
    assert row["factor_ids"].startswith("cn-prov-2011/raw_coal/ncv")
    assert row["activity_ids"] == "activity_sectors.csv#2"
    # IPCC 2006 Vol.2 Table 2.2, coal in energy industries: CH4 1 kg/TJ, N2O 1.5 kg/TJ.
    assert one(sectors, "1.A.1.a.i", "CH4")["emissions_t"] == pytest.approx(20.908)
    assert one(sectors, "1.A.1.a.i", "N2O")["emissions_t"] == pytest.approx(31.362)


def test_ippu_agriculture_waste_by_hand(sectors: pd.DataFrame) -> None:
    """Clinker 100,000 t × 0.52 = 52,000 t CO2; 10,000 dairy cattle × 68 kg CH4 = 680 t CH4 =
    19,040 t CO2e (AR5 28); 10,000 t plastics burnt × dm 1 × CF 0.75 × FCF 1 × OF 1 × 44/12 =
    27,500 t CO2 and × 50 g N2O/t = 0.5 t N2O."""
    assert one(sectors, "2.A.1", "CO2")["emissions_t"] == pytest.approx(52_000)
    cattle = one(sectors, "3.A.1", "CH4")
    assert (cattle["emissions_t"], cattle["co2e_t"]) == pytest.approx((680, 19_040))
    assert one(sectors, "4.C.1", "CO2")["emissions_t"] == pytest.approx(27_500)
    assert one(sectors, "4.C.1", "N2O")["co2e_t"] == pytest.approx(0.5 * 265)


def test_gwp_choice_changes_co2e_only() -> None:
    code, stdout, _ = run("compute", DATA / "activity_sectors.csv", "--gwp", "SAR",
                          *INCINERATION)
    assert code == 0
    cattle = one(frame(stdout), "3.A.1", "CH4")
    assert (cattle["emissions_t"], cattle["co2e_t"]) == pytest.approx((680, 680 * 21))


def test_lulucf_with_a_factor_file_by_hand() -> None:
    """Growing stock 1,000 → 1,010 万m³: ΔC = 100,000 m³ × 0.5 t/m³ × BEF 1.5 × (1 + 0.2) ×
    0.5 t C/t = 45,000 t C, removal −45,000 × 44/12 = −165,000 t CO2 dated 2021."""
    code, stdout, stderr = run("compute", DATA / "forest.csv", "--factors",
                               DATA / "forest_factors.csv", "--gwp", "AR6")
    assert code == 0, stderr
    row = one(frame(stdout), "3.B.1", "CO2")
    assert row["year"] == 2021 and row["emissions_t"] == pytest.approx(-165_000)
    assert "user:forest_factors.csv#2/forest/wood_density" in row["factor_ids"]


def test_factor_override_changes_the_figure(tmp_path: Path) -> None:
    """NCV 20 GJ/t instead of 20.908: 20,000 TJ × 26.37 × 0.94 × 44/12 = 1,817,772 t CO2."""
    file = tmp_path / "f.csv"
    file.write_text("category,item,gas,parameter,value,unit\n1.A,原煤,,ncv,20,GJ/t\n",
                    encoding="utf-8")
    code, stdout, _ = run("compute", DATA / "activity_sectors.csv", "--factors", file,
                          "--gwp", "AR5", *INCINERATION)
    assert code == 0
    assert one(frame(stdout), "1.A.1.a.i", "CO2")["emissions_t"] == pytest.approx(1_817_772)


def test_bad_input_exits_2_naming_file_row_column() -> None:
    code, stdout, stderr = run("compute", DATA / "bad_activity.csv", "--gwp", "AR5")
    assert code == 2 and stdout == ""
    assert "file bad_activity.csv, row 2, column 'unit'" in stderr
    assert "文件 bad_activity.csv 第 3 行 “category”列" in stderr
    assert "row 4, column 'item'" in stderr and "row 5, column 'value'" in stderr


def test_year_without_factor_exits_2(tmp_path: Path) -> None:
    act = tmp_path / "y.csv"
    act.write_text("region_code,year,category,item,value,unit\n"
                   "330100,2040,memo.net_imported_electricity,电力,10,亿千瓦时\n",
                   encoding="utf-8")
    code, _, stderr = run("compute", act, "--gwp", "AR5")
    assert code == 2
    assert "file y.csv, row 2, column 'year'" in stderr


def test_bad_factor_file_exits_2(tmp_path: Path) -> None:
    file = tmp_path / "f.csv"
    file.write_text("category,item,gas,parameter,value,unit\n1.A,原煤,,ncv,20,t\n",
                    encoding="utf-8")
    code, _, stderr = run("compute", DATA / "activity_sectors.csv", "--factors", file)
    assert code == 2 and "file f.csv, row 2, column 'unit'" in stderr


def test_json_and_xlsx_outputs(tmp_path: Path) -> None:
    code, stdout, _ = run("compute", DATA / "activity_sectors.csv", "--format", "json",
                          "--gwp", "AR4", *INCINERATION)
    body = json.loads(stdout)
    assert code == 0 and body["meta"]["gwp"] == "AR4" and body["meta"]["totals"]
    out = tmp_path / "inv.xlsx"
    code, _, stderr = run("compute", DATA / "activity_sectors.csv", "--format", "xlsx", "-o",
                          out, "--gwp", "AR5", *INCINERATION)
    assert code == 0, stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == "汇总"
    code, _, stderr = run("compute", DATA / "activity_sectors.csv", "--format", "xlsx")
    assert code == 2 and "-o" in stderr


UNC = "region_code,year,category,item,value,unit,uncertainty_pct\n" \
      "330100,2022,2.A.1,熟料,10,万吨,5\n330100,2022,2.A.2,石灰,10,万吨,8\n" \
      "330100,2022,3.A,奶牛,1,万头,10\n"


def test_uncertainty_propagation_and_montecarlo(tmp_path: Path) -> None:
    """Clinker 52,000 t ± 5 %, lime 10,000 × EF ± 8 %, cattle enteric 19,040 t CO2e ± 10 %
    (the activity's own uncertainties; those packaged factors carry none), and cattle manure CH4
    10,000 head × 16 kg (IPCC 2006 Vol.4 Table 10.14, Asia, 18 °C) × GWP 28 = 4,480 t CO2e at
    √(10² + 30²) % (the factor's ±30 %, Vol.4 §10.4.4); Approach 1 total U = √Σ(U·E)²/ΣE
    with the head count's share counted once for both cattle categories.
    A seeded Monte Carlo repeats exactly and agrees with Approach 1 within 5 %."""
    act = tmp_path / "u.csv"
    act.write_text(UNC, encoding="utf-8")
    code, stdout, stderr = run("uncertainty", act, "--gwp", "AR5")
    assert code == 0, stderr
    prop = frame(stdout).set_index("category")
    e = prop.loc[["2.A.1", "2.A.2", "3.A.1", "3.A.2"], "co2e_t"]
    assert e["3.A.2"] == pytest.approx(10_000 * 16e-3 * 28)
    assert prop.loc["3.A.2", "uncertainty_pct"] == pytest.approx((10**2 + 30**2) ** 0.5)
    # One head count feeds both cattle categories: its ±10 % moves them together (fully
    # correlated), the manure factor's ±30 % is its own.
    terms = [0.05 * e["2.A.1"], 0.08 * e["2.A.2"], 0.10 * (e["3.A.1"] + e["3.A.2"]),
             0.30 * e["3.A.2"]]
    expected = 100 * sum(t**2 for t in terms) ** 0.5 / e.sum()
    assert prop.loc["total", "uncertainty_pct"] == pytest.approx(expected)
    assert prop.loc["2.A.1", "low_t"] == pytest.approx(52_000 * 0.95)
    mc_args = ("uncertainty", act, "--gwp", "AR5", "--method", "montecarlo", "--iterations",
               "20000", "--seed", "7")
    first, second = run(*mc_args), run(*mc_args)
    assert first[0] == 0 and first[1] == second[1]
    mc = frame(first[1]).set_index("category")
    assert mc.loc["total", "uncertainty_pct"] == pytest.approx(
        prop.loc["total", "uncertainty_pct"], rel=0.05)
    assert mc.loc["total", "low_t"] == pytest.approx(prop.loc["total", "low_t"], rel=0.01)
    other = run("uncertainty", act, "--gwp", "AR5", "--method", "montecarlo", "--iterations",
                "20000", "--seed", "8")
    assert other[1] != first[1]


def test_template_and_balance(tmp_path: Path) -> None:
    code, stdout, _ = run("template", tmp_path / "t.xlsx")
    assert code == 0 and (tmp_path / "t.xlsx").exists()
    from tests.inventory.test_formats_balance import write_yearbook

    book = write_yearbook(tmp_path / "b.xlsx")
    code, stdout, stderr = run("balance", book, "--region", "330100", "--year", "2022")
    assert code == 0, stderr
    out = frame(stdout).set_index("item")
    assert {"raw_coal", "coke", "diesel", "natural_gas", "total"} <= set(out.index)
    assert out.loc["total", "difference_t"] == pytest.approx(
        out.loc["total", "reference_co2_t"] - out.loc["total", "sectoral_co2_t"])
    assert "non-energy use" in stderr


def test_grid_factor_for_every_year_2005_2025(tmp_path: Path) -> None:
    """Issue #9: the CLI failed on 2015–2020 and 2024–2025 (no factor).  Each year now takes
    the cn-grid-series value, with its splice rule in the lineage."""
    act = tmp_path / "e.csv"
    act.write_text("region_code,year,category,item,value,unit\n" + "".join(
        f"330100,{y},memo.net_imported_electricity,电力,10,亿千瓦时\n"
        for y in (2015, 2020, 2022, 2023, 2025)), encoding="utf-8")
    code, stdout, stderr = run("compute", act, "--gwp", "AR5")
    assert code == 0, stderr
    out = frame(stdout).set_index("year")
    # 10 亿kWh = 1,000,000 MWh × factor (kg/kWh = t/MWh).
    assert out.loc[2015, "emissions_t"] == pytest.approx(1e6 * 0.5422)
    assert out.loc[2022, "emissions_t"] == pytest.approx(1e6 * 0.5153)
    assert out.loc[2025, "emissions_t"] == pytest.approx(out.loc[2023, "emissions_t"])
    assert out.loc[2015, "factor_ids"].endswith("/2015/held-2021")
    assert "ratio-GRID-EC" in out.loc[2023, "factor_ids"]

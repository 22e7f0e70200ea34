"""The factor library: packaged datasets, lookups, overrides, user sets on both backends, CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tanzhi.config import Settings
from tanzhi.kernel.audit import AuditEntry, make_session_factory
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.errors import DataError, NotFound
from tanzhi.kernel.factor_sets import (
    FactorRow,
    PublishedSetError,
    SetStatus,
    create_factor_set,
    get_factor_set,
    library_for_set,
    list_factor_sets,
    load_factor_set,
    new_version,
    publish_factor_set,
    read_factor_file,
    replace_factors,
    set_factors,
)
from tanzhi.kernel.factors import (
    FACTORS_ROOT,
    PACKAGED_DATASETS,
    check_factor,
    default_library,
    packaged_items,
    region_chain,
    resolve_item,
)
from tanzhi.kernel.gwp import canonical_gas
from tanzhi.kernel.provenance import DATA_ROOT, editions, verify_dataset
from tanzhi.kernel.units import parse_unit

LIB = default_library()

# Golden values straight from the reference compendium (/work/shared/reference/factors).
GOLDEN = [
    # fossil_fuels.csv rows 2 and 30 (raw coal NCV, V via the NDRC 2016 OM annex)
    ("cn-prov-2011/raw_coal/ncv", 20908.0, "kJ/kg", False),
    ("cn-gbt2589/raw_coal/ncv", 20908.0, "kJ/kg", False),
    ("cn-gbt2589/raw_coal/standard_coal_coefficient", 0.7143, "kgce/kg", True),
    ("cn-gbt2589/natural_gas/ncv", 38931.0, "kJ/m**3", True),
    ("cn-gbt2589/natural_gas/standard_coal_coefficient", 1.33, "kgce/m**3", True),
    ("cn-prov-2011/raw_coal/carbon_content", 26.37, "tC/TJ", True),
    ("cn-prov-2011/raw_coal/oxidation", 0.94, "dimensionless", True),
    ("cn-prov-2011/natural_gas/carbon_content", 15.3, "tC/TJ", True),
    # electricity.csv: national 2022 (S), East China 2022 (S), Zhejiang 2022 (C)
    ("cn-grid-average/electricity/grid_average_ef/000000/2022", 0.5366, "kgCO2/kWh", True),
    ("cn-grid-average/electricity/grid_average_ef/GRID-EC/2022", 0.5617, "kgCO2/kWh", True),
    ("cn-grid-average/electricity/grid_average_ef/330000/2022", 0.5153, "kgCO2/kWh", True),
    ("cn-grid-ets/electricity/ets_grid_ef/000000/2022-", 0.5703, "tCO2/MWh", True),
    ("cn-power-footprint/electricity/footprint_ef/000000/2023", 0.6205, "kgCO2/kWh", True),
    ("cn-grid-om-2016/electricity/om_ef_3yr/GRID-EC/2012-2014", 0.8086, "tCO2/MWh", False),
    # ipcc_defaults.csv (all V): clinker, enteric CH4 of Asian dairy cattle, EF1, landfill MCF
    ("ipcc-2006/cement_clinker/co2_ef", 0.52, "tCO2/t", False),
    ("ipcc-2006/dairy_cattle/enteric_ch4_ef/asia", 68.0, "kgCH4/head/yr", False),
    ("ipcc-2006/managed_soils/direct_n2o_ef", 0.01, "kgN2ON/kgN", False),
    ("ipcc-2006/landfill/mcf/managed_anaerobic", 1.0, "dimensionless", False),
    ("ipcc-2006/forest/carbon_fraction/default", 0.47, "tC/t", False),
    # purchased heat (C: not seen in a primary text)
    ("cn-heat/heat/co2_ef", 0.11, "tCO2/GJ", True),
]


@pytest.mark.parametrize(("factor_id", "value", "unit", "provisional"), GOLDEN)
def test_golden_values(factor_id: str, value: float, unit: str, provisional: bool) -> None:
    factor = LIB.by_id(factor_id)
    assert (factor.value, factor.unit, factor.provisional) == (value, unit, provisional)
    assert factor.source and factor.locator


def test_ipcc_rows_carry_efdb_ids_and_ranges() -> None:
    ef1 = LIB.by_id("ipcc-2006/managed_soils/direct_n2o_ef")
    assert "EFDB EF ID 417317" in ef1.locator
    assert ef1.category == "3.C.4"
    assert ef1.uncertainty_pct == pytest.approx(135.0)  # (0.03 - 0.003) / 2 / 0.01
    assert all("EFDB" in f.locator for f in LIB.select(dataset="ipcc-2006"))


def test_every_packaged_unit_parses_and_every_gas_is_known() -> None:
    for factor in LIB.factors():
        parse_unit(factor.unit)
        if factor.gas and factor.gas != "CO2e":
            assert canonical_gas(factor.gas) == factor.gas, factor.id
        assert check_factor(factor) == [], factor.id


def test_every_dataset_checksum_matches() -> None:
    folders = sorted((DATA_ROOT / FACTORS_ROOT).glob("*/*/meta.yaml"))
    assert {p.parent.parent.name for p in folders} == {*PACKAGED_DATASETS, "items"}
    for meta in folders:
        verify_dataset(meta.parent, dataset_id=f"{FACTORS_ROOT}/{meta.parent.parent.name}")


def test_provisional_follows_the_confidence_mark() -> None:
    for factor in LIB.factors():
        if factor.confidence in {"S", "C"}:
            assert factor.provisional and factor.note.startswith("provisional:"), factor.id
        elif factor.dataset == "cn-grid-series":
            # Derived by a splice rule (issue #9): D, yet provisional, and says so.
            assert factor.confidence == "D" and factor.provisional, factor.id
            assert factor.note.startswith("provisional:"), factor.id
        else:
            assert factor.confidence in {"V", "D"} and not factor.provisional, factor.id
    zhejiang = LIB.select(dataset="cn-grid-average")
    assert all(f.provisional for f in zhejiang if f.region_code == "330000")


def test_ids_follow_the_scheme() -> None:
    for factor in LIB.factors():
        assert factor.id.startswith(f"{factor.dataset}/{factor.item}/{factor.parameter}")
        if factor.variant:
            assert f"/{factor.variant}" in factor.id
        if factor.region_code:
            assert f"/{factor.region_code}" in factor.id


def test_derived_co2_factors_agree_with_their_parts() -> None:
    # 二氧化碳排放系数 = NCV × carbon content × oxidation × 44/12 in the circulated table.
    for item in ("raw_coal", "coke", "crude_oil", "gasoline", "diesel", "natural_gas"):
        ncv = LIB.lookup(item=item, parameter="ncv", dataset="cn-prov-2011")
        cc = LIB.lookup(item=item, parameter="carbon_content", dataset="cn-prov-2011")
        of = LIB.lookup(item=item, parameter="oxidation", dataset="cn-prov-2011")
        co2 = LIB.lookup(item=item, parameter="co2_ef", dataset="cn-prov-2011")
        unit = "kgCO2/m**3" if item == "natural_gas" else "kgCO2/kg"
        per_fuel = "kJ/m**3" if item == "natural_gas" else "kJ/kg"
        computed = (ncv.value_in(per_fuel) * 1e-9 * cc.value_in("tC/TJ") * 1e3 * of.value
                    * 44 / 12)  # kJ→TJ, tC→kgC
        assert computed == pytest.approx(co2.value_in(unit), rel=2e-3), item


def test_items_resolve_chinese_names_of_the_activity_files() -> None:
    names = ["原煤", "洗精煤", "其他洗煤", "型煤", "焦炭", "焦炉煤气", "高炉煤气", "转炉煤气",
             "其他煤气", "原油", "汽油", "煤油", "柴油", "燃料油", "液化石油气", "炼厂干气",
             "天然气", "液化天然气", "石脑油", "润滑油", "石蜡", "溶剂油", "石油沥青", "石油焦",
             "其他石油制品", "电力", "热力", "水泥熟料", "奶牛", "水稻"]
    items = packaged_items()
    for name in names:
        assert items[resolve_item(name)].name_zh == name
    assert resolve_item("LPG") == "lpg"
    assert resolve_item("  液化天然气（LNG） ") == "lng"  # full-width brackets, qualifier dropped
    assert resolve_item("煤油(一般煤油)") == "kerosene"
    with pytest.raises(DataError) as info:
        resolve_item("原煤煤")
    assert "原煤" in str(info.value)  # suggests the close name


def test_every_factor_item_is_catalogued() -> None:
    items = packaged_items()
    assert {f.item for f in LIB.factors()} <= set(items)
    frame = LIB.items()
    assert list(frame.columns) == ["item", "name_zh", "name_en", "kind", "aliases", "n_factors"]
    # NCV, carbon content, oxidation, CO2 factor + CH4/N2O for 1.A.1, 1.A.2, 1.A.4.a/b/c
    # (ipcc-2006-nonco2 edition 2026-12, issue #9) + 4 fugitive CH4 of mining (1.B.1.a, ipcc-2006).
    assert frame.set_index("item").loc["raw_coal", "n_factors"] == 20


def test_lookup_falls_back_from_county_to_province_to_grid_to_nation() -> None:
    assert region_chain("330106") == ["330106", "330100", "330000", "GRID-EC", "000000", ""]
    zhejiang_2022 = LIB.lookup(item="电力", parameter="grid_average_ef", region_code="330106",
                               year=2022)
    assert zhejiang_2022.value == 0.5153 and zhejiang_2022.region_code == "330000"
    # No published Zhejiang value for 2023: the spliced Zhejiang series (cn-grid-series),
    # not a silent switch to the East China grid's factor (issue #9).
    east_2023 = LIB.lookup(item="电力", parameter="grid_average_ef", region_code="330106",
                           year=2023)
    assert (east_2023.value, east_2023.region_code) == (0.5011, "330000")
    assert east_2023.dataset == "cn-grid-series"
    national = LIB.lookup(item="electricity", parameter="grid_average_ef", year=2021)
    assert national.value == 0.5568
    guangdong = LIB.lookup(item="电力", parameter="grid_average_ef", region_code="440100",
                           year=2022)
    assert guangdong.region_code == "000000"


def test_lookup_precedence_and_explicit_choices() -> None:
    assert LIB.lookup(item="原煤", parameter="ncv").dataset == "cn-prov-2011"
    gasoline = LIB.lookup(item="汽油", parameter="ncv", dataset="cn-ndrc-2015")
    assert gasoline.value_in("GJ/t") == pytest.approx(44.8)
    assert LIB.lookup(item="硝酸", parameter="n2o_ef", variant="high_pressure").value == 9
    assert LIB.lookup(item="硝酸", parameter="n2o_ef", gas="氧化亚氮", variant="nscr").value == 2
    with pytest.raises(DataError):
        LIB.select(dataset="no-such-dataset")
    assert LIB.lookup(item="原煤", parameter="carbon_content", category="1.A.1.a").value == 26.37
    with pytest.raises(DataError) as info:
        LIB.lookup(item="硝酸", parameter="n2o_ef")
    assert "variant" in str(info.value)
    with pytest.raises(DataError):
        LIB.lookup(item="电力", parameter="grid_average_ef")  # which year?
    with pytest.raises(DataError) as info:
        LIB.lookup(item="电力", parameter="grid_average_ef", year=2022,
                   include_provisional=False)
    assert "no factor" in str(info.value)
    with pytest.raises(NotFound):
        LIB.by_id("cn-prov-2011/unobtainium/ncv")


def test_compendium_parameter_names_are_accepted() -> None:
    # The inventory engine asks with the reference compendium's names.
    ncv = LIB.lookup(item="原煤", parameter="net_calorific_value")
    assert ncv.id == "cn-prov-2011/raw_coal/ncv"
    assert LIB.lookup(item="clinker", parameter="EF_clinker").value == 0.52
    assert LIB.lookup(item="managed_soils", parameter="EF5_indirect_N2O").value == 0.0075
    assert LIB.lookup(item="landfill", parameter="MCF_SWDS", category="4.A.3").value == 0.6
    assert LIB.lookup(item="电力", parameter="grid_average_co2_ef", region_code="330000",
                      year=2022).value == 0.5153
    with pytest.raises(NotFound) as info:  # absent factor: a NotFound that is also a DataError
        # (raw coal has fugitive factors for mining, 1.B.1.a, since issue #9; none for 1.B.2)
        LIB.lookup(item="原煤", parameter="EF_fugitive", category="1.B.2", region_code="330100",
                   year=2020)
    assert isinstance(info.value, DataError)


def test_value_in_converts_units() -> None:
    assert LIB.by_id("cn-prov-2011/raw_coal/ncv").value_in("GJ/t") == pytest.approx(20.908)
    grid = LIB.by_id("cn-grid-average/electricity/grid_average_ef/000000/2022")
    assert grid.value_in("tCO2/MWh") == pytest.approx(0.5366)
    gas = LIB.by_id("cn-ndrc-2015/natural_gas/ncv")
    assert gas.value_in("kJ/m**3") == pytest.approx(38931.0)


def test_with_overrides_replaces_by_id_and_leaves_the_default_alone() -> None:
    default = LIB.by_id("cn-prov-2011/raw_coal/ncv")
    mine = replace(default, value=21.5, unit="GJ/t", dataset="user:local", edition="v1")
    local = LIB.with_overrides([mine])
    assert local.lookup(item="原煤", parameter="ncv").value == 21.5
    assert LIB.lookup(item="原煤", parameter="ncv").value == 20908.0
    assert len(local) == len(LIB)
    with pytest.raises(DataError) as info:
        LIB.with_overrides([replace(mine, unit="kg")])
    assert info.value.problems[0].location.column == "unit"


CSV_HEADER = "id,item,parameter,gas,value,unit,region_code,year_from,year_to,source\n"


def test_read_factor_file_overrides_by_id(tmp_path: Path) -> None:
    path = tmp_path / "local.csv"
    path.write_text(
        CSV_HEADER
        + "cn-prov-2011/raw_coal/ncv,原煤,ncv,,21.2,GJ/t,,,,浙江省能源统计 2023\n"
        + "zj/electricity/grid_average_ef/2022,电力,grid_average_ef,CO2,0.52,kgCO2/kWh,330000,"
          "2022,2022,省统计局\n",
        encoding="utf-8",
    )
    factors = read_factor_file(path, set_name="zj")
    assert [f.id for f in factors] == ["cn-prov-2011/raw_coal/ncv",
                                       "zj/electricity/grid_average_ef/2022"]
    assert factors[0].item == "raw_coal" and factors[0].dataset == "user:zj"
    local = LIB.with_overrides(factors)
    assert local.lookup(item="原煤", parameter="ncv").value_in("kJ/kg") == pytest.approx(21200)
    # The user set comes first in precedence, so its Zhejiang factor wins.
    assert local.lookup(item="电力", parameter="grid_average_ef", region_code="330000",
                        year=2022).value == 0.52


def test_wrong_dimension_override_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        CSV_HEADER
        + "cn-prov-2011/coke/ncv,焦炭,ncv,,28.4,GJ/t,,,,x\n"
        + "\n"  # a blank line is skipped but still counts as a spreadsheet row
        + "cn-prov-2011/raw_coal/ncv,原煤,ncv,,21.2,kg,,,,x\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        read_factor_file(path, set_name="bad")
    problem = info.value.problems[0]
    assert (problem.location.file, problem.location.row, problem.location.column) == (
        "bad.csv", 4, "unit")
    assert "dimension" in problem.message_en and "量纲" in problem.message_zh


def test_read_factor_file_collects_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        CSV_HEADER
        + "a1,不存在的燃料,ncv,,1,GJ/t,,,,x\n"
        + "a2,原煤,ncv,XYZ,1,GJ/t,33,,,x\n"
        + "cn-prov-2011/raw_coal/ncv,焦炭,ncv,,1,GJ/t,,2025,2020,x\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        read_factor_file(path, set_name="many")
    where = {(p.location.row, p.location.column) for p in info.value.problems}
    assert where >= {(2, "item"), (3, "gas"), (3, "region_code"), (4, "year_to"), (4, "item")}


def test_read_factor_file_from_excel_with_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "因子.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["因子编号", "项目", "参数", "气体", "数值", "单位", "地区代码", "起始年份",
                  "截止年份", "来源", "不确定性"])
    sheet.append(["cn-heat/heat/co2_ef", "热力", "co2_ef", "CO2", 0.105, "tCO2/GJ", None, 2023,
                  None, "某热电厂实测", 5])
    book.save(path)
    (factor,) = read_factor_file(path, set_name="heat")
    assert (factor.value, factor.year_from, factor.uncertainty_pct) == (0.105, 2023, 5.0)


# ------------------------------------------------------------------------ stored sets (both DBs)


@pytest.fixture
def factory(migrated_storage_settings: Settings):
    engine = make_engine(migrated_storage_settings)
    # Until the lead's migration includes kernel_factor_set / kernel_factor.
    yield make_session_factory(engine)
    engine.dispose()


def _override(value: float) -> list:
    return [replace(LIB.by_id("cn-heat/heat/co2_ef"), value=value, dataset="user:t",
                    edition="v1", source="test")]


@pytest.mark.storage
def test_published_set_is_immutable_and_superseded_by_a_new_version(factory) -> None:
    with unit_of_work(factory, actor="tester") as session:
        draft = create_factor_set(session, name="杭州", factors=_override(0.1),
                                  created_by="tester")
        assert (draft.version, draft.status, draft.n_factors) == (1, SetStatus.DRAFT, 1)
        replace_factors(session, draft.id, _override(0.12))
        published = publish_factor_set(session, draft.id)
        assert published.status is SetStatus.PUBLISHED and published.published_at is not None
    with pytest.raises(PublishedSetError), unit_of_work(factory, actor="tester") as session:
        replace_factors(session, draft.id, _override(0.2))
    with pytest.raises(PublishedSetError), unit_of_work(factory, actor="tester") as session:
        publish_factor_set(session, draft.id)
    # Bypassing the service: the ORM guard refuses too.
    with pytest.raises(PublishedSetError), unit_of_work(factory, actor="tester") as session:
        row = session.scalars(select(FactorRow).where(FactorRow.set_id == draft.id)).one()
        row.value = 0.3
        session.flush()
    with unit_of_work(factory, actor="tester") as session:
        assert [f.value for f in set_factors(session, draft.id)] == [0.12]
        second = new_version(session, draft.id, created_by="tester", factors=_override(0.13))
        assert (second.name, second.version, second.supersedes_id) == ("杭州", 2, draft.id)
        library = library_for_set(session, second.id)
        assert library.by_id("cn-heat/heat/co2_ef").value == 0.13
        assert library.by_id("cn-heat/heat/co2_ef").dataset == "user:杭州"
        assert [s.version for s in list_factor_sets(session, name="杭州")] == [1, 2]
        audited = session.execute(
            select(func.count()).select_from(AuditEntry).where(
                AuditEntry.entity == "kernel_factor_set")
        ).scalar_one()
        assert audited >= 3  # create, publish, new version


@pytest.mark.storage
def test_load_factor_set_from_file_is_all_or_nothing(factory, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(CSV_HEADER + "cn-prov-2011/coke/ncv,焦炭,ncv,,28.4,GJ/t,,,,x\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_HEADER + "cn-prov-2011/coke/ncv,焦炭,ncv,,28.4,kg,,,,x\n",
                   encoding="utf-8")
    with unit_of_work(factory, actor="tester") as session:
        stored = load_factor_set(session, good, name="local", created_by="tester")
    with pytest.raises(DataError), unit_of_work(factory, actor="tester") as session:
        load_factor_set(session, bad, name="local", created_by="tester")
    with factory() as session:
        assert [s.id for s in list_factor_sets(session)] == [stored.id]
        assert get_factor_set(session, stored.id).n_factors == 1
        with pytest.raises(NotFound):
            get_factor_set(session, stored.id + 100)


# ------------------------------------------------------------------------------------------ CLI


def test_cli_list_show_items() -> None:
    from tanzhi.kernel.cli import factor_app

    runner = CliRunner()
    listed = runner.invoke(factor_app, ["list", "--dataset", "cn-heat", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert (row["id"], row["value"], row["unit"]) == ("cn-heat/heat/co2_ef", 0.11, "tCO2/GJ")
    csv_out = runner.invoke(factor_app, ["list", "--item", "原煤", "--format", "csv"])
    assert "cn-prov-2011/raw_coal/ncv" in csv_out.output
    shown = runner.invoke(factor_app, ["show", "cn-prov-2011/raw_coal/ncv"])
    assert shown.exit_code == 0 and "20908" in shown.output
    items = runner.invoke(factor_app, ["items", "--format", "csv"])
    assert "raw_coal,原煤,Raw coal,fuel" in items.output


def test_cli_load_stores_a_set(tmp_path: Path, migrated_settings: Settings,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    from tanzhi.kernel.cli import factor_app

    monkeypatch.setenv("TANZHI_DATA_DIR", str(migrated_settings.data_dir))
    path = tmp_path / "set.csv"
    path.write_text(CSV_HEADER + "cn-heat/heat/co2_ef,热力,co2_ef,CO2,0.1,tCO2/GJ,,,,x\n",
                    encoding="utf-8")
    runner = CliRunner()
    loaded = runner.invoke(factor_app, ["load", str(path), "--name", "城市", "--publish"])
    assert loaded.exit_code == 0, loaded.output
    assert "v1 (published): 1 factors" in loaded.output
    sets = runner.invoke(factor_app, ["sets", "--format", "json"])
    (stored,) = json.loads(sets.output)
    assert (stored["name"], stored["status"], stored["n_factors"]) == ("城市", "published", 1)
    assert editions(f"{FACTORS_ROOT}/cn-heat") == ["2026-11"]

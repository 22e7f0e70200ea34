"""ACTIVITY and factor-override files: reading, checking, locating missing factors, templates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tanzhi.inventory.formats.activity import (
    ACTIVITY_SCHEMA,
    read_activity,
    read_factor_overrides,
    write_activity_template,
)
from tanzhi.inventory.formats.locate import compute_located
from tanzhi.kernel import DataError, default_library

DATA = Path(__file__).parent / "data"


def where(exc: DataError) -> list[tuple[str | None, int | None, str | None]]:
    return [(p.location.file, p.location.row, p.location.column) for p in exc.problems]


def test_reads_chinese_names_compact_codes_and_variants() -> None:
    text = ("地区代码,年份,类别,项目,数值,单位,不确定性(%)\n"
            "330100,2022,1A1ai,原煤,100,万吨,5\n"
            "330100,2022,3.C.7,间歇灌溉-单次晒田,1,万公顷,\n"
            "330100,2022,2.F.1,HFC-134a,10,t,\n"
            "330100,2022,memo.net_imported_electricity,电力,-3,亿千瓦时,\n")
    frame = read_activity(text.encode("gbk"), filename="a.csv")
    assert frame["category"].tolist()[:2] == ["1.A.1.a.i", "3.C.7"]
    assert frame["item"].tolist() == ["raw_coal", "intermittently_flooded_single_aeration",
                                      "HFC134a", "electricity"]
    assert frame["uncertainty_pct"].tolist()[0] == 5.0 and np.isnan(frame["uncertainty_pct"][1])
    assert frame["_row"].tolist() == [2, 3, 4, 5]
    # A net exporter's negative net imports are allowed (signed memo item).
    assert frame["value"].iloc[3] == -3


def test_xlsx_with_a_blank_row_keeps_sheet_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([c.name for c in ACTIVITY_SCHEMA.columns[:6]])
    ws.append(["330100", 2022, "1.A.3.b", "柴油", 10, "万吨"])
    ws.append([])
    ws.append(["330100", 2022, "1.A.3.b", "汽油", 10, "万头"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    with pytest.raises(DataError) as info:
        read_activity(path)
    assert where(info.value) == [("a.xlsx", 4, "unit")]


def test_bad_rows_each_named_by_file_row_and_column() -> None:
    with pytest.raises(DataError) as info:
        read_activity(DATA / "bad_activity.csv")
    assert where(info.value) == [("bad_activity.csv", 2, "unit"),
                                 ("bad_activity.csv", 3, "category"),
                                 ("bad_activity.csv", 4, "item"),
                                 ("bad_activity.csv", 5, "value")]
    messages = [p.message_zh + p.message_en for p in info.value.problems]
    assert "量纲" in messages[0] and "wrong dimension" in messages[0]
    assert "negative" in messages[3]


def test_items_of_another_kind_and_livestock_subcategories_are_refused() -> None:
    text = ("region_code,year,category,item,value,unit\n"
            "330100,2022,1.A.2,猪,1,万吨\n330100,2022,3.A.1,猪,1,万头\n"
            "330100,2022,1.A.1.a,原煤,1,万吨\n330100,2022,1.A.1.a,原煤,2,万吨\n")
    with pytest.raises(DataError) as info:
        read_activity(text.encode(), filename="k.csv")
    assert where(info.value) == [("k.csv", 2, "item"), ("k.csv", 3, "category"),
                                 ("k.csv", 5, "item")]
    assert "duplicates row 4" in info.value.problems[2].message_en


def test_a_year_without_factor_names_the_row_and_year_column() -> None:
    text = ("region_code,year,category,item,value,unit\n"
            "330100,2022,2.A.1,熟料,10,万吨\n"
            "330100,2040,memo.net_imported_electricity,电力,10,亿千瓦时\n")
    frame = read_activity(text.encode(), filename="y.csv")
    with pytest.raises(DataError) as info:
        compute_located(frame, default_library(), source="y.csv")
    assert where(info.value) == [("y.csv", 3, "year")]
    assert "2040" in info.value.problems[0].message_en


def test_override_file_layers_over_defaults_with_user_ids() -> None:
    """1,000,000 t raw coal in power: default 20.908 GJ/t × 26.37 t C/TJ × 0.94 × 44/12 =
    1,900,298.85 t CO2; with NCV 20 GJ/t from the file 1,000,000 × 20 GJ = 20,000 TJ × 26.37 ×
    0.94 × 44/12 = 1,817,772 t.  A CH4 'ef' of 1 kg/TJ (IPCC 2006 Vol.2 Table 2.2, coal in
    energy industries) gives 20,000 TJ × 1 kg/TJ = 20 t CH4, against the default 1 kg/TJ on the
    default 20.908 GJ/t = 20.908 t."""
    act = read_activity(b"region_code,year,category,item,value,unit\n"
                        b"330100,2022,1.A.1.a.i,\xe5\x8e\x9f\xe7\x85\xa4,100,\xe4\xb8\x87\xe5\x90\xa8\n",
                        filename="c.csv")
    base = compute_located(act, default_library()).rows.set_index("gas")
    assert base.loc["CO2", "emissions_t"] == pytest.approx(1_900_298.8488)
    assert base.loc["CH4", "emissions_t"] == pytest.approx(20.908)
    file = ("category,item,gas,parameter,value,unit,uncertainty_pct\n"
            "1.A,原煤,,ncv,20,GJ/t,3\n1.A.1,原煤,CH4,ef,1,kg/TJ,\n").encode()
    lib = read_factor_overrides(file, filename="f.csv")
    rows = compute_located(act, lib).rows.set_index("gas")
    assert rows.loc["CO2", "emissions_t"] == pytest.approx(1_817_772.0)
    assert rows.loc["CO2", "factor_ids"].split("|")[0] == "user:f.csv#2/raw_coal/ncv"
    assert rows.loc["CH4", "emissions_t"] == pytest.approx(20.0)
    refs = {r.id for r in lib.dataset_refs()}
    assert "user:f.csv" in refs and "cn-prov-2011" in refs
    assert lib.by_id("user:f.csv#2/raw_coal/ncv").uncertainty_pct == 3.0


def test_override_file_problems_are_located() -> None:
    file = ("category,item,gas,parameter,value,unit\n"
            "1.A,原煤,,ncv,20,t\n"            # mass, not energy per mass
            "1.A,原煤,CO2,ef,90,t/TJ\n"       # EF per energy: accepted since issue #9 item 2
            "1.A,原煤,CH4,ef,1,kg/TJ\n"
            "1.A,foo,,ncv,1,GJ/t\n"
            "3.C.5,managed_soils,N2O,ef,0.01,1\n"  # no single 3.C.5 parameter is a bare `ef`
            "1.A,原煤,,no_such_parameter,1,1\n").encode()
    with pytest.raises(DataError) as info:
        read_factor_overrides(file, filename="f.csv")
    assert where(info.value) == [("f.csv", 2, "unit"), ("f.csv", 5, "item"),
                                 ("f.csv", 6, "parameter"), ("f.csv", 7, "parameter")]


def test_template_examples_pass_the_reader(tmp_path: Path) -> None:
    path = write_activity_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["数据 Data", "说明 Notes"]
    assert {"示例 Example", "类别 Categories"} <= set(book.sheetnames)
    frame = read_activity(path, sheet="示例 Example")
    assert len(frame) == 12 and set(frame["category"].str[0]) == {"1", "2", "3", "4", "m"}
    csv = write_activity_template(tmp_path / "t.csv")
    assert csv.read_text(encoding="utf-8-sig").strip() == ",".join(
        c.name for c in ACTIVITY_SCHEMA.columns)


def test_forest_types_from_the_factor_file_are_accepted() -> None:
    lib = read_factor_overrides(
        "category,item,gas,parameter,value,unit,variant\n"
        "3.B.1,forest,,wood_density_D,0.4,t/m**3,杉木\n".encode(), filename="f.csv")
    text = "region_code,year,category,item,value,unit\n330100,2020,3.B.1,杉木,1,万立方米\n"
    with pytest.raises(DataError):
        read_activity(text.encode(), filename="a.csv")
    frame = read_activity(text.encode(), filename="a.csv", factors=lib)
    assert frame["item"].tolist() == ["杉木"]
    assert isinstance(frame, pd.DataFrame)

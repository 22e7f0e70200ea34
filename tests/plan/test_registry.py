"""Plan registry: the five seed plans load, with the seeds' exact numbers and their defects."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tanzhi.kernel import DataError, NotFound
from tanzhi.plan.model import Plan, list_plans, load_plan, plans_root

# The seed texts live beside the checkout (../shared/reference/seeds); the quote check skips
# when they are not there.
SEEDS = Path(
    os.environ.get(
        "TANZHI_SEED_DIR", Path(__file__).resolve().parents[3] / "shared/reference/seeds"
    )
)

PLANS = {
    # id: (edition, region_code, status, indicators encoded)
    "zj-fyp14-climate": ("2021-draft", "330000", "draft", 14),
    "hz-fyp14-climate": ("2021-12-22", "330100", "final", 15),
    "jx-fyp14-climate": ("2022-08-18", "330400", "final", 34),
    "sx-fyp14-climate": ("2021-12-01", "330600", "final", 14),
    "tz-fyp14-climate": ("2021-draft", "331000", "draft", 15),
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)]


def test_every_plan_loads_with_its_identity() -> None:
    refs = {r.id: r for r in list_plans()}
    assert set(refs) == set(PLANS)
    for plan_id, (edition, region, state, count) in PLANS.items():
        ref = refs[plan_id]
        assert (ref.edition, ref.region_code, ref.status, ref.indicator_count) == (
            edition,
            region,
            state,
            count,
        )
        plan = load_plan(plan_id)
        assert (plan.period_start, plan.period_end, plan.base_year, plan.plan_years) == (
            2021,
            2025,
            2020,
            5,
        )


# ---- the seeds' tables, typed from the seed texts ----------------------------------------
# Names by 序号, then rows: (序号, 单位, 2020 as printed, 2020 value, 2025 as printed,
# 2025 value, 指标性质, 责任部门).

ZJ_NAMES = {
    1: "单位地区生产总值二氧化碳排放降低",
    2: "单位地区生产总值能源消耗降低",
    3: "非化石能源占一次能源消费比重",
    4: "单位工业增加值二氧化碳排放降低",
    5: "新建建筑二星级以上绿色建筑占比",
    6: "“公转水”“公转铁”比例",
    7: "森林蓄积量",
    8: "湿地保有量",
    9: "大陆自然岸线占比",
    10: "达到海绵城市建设目标要求的建成区面积比例",
    11: "累计新建或提标高标准农田",
    12: "气象灾害损失占地区生产总值的平均比例",
    13: "“零碳”示范试点建设数量",
    14: "低碳工业园区建设数量",
}
ZJ_ROWS = [
    (1, "%", "-", None, "国家下达指标", None, "约束性", "省生态环境厅"),
    (2, "%", "-", None, "国家下达指标", None, "约束性", "省发展改革委"),
    (3, "%", "19.8*", 19.8, "24", 24, "约束性", "省发展改革委"),
    (4, "%", "-", None, "较全省碳排放强度下降平均高2个百分点", 2, "约束性", "省经信厅"),
    (5, "%", "-", None, "30", 30, "约束性", "省建设厅"),
    (6, "%", "-", None, "3，5", None, "约束性", "省交通运输厅"),
    (7, "亿立方米", "3.75", 3.75, "≥4.45", 4.45, "约束性", "省林业局"),
    (8, "万公顷", "100", 100, "国家下达指标", None, "约束性", "省林业局"),
    (9, "%", "约35", 35, "≥35", 35, "约束性", "省自然资源厅"),
    (10, "%", "-", None, "设市城市≥55；其他县城建成区≥25", None, "预期性", "省建设厅"),
    (11, "万亩", "-", None, "300", 300, "约束性", "省农业农村厅"),
    (12, "%", "-", None, "≤2", 2, "预期性", "省应急管理厅"),
    (13, "个", "-", None, "500", 500, "预期性", "省生态环境厅"),
    (14, "个", "-", None, "30", 30, "预期性", "省生态环境厅"),
]

# Taizhou prints the unit inside the name, e.g. 非化石能源占一次能源消费比重（%）.
TZ_NAMES = {
    1: "单位地区生产总值二氧化碳排放降低",
    2: "单位地区生产总值能源消耗降低",
    3: "非化石能源占一次能源消费比重",
    4: "单位工业增加值二氧化碳排放降低率",
    5: "新建建筑二星级以上绿色建筑占比",
    6: "“公转水”“公转铁”比例",
    7: "森林蓄积量",
    8: "湿地保有量",
    9: "煤炭消费比重",
    10: "大陆自然岸线占比",
    11: "累计新建或提标高标准农田",
    12: "达到海绵城市建设目标要求的面积占建成区面积比例",
    13: "气象灾害损失占地区生产总值的平均比例",
    14: "“零碳”示范试点建设数量",
    15: "低碳工业园区建设数量",
}
TZ_ROWS = [
    (1, "%", "—", None, "上级下达", None, "约束性", "市生态环境局"),
    (2, "%", "[16.3]", 16.3, "上级下达", None, "约束性", "市发改委"),
    (3, "%", "20", 20, "25", 25, "约束性", "市发改委"),
    (4, "%", "", None, "上级下达", None, "约束性", "市经信局"),
    (5, "%", "28", 28, "26以上", 26, "约束性", "市建设局"),
    (6, "%", "45.4", 45.4, "52", 52, "约束性", "市交通局"),
    (7, "亿立方米", "3485.5", 3485.5, "上级下达", None, "约束性", "市自然资源局"),
    (8, "万公顷", "18.6", 18.6, "上级下达", None, "约束性", "市自然资源局"),
    (9, "%", "—", None, "上级下达", None, "预期性", "市发改委"),
    (10, "%", "", None, "", None, "约束性", "市自然资源局"),
    (11, "万亩", "", None, "上级下达", None, "约束性", "市农业农村局"),
    (
        12,
        "%",
        "市区 25；县级市 20；县城 /",
        None,
        "市区 55；县级市 55；县城 25",
        None,
        "预期性",
        "市建设局",
    ),
    (13, "%", "", None, "上级下达", None, "预期性", "市应急管理局"),
    (14, "个", "-", None, "50", 50, "预期性", "市生态环境局"),
    (15, "个", "-", None, "3", 3, "预期性", "市生态环境局"),
]

# Shaoxing's table has no department column; cell-wrap spaces between CJK characters dropped.
SX_NAMES = {
    1: "单位地区生产总值二氧化碳排放降低",
    2: "单位 GDP 综合能耗",
    3: "非化石能源占比",
    4: "单位工业增加值能耗降低",
    5: "战略性新兴产业增加值占规上工业比重",
    6: "城镇新建建筑二星级以上绿色建筑占比",
    7: "城镇新建公共建筑二星级以上绿色建筑占比",
    8: "湿地保护率",
    9: "政府投资项目绿色建材应用比例",
    10: "城市中心城区绿色出行比例",
    11: "森林蓄积量",
    12: "达到海绵城市建设目标要求面积占建成区面积比例",
    13: "累计新建或提标高标准农田",
    14: '"低(零)碳"示范县(市、区)/"低(零)碳"示范乡镇(街道)/"低(零)碳"示范村(社区)建设数量',
}
SX_ROWS = [
    (1, "%", "-", None, "省下达指标", None, "约束性", None),
    (2, "吨标准煤/万元", "0.41", 0.41, "完成省下达任务", None, "约束性", None),
    (3, "%", "2.8", 2.8, "逐步提高", None, "约束性", None),
    (4, "%", "-", None, "完成省下达任务", None, "预期性", None),
    (5, "%", "44", 44, "50左右", 50, "预期性", None),
    (6, "%", "-", None, "45", 45, "预期性", None),
    (7, "%", "-", None, "100%", 100, "预期性", None),
    (8, "%", "60.6", 60.6, "不减少", None, "预期性", None),
    (9, "%", "-", None, "100%", 100, "预期性", None),
    (10, "%", "70", 70, "75%", 75, "预期性", None),
    (11, "万立方米", "2260", 2260, "2680", 2680, "约束性", None),
    (12, "%", "20", 20, "50", 50, "预期性", None),
    (13, "万亩", "-", None, "30", 30, "预期性", None),
    (14, "^", "0/1/1", None, "3/10/100", None, "预期性", None),
]

TABLES = {
    "zj-fyp14-climate": (ZJ_NAMES, ZJ_ROWS),
    "tz-fyp14-climate": (TZ_NAMES, TZ_ROWS),
    "sx-fyp14-climate": (SX_NAMES, SX_ROWS),
}


@pytest.mark.parametrize("plan_id", sorted(TABLES))
def test_table_rows_have_the_seed_numbers(plan_id: str) -> None:
    plan = load_plan(plan_id)
    names, rows = TABLES[plan_id]
    assert [i.seq for i in plan.indicators] == [r[0] for r in rows] == list(names)
    assert {i.seq: i.name_zh for i in plan.indicators} == names
    for ind, row in zip(plan.indicators, rows, strict=True):
        got = (
            ind.seq,
            ind.unit,
            ind.baseline.printed,
            ind.baseline.value,
            ind.target.printed,
            ind.target.value,
            ind.nature,
            ind.department,
        )
        assert got == row, f"{plan_id} 序号 {row[0]}"


def test_split_cells() -> None:
    zj = load_plan("zj-fyp14-climate")
    sponge = zj.indicator("sponge_city_share").target
    assert sponge.kind == "per_region"
    assert {k: (p.comparator, p.value) for k, p in sponge.parts.items()} == {
        "设市城市": ("≥", 55),
        "其他县城建成区": ("≥", 25),
    }
    shift = zj.indicator("freight_modal_shift").target
    assert {k: p.value for k, p in shift.parts.items()} == {"公转水": 3, "公转铁": 5}
    assert zj.indicator("industrial_co2_intensity_reduction").target.relative_to == (
        "co2_intensity_reduction"
    )

    tz = load_plan("tz-fyp14-climate").indicator("sponge_city_share")
    assert {k: p.value for k, p in tz.baseline.parts.items()} == {
        "市区": 25,
        "县级市": 20,
        "县城": None,
    }
    assert tz.baseline.parts["县城"].printed == "/"
    assert {k: p.value for k, p in tz.target.parts.items()} == {
        "市区": 55,
        "县级市": 55,
        "县城": 25,
    }

    sx = load_plan("sx-fyp14-climate").indicator("low_zero_carbon_demonstrations")
    assert [p.value for p in sx.baseline.parts.values()] == [0, 1, 1]
    assert [p.value for p in sx.target.parts.values()] == [3, 10, 100]


# Plans without a table: targets typed from the text (id, 2020 value, target as printed, value).
HZ_TEXT = [
    ("co2_intensity_reduction", None, "完成省下达任务", None),
    ("energy_intensity_reduction", None, "完成省下达任务", None),
    ("non_fossil_share", 15.5, "20%以上", 20),
    ("renewable_generation_share", None, "50%以上", 50),
    ("forest_coverage", 66.85, "66.85%", 66.85),
    ("forest_stock", 6790, "7790 万立方米", 7790),
    ("wetland_protection_rate", None, "55%", 55),
    ("wetland_area", None, "159 万亩", 159),
    ("sponge_city_share", 25, "55%", 55),
    ("met_standard_villages", None, "100%", 100),
    ("prefab_building_share", 31.2, "35%", 35),
    ("public_transport_share", 52.4, "58.4%", 58.4),
    ("waste_resource_recovery", 100, "100%", 100),
    ("straw_utilisation", 95.4, "95%以上", 95),
    ("low_zero_carbon_demonstrations", None, "3~5 个；10 个；50 个", None),
]

JX_TEXT = [
    ("co2_intensity_reduction", None, "完成省下达目标", None),
    ("energy_intensity_reduction", 0.427, "完成省下达指标", None),
    ("co2_total", None, "得到有效控制", None),
    ("renewable_generation_share", None, "超30%", 30),
    ("non_fossil_share", None, "进一步提高", None),
    ("green_industrial_parks", None, "不少于5个", 5),
    ("green_factories", None, "300家", 300),
    ("high_tech_manufacturing_share", None, "19%", 19),
    ("strategic_emerging_industry_share", None, "50%", 50),
    ("eco_industry_output", None, "超1800亿元", 1800),
    ("non_fossil_capacity", None, "1100万千瓦以上", 1100),
    ("new_building_energy_saving_rate", None, "75%", 75),
    ("prefab_building_share", None, "35%", 35),
    ("high_star_green_building_certifications", None, "不少于20个", 20),
    ("green_building_coverage", None, "全覆盖", None),
    ("public_building_retrofit", None, "不少于180万平方米", 180),
    ("new_building_renewable_substitution", None, "不低于8%", 8),
    ("public_vehicle_nev_share", None, "均不低于70%", None),
    ("new_private_vehicle_nev_share", None, "不低于20%", 20),
    ("public_chargers", None, "不少于4800根", 4800),
    ("inland_shore_power_coverage", None, "100%", 100),
    ("sea_river_transport_volume", None, "突破4000万吨", 4000),
    ("waterway_length", None, "1980公里", 1980),
    ("kt_waterway_length", None, "280公里", 280),
    ("rice_fish_area", None, "15万亩", 15),
    ("soil_test_fertilisation_coverage", None, "93%以上", 93),
    ("pesticide_intensity", None, "控制在0.17千克/亩以内", 0.17),
    ("forest_coverage", None, "12.50%以上", 12.5),
    ("wetland_area", None, "121.3万亩", 121.3),
    ("wetland_protection_rate", None, "52%以上", 52),
    ("low_carbon_demo_counties", None, "至少建成1个", 1),
    ("low_zero_carbon_pilot_towns", None, "至少建成8个", 8),
    ("low_zero_carbon_pilot_villages", None, "80个", 80),
    ("zero_carbon_public_institutions", None, "25家", 25),
]


@pytest.mark.parametrize(
    ("plan_id", "rows"), [("hz-fyp14-climate", HZ_TEXT), ("jx-fyp14-climate", JX_TEXT)]
)
def test_text_targets_have_the_seed_numbers(plan_id: str, rows: list[tuple]) -> None:
    plan = load_plan(plan_id)
    got = [(i.id, i.baseline.value, i.target.printed, i.target.value) for i in plan.indicators]
    assert got == rows
    # No table: nothing printed as binding/expected or owned by a department.
    assert all(i.nature is None and i.department is None and i.seq is None for i in plan.indicators)


def test_comparators_read_the_printed_wording() -> None:
    jx = load_plan("jx-fyp14-climate")
    assert jx.indicator("pesticide_intensity").target.comparator == "≤"
    assert jx.indicator("pesticide_intensity").direction == "decrease"
    assert jx.indicator("sea_river_transport_volume").target.comparator == "≥"  # 突破
    sx = load_plan("sx-fyp14-climate")
    assert sx.indicator("wetland_protection_rate").target.comparator == "不减少"
    assert sx.indicator("strategic_emerging_industry_share").target.comparator == "左右"
    zj = load_plan("zj-fyp14-climate")
    assert zj.indicator("met_disaster_loss_share").target.comparator == "≤"
    assert zj.indicator("non_fossil_share").baseline.year == 2019  # the * footnote


# ---- internal consistency of every encoded figure ----------------------------------------


def _all_plans() -> list[Plan]:
    return [load_plan(pid) for pid in PLANS]


def test_printed_figures_appear_in_their_quotes_and_values_in_their_print() -> None:
    for plan in _all_plans():
        for ind in plan.indicators:
            where = f"{plan.id}:{ind.id}"
            tgt = ind.target
            if tgt.parts is None:
                assert _squash(tgt.printed) in _squash((tgt.source or ind.source).quote), where
            if tgt.value is not None:
                assert tgt.value in _numbers(tgt.printed), where
            for part in (tgt.parts or {}).values():
                if part.value is not None:
                    assert part.value in _numbers(part.printed), where
            base = ind.baseline
            if base.parts is None and base.printed:
                assert _squash(base.printed) in _squash((base.source or ind.source).quote), where
            if base.value is not None:
                assert base.value in _numbers(base.printed), where


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts not available")
def test_every_quote_is_verbatim_in_its_seed() -> None:
    # Verbatim up to whitespace: table quotes put one space where the seed has a tab or a line
    # break between cells; Word bookmarks ([bookmark: _Toc…]) are not part of the text.
    for plan in _all_plans():
        raw = (SEEDS / plan.seed).read_text(encoding="utf-8")
        text = _squash(re.sub(r"\[bookmark: [^\]]*\]", "", raw))
        quotes = [d.quote for d in plan.defects if d.quote]
        for ind in plan.indicators:
            quotes.append(ind.source.quote)
            for extra in (ind.baseline.source, ind.target.source):
                if extra is not None:
                    quotes.append(extra.quote)
            quotes += [d.quote for d in ind.defects if d.quote]
            assert ind.source.seed == plan.seed
        for quote in quotes:
            assert _squash(quote) in text, f"{plan.id}: {quote}"


# ---- defects from reference/notes/seed-*.md are on the indicators ------------------------

NOTED_DEFECTS = [
    # (plan, indicator or None for the plan, code)
    ("zj-fyp14-climate", None, "draft"),
    ("zj-fyp14-climate", None, "count_mismatch"),  # 15 announced, 14 listed
    ("zj-fyp14-climate", "co2_intensity_reduction", "placeholder"),  # 累计下降**%
    ("zj-fyp14-climate", "non_fossil_share", "baseline_year"),  # 19.8* is 2019 data
    ("zj-fyp14-climate", "forest_stock", "baseline_conflict"),  # 3.75 亿 vs 41500 万
    ("zj-fyp14-climate", "natural_coastline_share", "baseline_conflict"),  # 约35 vs 36.17
    ("zj-fyp14-climate", "freight_modal_shift", "ambiguous"),  # 3，5
    ("hz-fyp14-climate", None, "table_missing"),
    ("hz-fyp14-climate", "forest_coverage", "target_not_above_baseline"),  # 66.85 → 66.85
    ("hz-fyp14-climate", "public_transport_share", "scope_mismatch"),  # 主城区 vs 中心城区
    ("jx-fyp14-climate", None, "table_missing"),
    ("jx-fyp14-climate", None, "nature_not_stated"),
    ("sx-fyp14-climate", None, "count_mismatch"),
    ("sx-fyp14-climate", "non_fossil_share", "baseline_conflict"),  # 2.8 vs 20%左右
    ("tz-fyp14-climate", None, "draft"),
    ("tz-fyp14-climate", "energy_intensity_reduction", "ambiguous"),  # [16.3]
    ("tz-fyp14-climate", "energy_intensity_reduction", "status_conflict"),  # 未完成 vs 达标
    ("tz-fyp14-climate", "green_building_2star_share", "target_not_above_baseline"),  # 28 vs 26
    ("tz-fyp14-climate", "forest_stock", "unit_error"),  # 亿 vs 万立方米
    ("tz-fyp14-climate", "forest_stock", "baseline_conflict"),  # 3485.5 vs 3104.72
    ("tz-fyp14-climate", "natural_coastline_share", "blank_cell"),
    ("tz-fyp14-climate", "coal_share", "arithmetic"),  # 近5个百分点 vs 7.12
]


@pytest.mark.parametrize(("plan_id", "indicator_id", "code"), NOTED_DEFECTS)
def test_noted_defects_are_recorded(plan_id: str, indicator_id: str | None, code: str) -> None:
    plan = load_plan(plan_id)
    found = plan.defects if indicator_id is None else plan.indicator(indicator_id).defects
    assert code in {d.code for d in found}
    if indicator_id is not None:
        shown = plan.defects_for(indicator_id)
        assert code in {d.code for d in shown} and shown[: len(plan.defects)] == plan.defects


def test_defect_invariants() -> None:
    for plan in _all_plans():
        codes = {d.code for d in plan.defects}
        if plan.declared_indicator_count not in (None, len(plan.indicators)):
            assert "count_mismatch" in codes, plan.id
        if any(i.nature is None for i in plan.indicators):
            assert "nature_not_stated" in codes, plan.id
        if any(i.department is None for i in plan.indicators):
            assert "department_not_stated" in codes, plan.id
        if plan.status == "draft":
            assert "draft" in codes, plan.id
        for ind in plan.indicators:
            own = {d.code for d in ind.defects}
            if ind.nature_printed is not None:
                assert "ocr_garbled" in own, f"{plan.id}:{ind.id}"
            for d in ind.defects:
                assert d.explanation_zh and d.explanation_en


# ---- load errors -------------------------------------------------------------------------


@pytest.fixture
def plans_copy(tmp_path: Path) -> Path:
    root = tmp_path / "plans"
    shutil.copytree(plans_root(), root)
    return root


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "zj-fyp14-climate" / "2021-draft" / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_key_and_bad_value_name_file_line_and_field(plans_copy: Path) -> None:
    _edit(plans_copy, "    department: 省林业局\n", "    department: 省林业局\n    owner: x\n")
    _edit(plans_copy, "value: 4.45,", "value: abc,")
    with pytest.raises(DataError) as info:
        load_plan("zj-fyp14-climate", root=plans_copy)
    problems = {p.location.column: p for p in info.value.problems}
    assert set(problems) == {"indicators[6].owner", "indicators[6].target.value"}
    owner = problems["indicators[6].owner"]
    assert owner.location.file == "zj-fyp14-climate/2021-draft/plan.yaml"
    assert owner.message_zh.startswith("未知字段") and "unknown field" in owner.message_en
    lines = (plans_copy / "zj-fyp14-climate/2021-draft/plan.yaml").read_text().splitlines()
    assert lines[owner.location.row - 1].strip() == "owner: x"
    value = problems["indicators[6].target.value"]
    assert "abc" in lines[value.location.row - 1]
    assert "应为数字" in str(info.value) and "must be a number" in str(info.value)


def test_kind_rules_are_checked(plans_copy: Path) -> None:
    _edit(
        plans_copy,
        'target: {kind: value, printed: "24", value: 24}',
        'target: {kind: value, printed: "24"}',
    )
    with pytest.raises(DataError) as info:
        load_plan("zj-fyp14-climate", root=plans_copy)
    (problem,) = info.value.problems
    assert problem.location.column == "indicators[2].target"
    assert "needs field value" in problem.message_en and "需要字段 value" in problem.message_zh


def test_edited_edition_fails_its_checksum(plans_copy: Path) -> None:
    _edit(plans_copy, "value: 19.8", "value: 19.9")
    with pytest.raises(DataError) as info:
        load_plan("zj-fyp14-climate", root=plans_copy)
    (problem,) = info.value.problems
    assert problem.location.column == "sha256"
    assert "new edition" in problem.message_en


def test_missing_plan_or_edition_is_not_found() -> None:
    with pytest.raises(NotFound):
        load_plan("xx-fyp14-climate")
    with pytest.raises(NotFound):
        load_plan("zj-fyp14-climate", "1999-final")

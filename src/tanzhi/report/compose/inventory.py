"""The inventory report (温室气体清单报告) as a document, from an inventory's results (pure).

Structure follows the provincial inventory reports compiled under 《省级温室气体清单编制指南
（试行）》(国家发展改革委办公厅, 2011): 基本情况, 清单结果 (summary table in the guideline's
layout — CO2, CH4, N2O, HFCs, PFCs, SF6 by sector, notation keys of IPCC 2006 Vol.1 Ch.8
Table 8.2), 分领域, 不确定性 (IPCC 2006 Vol.1 Ch.3), 关键类别 (Vol.1 Ch.4), 质量保证与质量控制
(Vol.1 Ch.6), 附录 (factors with their ids and dataset editions).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from tanzhi.inventory import compute_calibre_reconciliation, compute_energy_co2
from tanzhi.report.compose.inventory_analysis import (
    appendix,
    key_section,
    qa_section,
    unc_section,
)
from tanzhi.report.compose.inventory_terms import (
    GAS_GROUPS,
    SECTORS,
    category_name,
    gas_label,
    memo_label,
    prepare_rows,
    sector_gas_cell,
    wan,
)
from tanzhi.report.model import (
    Chart,
    Column,
    Document,
    InventoryInputs,
    Paragraph,
    Row,
    Section,
    Series,
    Table,
    number_document,
)

TREND_START = 2015
GWP_WHY = {
    "SAR": "《省级温室气体清单编制指南（试行）》（2011）采用IPCC第二次评估报告（SAR）"
           "100年全球增温潜势，与历年省级清单可比。",
    "AR4": "采用IPCC第四次评估报告（AR4）100年全球增温潜势，与《联合国气候变化框架公约》"
           "附件一缔约方2015—2023年清单报告一致。",
    "AR5": "采用IPCC第五次评估报告（AR5）100年全球增温潜势：《巴黎协定》透明度框架的"
           "模式、程序和指南（《巴黎协定》缔约方会议第一届会议第18号决定）要求自2024年起的清单采用AR5，我国首次双年透明度报告亦采用AR5。",
    "AR6": "采用IPCC第六次评估报告（AR6）100年全球增温潜势，供与最新科学评估比较；"
           "与按AR5编制的国家清单不完全可比。",
}


def _num(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _pick(frame: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def _years(rows: pd.DataFrame, year: int) -> list[int]:
    present = sorted(int(y) for y in rows["year"].unique() if TREND_START <= int(y) <= year)
    return present or [year]


# ---- 一、基本情况 ---------------------------------------------------------------------------


def _basics(inp: InventoryInputs, rows: pd.DataFrame) -> Section:
    run = inp.run
    sec = Section("基本情况")
    sec.add(Paragraph(
        f"本报告为{inp.region_name}{inp.year}年温室气体清单报告。清单范围为{inp.region_name}行政区域内"
        "能源活动、工业生产过程、农业、土地利用变化和林业、废弃物处理五个领域的二氧化碳（CO2）、甲烷（CH4）、"
        "氧化亚氮（N2O）、氢氟碳化物（HFCs）、全氟化碳（PFCs）和六氟化硫（SF6）六种温室气体排放与吸收，"
        "并以信息项报告调入电力和热力隐含的二氧化碳排放、国际燃料舱和生物质燃烧二氧化碳排放。"))
    why = GWP_WHY.get(inp.gwp, f"采用{inp.gwp} 100年全球增温潜势。")
    sec.add(Paragraph(f"温室气体排放以二氧化碳当量计。{why}"))
    methods = sorted({str(m) for m in rows["method"].dropna().unique()}) if "method" in rows else []
    sec.add(Paragraph(
        "核算方法遵循《省级温室气体清单编制指南（试行）》和《2006年IPCC国家温室气体清单指南》："
        "能源活动按部门法（分部门、分燃料）核算并以参考方法校核，工业生产过程按产品产量乘以排放因子，"
        "农业、废弃物处理按指南推荐方法，土地利用变化和林业按蓄积量变化法。每个结果保留其活动水平数据行、"
        "排放因子编号与数据集版本以及所用方法，可逐项追溯。"))
    datasets = run.get("factor_datasets") or {}
    info = [
        ("清单编号", str(run.get("id", "—"))),
        ("编制时间", str(run.get("created_at", "—"))[:19]),
        ("全球增温潜势", f"{inp.gwp}（100年）"),
        ("活动水平数据来源", source_zh(str(run.get("source") or "—"))),
        # the datasets by name are in 数据来源; their ids are codes a printed report has no
        # column for (issue #11 item 7)
        ("排放因子数据集", f"{len(datasets)}个（名称和版本见“数据来源”）" if datasets else "—"),
        ("核算方法", f"IPCC 2006 与省级指南方法共{len(methods)}种"
                     "（各类别所用方法见第三部分和附录）"),
    ]
    if run.get("label"):
        # a bilingual label ("演示清单 / demo inventory") prints its Chinese half
        info.insert(1, ("清单名称", str(run["label"]).split(" / ")[0]))
    sec.add(Table("清单基本信息", [Column("项目", align="left", digits=None, width="22%"),
                                Column("内容", align="left", digits=None)],
                  [Row([k, v]) for k, v in info]))
    if inp.synthetic:
        sec.add(Paragraph("说明：本报告的活动水平数据为按规划文本校准的合成演示数据，不是官方统计数据，"
                          "仅用于演示清单编制与报告流程。", "warning"))
    return sec


# ---- 二、清单结果 ---------------------------------------------------------------------------


def _summary_table(rows: pd.DataFrame, year: int, region: str) -> Table:
    sel = rows[rows["year"] == year]
    columns = [Column("排放源与吸收汇", align="left", digits=None, width="19%")]
    for key, zh, unit in GAS_GROUPS:
        columns.append(Column(f"{zh}{gas_label(key)}", unit, 2))
    columns.append(Column("合计", "万吨二氧化碳当量", 2))
    body: list[Row] = []

    def add(label: str, part: pd.DataFrame, sector: str | None, *, indent: int = 0,
            emphasis: bool = False, prefixes: tuple[str, ...] = (), memo: bool = False) -> None:
        cells: list[Any] = [label]
        for key, _zh, _unit in GAS_GROUPS:
            cell = sector_gas_cell(part, key, sector, prefixes)
            cells.append("—" if memo and isinstance(cell, str) else cell)
        counted = part[part["emissions_t"].notna() & ~part["memo"]]
        total = counted["co2e_t"].sum() if len(counted) else None
        cells.append(wan(total) if total is not None else
                     ("NE" if "NE" in cells[1:] or len(part) else "NA"))
        body.append(Row(cells, emphasis=emphasis, indent=indent))

    for sector in SECTORS:
        part = sel[(sel["sector"] == sector) & ~sel["memo"]]
        add(sector, part, sector, emphasis=True)
        if sector == "能源活动":
            cat = part["category"].astype(str)
            add("化石燃料燃烧", part[cat.str.startswith("1.A")], sector, indent=1,
                prefixes=("1.A",))
            add("逃逸排放", part[cat.str.match(r"^1\.[BC]")], sector, indent=1,
                prefixes=("1.B", "1.C"))
    inner = sel[~sel["memo"] & sel["sector"].isin(SECTORS)]
    add("总量（不包括土地利用变化和林业）", inner[inner["sector"] != "土地利用变化和林业"], None,
        emphasis=True)
    add("总量（包括土地利用变化和林业）", inner, None, emphasis=True)
    memo = sel[sel["memo"]]
    for label in ("调入电力", "调入热力", "国际燃料舱", "生物质燃烧"):
        part = memo[memo["memo_kind"] == label]
        if len(part):
            add(f"信息项：{label}", part.assign(memo=False), None, indent=1, memo=True)
    notes = [
        "CO2、CH4、N2O为气体质量（万吨），HFCs、PFCs、SF6及合计为二氧化碳当量；负值为吸收（碳汇）。",
        "注释符号（IPCC 2006 第1卷第8章表8.2）：NO 未发生，NE 未估算，NA 不适用，"
        "IE 已包含在其他类别，C 保密。省级指南要求报告而本清单无活动水平数据的类别记为NE。",
        "信息项不计入总量；调入电力、热力的二氧化碳计入能源活动二氧化碳口径（见下文）。",
    ]
    return Table(f"{year}年{region}温室气体清单汇总表", columns, body, notes)


def _by_gas(rows: pd.DataFrame, year: int) -> tuple[Table, Chart]:
    sel = rows[(rows["year"] == year) & ~rows["memo"] & rows["emissions_t"].notna()]
    emissions = sel[sel["co2e_t"] > 0]
    total = emissions["co2e_t"].sum()
    table_rows, cats, vals = [], [], []
    for key, zh, _unit in GAS_GROUPS:
        value = emissions.loc[emissions["group"] == key, "co2e_t"].sum()
        if value > 0:
            cats.append(f"{zh}")
            vals.append(value / 1e4)
        table_rows.append(Row([f"{zh}（{gas_label(key)}）", wan(value) if value else "NA",
                               value / total if total and value else None]))
    sinks = sel.loc[sel["co2e_t"] < 0, "co2e_t"].sum()
    table_rows.append(Row(["合计（不含吸收）", wan(total), 1.0 if total else None], emphasis=True))
    if sinks:
        table_rows.append(Row(["吸收（土地利用变化和林业等）", wan(sinks), None]))
        table_rows.append(Row(["净排放", wan(total + sinks), None], emphasis=True))
    table = Table(f"{year}年分气体温室气体排放", [
        Column("气体", align="left", digits=None), Column("排放量", "万吨二氧化碳当量", 2),
        Column("占比", digits=1, percent=True)], table_rows)
    chart = Chart(f"{year}年温室气体排放的气体构成", "pie", cats, [Series("排放", vals)])
    return table, chart


def _trend(rows: pd.DataFrame, year: int) -> tuple[Chart, Table]:
    years = _years(rows, year)
    counted = rows[rows["emissions_t"].notna() & ~rows["memo"] & rows["year"].isin(years)]
    by = counted.groupby(["sector", "year"])["co2e_t"].sum()
    series = []
    for sector in SECTORS:
        vals = [float(by.get((sector, y), 0.0)) / 1e4 for y in years]
        if any(vals):
            series.append(Series(sector, vals))
    chart = Chart(f"{years[0]}—{years[-1]}年分领域温室气体排放趋势", "stacked_bar",
                  [str(y) for y in years], series, unit="万吨二氧化碳当量")
    total_rows = []
    for y in years:
        part = counted[counted["year"] == y]
        excl = part.loc[part["sector"] != "土地利用变化和林业", "co2e_t"].sum()
        incl = part["co2e_t"].sum()
        total_rows.append(Row([str(y), wan(excl), wan(incl)]))
    for i in range(1, len(total_rows)):
        prev, cur = total_rows[i - 1].cells[1], total_rows[i].cells[1]
        total_rows[i].cells.append((cur - prev) / prev if prev else None)
    if total_rows:
        total_rows[0].cells.append(None)
    table = Table(f"{years[0]}—{years[-1]}年温室气体排放总量", [
        Column("年份", align="center", digits=None),
        Column("总量（不含土地利用变化和林业）", "万吨二氧化碳当量", 2),
        Column("总量（含土地利用变化和林业）", "万吨二氧化碳当量", 2),
        Column("较上年变化", digits=1, percent=True)], total_rows)
    return chart, table


def _calibre(inp: InventoryInputs, rows: pd.DataFrame) -> Section:
    sec = Section("能源活动二氧化碳排放（含调入电力）口径")
    sec.add(Paragraph(
        "碳排放强度目标采用能源活动二氧化碳排放口径：化石燃料燃烧二氧化碳排放（不含生物质和国际燃料舱），"
        "加调入电力和热力隐含的二氧化碳排放。下表列出由全口径温室气体排放总量到该口径的逐项调整。"))
    base = rows[["region_code", "year", "category", "item", "gas", "emissions_t", "memo"]]
    recon = compute_calibre_reconciliation(base, gwp=inp.gwp)
    recon = recon[recon["year"] == inp.year]
    sec.add(Table(f"{inp.year}年全口径排放与能源活动二氧化碳排放的对账", [
        Column("项目", align="left", digits=None), Column("数值", "万吨", 2)],
        [Row([r.step_zh, wan(r.value_t)], emphasis=r.step in ("territorial_co2e", "energy_co2"))
         for r in recon.itertuples()],
        ["第一行为二氧化碳当量，其余各行为二氧化碳。"]))
    energy = compute_energy_co2(base)
    years = _years(rows, inp.year)
    energy = energy[energy["year"].isin(years)].set_index("year")
    sec.add(Chart(f"{years[0]}—{years[-1]}年能源活动二氧化碳排放（含调入电力）", "stacked_bar",
                  [str(y) for y in years], [
                      Series("化石燃料燃烧", [wan(energy["combustion_co2_t"].get(y, 0.0))
                                        for y in years]),
                      Series("调入电力", [wan(energy["net_electricity_co2_t"].get(y, 0.0))
                                      for y in years]),
                      Series("调入热力", [wan(energy["net_heat_co2_t"].get(y, 0.0))
                                      for y in years])], unit="万吨二氧化碳"))
    return sec


def _results(inp: InventoryInputs, rows: pd.DataFrame) -> Section:
    sec = Section("清单结果")
    sel = rows[(rows["year"] == inp.year) & rows["emissions_t"].notna() & ~rows["memo"]]
    excl = sel.loc[sel["sector"] != "土地利用变化和林业", "co2e_t"].sum()
    incl = sel["co2e_t"].sum()
    by_sector = sel.groupby("sector")["co2e_t"].sum()
    top = by_sector[by_sector > 0].sort_values(ascending=False)
    lead = (f"{inp.year}年，{inp.region_name}温室气体排放总量（不包括土地利用变化和林业）为"
            f"{wan(excl):,.2f}万吨二氧化碳当量，包括土地利用变化和林业的净排放量为{wan(incl):,.2f}万吨。")
    if len(top) and excl:
        lead += (f"其中{top.index[0]}排放{wan(top.iloc[0]):,.2f}万吨，占{top.iloc[0] / excl:.1%}"
                 + (f"；{top.index[1]}占{top.iloc[1] / excl:.1%}" if len(top) > 1 else "") + "。")
    total = sec.sub("排放总量", Paragraph(lead, "lead"))
    years = _years(rows, inp.year)
    if len(years) > 1:
        first = rows[(rows["year"] == years[0]) & rows["emissions_t"].notna() & ~rows["memo"]]
        base = first.loc[first["sector"] != "土地利用变化和林业", "co2e_t"].sum()
        if base:
            word = "增长" if excl >= base else "下降"
            total.add(Paragraph(f"与{years[0]}年（{wan(base):,.2f}万吨）相比，{inp.year}年排放总量"
                                f"{word}{abs(excl / base - 1):.1%}。"))
    sec.sub("分领域排放", _summary_table(rows, inp.year, inp.region_name))
    table, pie = _by_gas(rows, inp.year)
    sec.sub("分气体排放", table, pie)
    chart, trend = _trend(rows, inp.year)
    sec.sub("排放趋势", chart, trend)
    sec.subsections.append(_calibre(inp, rows))
    if inp.children is not None and len(inp.children):
        ch = inp.children.sort_values("co2e_t", ascending=False)
        sec.sub("分地区排放", Table(f"{inp.year}年下辖地区温室气体排放", [
            Column("地区", align="left", digits=None), Column("代码", align="center", digits=None),
            Column("排放量", "万吨二氧化碳当量", 2)],
            [Row([r.name_zh, r.region_code, wan(r.co2e_t)]) for r in ch.itertuples()]))
    return sec


# ---- 三、分领域 -----------------------------------------------------------------------------


def _sector_table(part: pd.DataFrame, sector: str, year: int) -> Table:
    columns = [Column("类别", align="left", digits=None)]
    groups = [g for g in GAS_GROUPS if (part["group"] == g[0]).any()]
    for _key, zh, unit in groups:
        columns.append(Column(f"{zh}", unit, 2))
    columns.append(Column("合计", "万吨二氧化碳当量", 2))
    body = []
    for cat, sub in part.groupby("category", sort=True):
        cells: list[Any] = [f"{cat} {category_name(str(cat))}"]
        for key, _zh, _unit in groups:
            cells.append(sector_gas_cell(sub, key, None, ()))
        num = sub[sub["emissions_t"].notna()]
        cells.append(wan(num["co2e_t"].sum()) if len(num) else
                     "、".join(sorted(set(sub["notation"].dropna()))) or "NE")
        body.append(Row(cells))
    num = part[part["emissions_t"].notna()]
    body.append(Row(["合计", *([None] * len(groups)), wan(num["co2e_t"].sum())], emphasis=True))
    return Table(f"{year}年{sector}温室气体排放", columns, body)


def _ne_note(part: pd.DataFrame) -> Paragraph | None:
    keys = part[part["emissions_t"].isna() & part["notation"].notna()]
    if keys.empty:
        return None
    items = sorted({f"{category_name(str(r.category))}（{r.category}）{r.gas}：{r.notation}"
                    for r in keys.itertuples()})
    return Paragraph("注释符号说明：" + "；".join(items[:20]) + ("等" if len(items) > 20 else "")
                     + "。NE 项缺少活动水平数据或参数，下一版清单应补充。", "note")


def _energy_extra(inp: InventoryInputs, part: pd.DataFrame) -> list[Any]:
    blocks: list[Any] = []
    fuels = part[part["emissions_t"].notna() & part["category"].astype(str).str.startswith("1.A")]
    if len(fuels):
        by = fuels.groupby("item")["co2e_t"].sum().sort_values(ascending=False)
        total = by.sum()
        blocks.append(Table(f"{inp.year}年化石燃料燃烧分燃料排放", [
            Column("燃料", align="left", digits=None), Column("排放量", "万吨二氧化碳当量", 2),
            Column("占比", digits=1, percent=True)],
            [Row([memo_label(str(k)), wan(v), v / total if total else None])
             for k, v in by.items()]))
    ref = inp.reference
    if ref is not None and len(ref):
        ref = ref[ref["year"] == inp.year] if "year" in ref else ref
        rows = [Row([memo_label(str(r.item)) if r.item != "total" else "合计",
                     wan(r.reference_co2_t), wan(r.sectoral_co2_t), wan(r.difference_t),
                     _num(r.difference_pct) / 100 if _num(r.difference_pct) is not None
                     else None], emphasis=r.item == "total") for r in ref.itertuples()]
        blocks.append(Paragraph("参考方法由能源平衡表的表观消费量估算化石燃料燃烧二氧化碳排放，"
                                "用于校核部门法结果；差异来自统计误差、加工转换损失、非能源利用扣除和排放因子差异。"))
        blocks.append(Table(f"{inp.year}年参考方法与部门法比较", [
            Column("燃料", align="left", digits=None), Column("参考方法", "万吨二氧化碳", 2),
            Column("部门法", "万吨二氧化碳", 2), Column("差异", "万吨二氧化碳", 2),
            Column("差异率", digits=1, percent=True)], rows,
            ["IPCC 2006 第2卷第6章要求两种方法差异超过±5%时说明原因。"]))
    else:
        blocks.append(Paragraph("本地区未提供能源平衡表，未以参考方法校核部门法结果。", "note"))
    return blocks


def _sectors(inp: InventoryInputs, rows: pd.DataFrame) -> Section:
    sec = Section("分领域排放")
    sel = rows[(rows["year"] == inp.year) & ~rows["memo"]]
    for sector in SECTORS:
        part = sel[sel["sector"] == sector]
        sub = sec.sub(sector)
        if part.empty:
            sub.add(Paragraph(f"本清单没有{sector}领域的活动水平数据，该领域各类别记为NE（未估算）。"))
            continue
        sub.add(_sector_table(part, sector, inp.year))
        note = _ne_note(part)
        if note:
            sub.add(note)
        if sector == "能源活动":
            sub.add(*_energy_extra(inp, part))
    return sec


# ---- the document ----------------------------------------------------------------------------


def source_zh(source: str) -> str:
    """Where a run's activity data came from, in words: ``statistics``, ``upload:<set>``, or
    the report's own ``activity table``."""
    if source.startswith("upload:"):
        return f"用户上传的活动水平数据（第 {source.removeprefix('upload:')} 组）"
    return {"statistics": "统计数据", "activity table": "活动水平数据表"}.get(source, source)


def compose_inventory(inp: InventoryInputs) -> Document:
    """The inventory report of one region and year as a numbered `Document`."""
    rows = prepare_rows(inp.rows, inp.gwp)
    sections = [_basics(inp, rows), _results(inp, rows), _sectors(inp, rows),
                unc_section(inp), key_section(inp), qa_section(inp), appendix(inp, rows)]
    doc = Document(
        title=f"{inp.region_name}{inp.year}年温室气体清单报告",
        subtitle="（自动生成的报告草稿）", region=inp.region_name, region_code=inp.region_code,
        period=f"{inp.year}年", kind="inventory", issuer=inp.issuer, sections=sections,
        provenance=list(inp.provenance), synthetic=inp.synthetic,
        lineage={"run_id": inp.run.get("id"), "gwp": inp.gwp, "year": inp.year,
                 "region_code": inp.region_code,
                 "factor_datasets": inp.run.get("factor_datasets") or {}})
    return number_document(doc)

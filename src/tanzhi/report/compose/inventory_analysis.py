"""Inventory report sections 四–六 and the appendix: uncertainty, key categories, QA/QC, factors."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from tanzhi.kernel import NotFound, default_library
from tanzhi.report.compose.inventory_terms import category_name, memo_label, wan
from tanzhi.report.model import Cell, Column, InventoryInputs, Paragraph, Row, Section, Table

TOTAL = "total"


def _col(frame: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def _f(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _label(row: pd.Series) -> str:
    cat = str(row.get("category", ""))
    if cat in (TOTAL, "合计", ""):
        return "合计"
    gas = row.get("gas")
    name = f"{cat} {category_name(cat)}"
    return f"{name}（{gas}）" if isinstance(gas, str) and gas and gas != TOTAL else name


def _is_total(row: pd.Series) -> bool:
    return str(row.get("category", "")) in (TOTAL, "合计")


def unc_section(inp: InventoryInputs) -> Section:
    """四、不确定性分析: Approach 1 by category, Approach 2 (Monte Carlo) interval."""
    sec = Section("不确定性分析")
    sec.add(Paragraph(
        "不确定性按《2006年IPCC国家温室气体清单指南》第1卷第3章评估：方法1（误差传递）按式3.1、3.2合成活动水平"
        "和排放因子的不确定性；方法2（蒙特卡洛模拟）对每个活动水平数据和排放因子抽样，同一因子在各类别、"
        "各年份间完全相关，给出95%置信区间。"))
    unc = inp.uncertainty
    if unc is not None and len(unc):
        value = _col(unc, "co2e_t", "emissions_co2e_t", "deterministic_t")
        pct = _col(unc, "pct", "uncertainty_pct")
        act = _col(unc, "activity_uncertainty_pct")
        fac = _col(unc, "factor_uncertainty_pct")
        body = unc.copy()
        body["_total"] = body.apply(_is_total, axis=1)
        body = pd.concat([body[~body["_total"]].sort_values(value, key=abs, ascending=False)
                          .head(25), body[body["_total"]]])
        cols = [Column("类别", align="left", digits=None), Column("排放量", "万吨二氧化碳当量", 2)]
        if act:
            cols.append(Column("活动水平不确定性", "%", 1))
        if fac:
            cols.append(Column("排放因子不确定性", "%", 1))
        cols.append(Column("合成不确定性（±）", "%", 1))
        rows = []
        for _, r in body.iterrows():
            cells: list[Any] = [_label(r), wan(r[value]) if value else None]
            if act:
                cells.append(_f(r[act]))
            if fac:
                cells.append(_f(r[fac]))
            cells.append(_f(r[pct]) if pct else None)
            rows.append(Row(cells, emphasis=bool(r["_total"])))
        sec.add(Table(f"{inp.year}年排放不确定性（方法1：误差传递）", cols, rows,
                      ["按排放量绝对值列出前25个类别；合计行为全部类别合成的不确定性。"]))
    else:
        sec.add(Paragraph("本次生成未取得方法1的不确定性结果。", "note"))
    mc = inp.montecarlo
    if mc is not None and len(mc):
        total = mc[mc.apply(_is_total, axis=1)]
        row = total.iloc[0] if len(total) else mc.iloc[-1]
        mean = _f(row.get("mean_t", row.get("co2e_t")))
        low = _f(row.get("p2_5_t", row.get("low")))
        high = _f(row.get("p97_5_t", row.get("high")))
        pct = _f(row.get("uncertainty_pct", row.get("pct")))
        if mean is not None and low is not None and high is not None:
            sec.add(Paragraph(
                f"蒙特卡洛模拟（方法2）结果：{inp.year}年排放总量均值{wan(mean):,.2f}万吨二氧化碳当量，"
                f"95%置信区间为{wan(low):,.2f}—{wan(high):,.2f}万吨"
                + (f"（约±{pct:.1f}%）" if pct is not None else "") + "。", "lead"))
    else:
        sec.add(Paragraph("本次生成未运行蒙特卡洛模拟（方法2）。", "note"))
    return sec


def key_section(inp: InventoryInputs) -> Section:
    """五、关键类别分析: IPCC Approach 1 level (and trend) assessment."""
    sec = Section("关键类别分析")
    sec.add(Paragraph("关键类别按IPCC 2006第1卷第4章方法1确定：按水平评估（式4.1）"
                      "和趋势评估（式4.2），累计贡献达到95%的类别为关键类别。"))
    kc = inp.key_categories
    if kc is None or kc.empty:
        sec.add(Paragraph("本次生成未取得关键类别分析结果。", "note"))
        return sec
    value = _col(kc, "emissions_co2e_t", "co2e_t")
    has_trend = "key_trend" in kc.columns
    cols = [Column("类别", align="left", digits=None), Column("排放量", "万吨二氧化碳当量", 2),
            Column("水平贡献", digits=1, percent=True), Column("累计", digits=1, percent=True),
            Column("水平评估", align="center", digits=None)]
    if has_trend:
        cols += [Column("趋势贡献", digits=1, percent=True),
                 Column("趋势评估", align="center", digits=None)]
    rows = []
    shown = kc[kc["key"].astype(bool)] if "key" in kc else kc
    for _, r in shown.iterrows():
        cells: list[Any] = [_label(r), wan(r[value]) if value else None, _f(r.get("level_share")),
                            _f(r.get("level_cumulative")),
                            Cell("关键", "green") if bool(r.get("key_level")) else "—"]
        if has_trend:
            cells += [_f(r.get("trend_share")),
                      Cell("关键", "green") if bool(r.get("key_trend")) else "—"]
        rows.append(Row(cells))
    sec.add(Paragraph(f"{inp.year}年共识别关键类别{len(shown)}个（共评估{len(kc)}个类别×气体）。"))
    sec.add(Table(f"{inp.year}年关键类别", cols, rows))
    return sec


_SEVERITY = {"error": ("错误", "red"), "warning": ("警告", "yellow"), "info": ("提示", "grey")}


def qa_section(inp: InventoryInputs) -> Section:
    """六、质量保证与质量控制: checks' findings, hierarchy residuals, recalculations."""
    sec = Section("质量保证与质量控制")
    sec.add(Paragraph("质量控制按IPCC 2006第1卷第6章执行：完整性检查（注释符号）、"
                      "隐含排放因子合理区间检查、时间序列一致性检查、结果溯源检查；"
                      "下级地区加总与本级清单的差额逐项列出并说明，不作静默平衡。"))
    findings = inp.findings
    sub = sec.sub("质量检查发现")
    if findings:
        counts: dict[str, int] = {}
        for f in findings:
            level = str(f.get("severity", "info"))
            counts[level] = counts.get(level, 0) + 1
        sub.add(Paragraph("质量检查共发现" + "、".join(
            f"{_SEVERITY.get(k, (k, None))[0]}{v}项" for k, v in sorted(counts.items())) + "。"))
        rows = []
        for f in findings[:60]:
            label, tone = _SEVERITY.get(str(f.get("severity")), (str(f.get("severity")), "grey"))
            rows.append(Row([Cell(label, tone), str(f.get("code", "")),
                             str(f.get("where", "")), str(f.get("message_zh", ""))]))
        sub.add(Table("质量检查发现", [
            Column("级别", align="center", digits=None),
            Column("检查", align="left", digits=None, code=True),
            Column("位置", align="left", digits=None, code=True),
            Column("说明", align="left", digits=None)],
            rows, ["最多列出60项。"] if len(findings) > 60 else []))
    else:
        sub.add(Paragraph("本次生成未取得质量检查结果，或检查未发现问题。", "note"))
    res = inp.residuals
    sub = sec.sub("上下级清单衔接")
    if res is not None and len(res):
        part = res[res["year"] == inp.year] if "year" in res else res
        rows = [Row([str(r.sector), str(r.gas), wan(r.parent_t), wan(r.children_t),
                     wan(r.residual_t),
                     _f(r.residual_pct) / 100 if _f(r.residual_pct) is not None else None,
                     str(r.explanation_zh or "")]) for r in part.itertuples()]
        sub.add(Table(f"{inp.year}年下级地区加总与本级清单差额", [
            Column("领域", align="left", digits=None), Column("气体", align="center", digits=None),
            Column("本级", "万吨", 2), Column("下级合计", "万吨", 2), Column("差额", "万吨", 2),
            Column("差额率", digits=1, percent=True), Column("说明", align="left", digits=None)],
            rows))
    else:
        sub.add(Paragraph("本地区无下级地区清单或未计算差额。", "note"))
    rec = inp.recalculations
    sub = sec.sub("重新计算")
    if rec is not None and len(rec):
        diff = _col(rec, "difference_t", "diff_t", "delta_t")
        a = _col(rec, "co2e_t_a", "a_t", "before_t", "old_t")
        b = _col(rec, "co2e_t_b", "b_t", "after_t", "new_t")
        keycol = _col(rec, "category", "sector", "key")
        rows = []
        for _, r in rec.head(40).iterrows():
            rows.append(Row([str(r.get("year", "")), str(r.get(keycol, "")) if keycol else "",
                             wan(r[a]) if a else None, wan(r[b]) if b else None,
                             wan(r[diff]) if diff else None]))
        sub.add(Table("与上一版清单相比的重新计算", [
            Column("年份", align="center", digits=None), Column("类别", align="left", digits=None),
            Column("原结果", "万吨二氧化碳当量", 2), Column("新结果", "万吨二氧化碳当量", 2),
            Column("差异", "万吨二氧化碳当量", 2)], rows))
    else:
        sub.add(Paragraph("本版清单没有替代的上一版清单，无重新计算。", "note"))
    return sec


def appendix(inp: InventoryInputs, rows: pd.DataFrame) -> Section:
    """附录: every factor used for the report year, with id, value, unit, dataset edition."""
    sec = Section("附录　排放因子与参数", numbered=False)
    factors = inp.factors or factors_used(rows, inp.year)
    if not factors:
        sec.add(Paragraph("无。", "note"))
        return sec
    sec.add(Paragraph(f"{inp.year}年清单使用的排放因子和参数如下，编号可在因子库中查到其出处。"))
    body = [Row([f["id"], memo_label(str(f.get("item", ""))), str(f.get("parameter", "")),
                 str(f.get("gas", "") or ""), _f(f.get("value")), str(f.get("unit", "")),
                 f"{f.get('dataset', '')}（{f.get('edition', '')}）"]) for f in factors]
    sec.add(Table("排放因子与参数", [
        Column("编号", align="left", digits=None, code=True),
        Column("项目", align="left", digits=None),
        Column("参数", align="left", digits=None, code=True),
        Column("气体", align="center", digits=None), Column("数值", digits=None),
        Column("单位", align="left", digits=None, code=True),
        Column("数据集（版本）", align="left", digits=None, code=True)], body))
    return sec


def factors_used(rows: pd.DataFrame, year: int) -> list[dict[str, Any]]:
    """The kernel factors whose ids the year's rows name (unknown ids listed as such)."""
    if "factor_ids" not in rows:
        return []
    ids = sorted({i for text in rows.loc[rows["year"] == year, "factor_ids"].dropna()
                  for i in str(text).split("|") if i})
    library = default_library()
    out = []
    for fid in ids:
        try:
            f = library.by_id(fid)
        except (NotFound, KeyError):
            out.append({"id": fid, "item": "", "parameter": "", "gas": "", "value": None,
                        "unit": "", "dataset": "（用户上传）", "edition": ""})
            continue
        out.append({"id": f.id, "item": f.item, "parameter": f.parameter, "gas": f.gas,
                    "value": f.value, "unit": f.unit, "dataset": f.dataset,
                    "edition": f.edition})
    return out

"""A plan evaluation report (规划中期评估 / 终期评估报告) as a document (pure).

Sections as Chinese FYP evaluations are written: 一、总体进展, 二、主要指标完成情况 (table and one
trend chart per quantified indicator: expected trajectory against actuals), 三、重点任务进展,
四、试点示范与重大项目, 五、存在问题 (lagging indicators and the defects of the plan text),
六、下一步建议 (mid-term) or 六、“十五五”衔接建议 (final). Statuses are exactly those of
`tanzhi.plan.status_table` for the evaluation year; nothing is recomputed here.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from tanzhi.report.compose.status_terms import (
    CATEGORY_ZH,
    DEFECT_ZH,
    NOTE_ZH,
    STATUS_ORDER,
    fmt,
    status_cell,
    status_label,
    trajectory,
)
from tanzhi.report.compose.tasks_and_projects import projects_section, tasks_section
from tanzhi.report.model import (
    Chart,
    Column,
    Document,
    EvaluationInputs,
    Paragraph,
    Row,
    Section,
    Series,
    Table,
    number_document,
)

MAX_CHARTS = 16


def _f(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _records(status: pd.DataFrame) -> list[dict[str, Any]]:
    """The status table's rows with NaN as None, so no cell ever prints "nan"."""
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in status.to_dict("records")]


def _counts(status: pd.DataFrame) -> dict[str, int]:
    s = status["status"].fillna("")
    return {k: int((s == k).sum()) for k in ("green", "yellow", "red")} | {
        "none": int((s == "").sum())}


def _overview(inp: EvaluationInputs) -> Section:
    plan, st = inp.plan, inp.status
    c = _counts(st)
    final = inp.kind == "final"
    sec = Section("总体进展")
    span = f"{plan.period_start}—{plan.period_end}年"
    sec.add(Paragraph(
        f"《{plan.title_zh}》规划期为{span}，以{plan.base_year}年为基准年，设置指标{len(plan.indicators)}项"
        + (f"（正文称{plan.declared_indicator_count}项）" if plan.declared_indicator_count
           and plan.declared_indicator_count != len(plan.indicators) else "") + "。"
        f"本报告为{'终期' if final else '中期'}评估，评估年份为{inp.year}年"
        f"（时间进度{(inp.year - plan.base_year) / plan.plan_years:.0%}），"
        "以各指标截至评估年份的最新实际值，按“完成进度＝已实现变化÷目标变化”与时间进度比较判定状态。"))
    g, y, r = (status_label(k, inp.kind) for k in ("green", "yellow", "red"))
    lead = (f"截至{inp.year}年，{len(st)}项指标中，{c['green']}项{g}，"
            f"{c['yellow']}项{y}，{c['red']}项{r}，"
            f"{c['none']}项暂不能量化评估（目标由上级下达、为定性目标或缺少实际值）。")
    sec.add(Paragraph(lead, "lead"))
    rows = []
    for cat, zh in CATEGORY_ZH.items():
        part = st[st["category"] == cat]
        if part.empty:
            continue
        pc = _counts(part)
        rows.append(Row([zh, len(part), pc["green"], pc["yellow"], pc["red"], pc["none"]]))
    rows.append(Row(["合计", len(st), c["green"], c["yellow"], c["red"], c["none"]],
                    emphasis=True))
    sec.add(Table(f"{inp.year}年指标状态汇总", [
        Column("指标类别", align="left", digits=None), Column("指标数", digits=0),
        Column(status_label("green", inp.kind), digits=0),
        Column(status_label("yellow", inp.kind), digits=0),
        Column(status_label("red", inp.kind), digits=0), Column("暂无法评估", digits=0)], rows,
        ["状态判定：完成进度不低于预期进度为绿，不低于其80%为黄，其余为红（阈值可按规划设置）；"
         "强度类指标按年均等比例下降路径计算预期进度。"]))
    sec.add(Chart(f"{inp.year}年指标状态分布", "bar",
                  [status_label(k, inp.kind) for k in ("green", "yellow", "red")] + ["暂无法评估"],
                  [Series("指标数", [c["green"], c["yellow"], c["red"], c["none"]])], unit="项"))
    return sec


def _indicator_table(inp: EvaluationInputs) -> Table:
    base = inp.plan.base_year
    rows = []
    for r in _records(inp.status):
        actual = _f(r.get("actual"))
        actual_text = (f"{fmt(actual)}（{int(r['year'])}）" if actual is not None and r.get("year")
                       else "—")
        rows.append(Row([
            str(r.get("seq") or ""), str(r["name"]), str(r.get("unit") or ""),
            fmt(_f(r.get("baseline"))) if _f(r.get("baseline")) is not None
            else str(r.get("baseline_printed") or "—"),
            str(r.get("target_printed") or "—"), actual_text,
            _f(r.get("completion")), _f(r.get("expected_progress") or r.get("time_progress")),
            status_cell(r, inp.kind), str(r.get("nature") or "—"),
            str(r.get("department") or "—")]))
    notes = ["目标值按规划文本原样列出；“完成进度”＝（实际值－基准值）÷（目标值－基准值），"
             "“预期进度”为评估年份按规划路径应达到的进度。",
             "“—”表示规划文本未载明或暂无数据；状态为灰色的指标说明见第五部分。"]
    if any(r.get("derived") for r in _records(inp.status)):
        notes.append("带有统计派生来源的实际值由平台按统计数据计算（如能耗强度＝能源消费总量÷不变价GDP）。")
    return Table(f"主要指标完成情况（基准年{base}年，评估年{inp.year}年）", [
        Column("序号", align="center", digits=None, width="4%"),
        Column("指标", align="left", digits=None, width="22%"),
        Column("单位", align="center", digits=None, width="8%"),
        Column("基准值", digits=None, width="7%"),
        Column("目标值", align="center", digits=None, width="10%"),
        Column("实际值（年份）", digits=None, width="10%"),
        Column("完成进度", digits=0, percent=True, width="7%"),
        Column("预期进度", digits=0, percent=True, width="7%"),
        Column("状态", align="center", digits=None, width="9%"),
        Column("属性", align="center", digits=None, width="7%"),
        Column("责任部门", align="left", digits=None, width="9%")], rows, notes)


def _history(inp: EvaluationInputs, indicator_id: str) -> dict[int, float]:
    a = inp.actuals
    if a is None or a.empty:
        return {}
    part = a[(a["indicator_id"] == indicator_id) & (a["region_code"] == inp.region_code)]
    return {int(y): float(v) for y, v in zip(part["year"], part["value"], strict=True)}


def _indicator_detail(inp: EvaluationInputs, r: dict[str, Any]) -> Section | None:
    plan = inp.plan
    baseline, target = _f(r.get("baseline")), _f(r.get("target"))
    hist = _history(inp, r["indicator_id"])
    if baseline is None or target is None or not hist:
        return None
    years = list(range(plan.base_year, plan.period_end + 1))
    path = trajectory(baseline, target, plan.base_year, plan.period_end, r)
    actual = [hist.get(y) for y in years]
    if actual[0] is None:
        actual[0] = baseline
    unit = str(r.get("unit") or "")
    chart = Chart(f"{r['name']}：规划路径与实际值", "line", [str(y) for y in years], [
        Series("规划路径", [path(y) for y in years], style="dashed", marker=False,
               color="#7f7f7f"),
        Series("实际值", actual, color="#1f5f8b")], unit=unit,
        reference_lines=[(f"目标 {fmt(target)}", target)])
    comp = _f(r.get("completion"))
    printed = str(r.get("target_printed") or "")
    goal = printed if fmt(target) in printed else f"{printed}（{fmt(target)}{unit}）"
    text = (f"基准值{fmt(baseline)}{unit}，目标{goal}"
            f"，{int(r['year'])}年实际值{fmt(_f(r.get('actual')))}{unit}")
    if comp is not None:
        text += f"，完成进度{comp:.0%}（预期{(_f(r.get('expected_progress')) or 0):.0%}）"
    text += f"，评估为“{status_label(r.get('status'), inp.kind)}”。"
    need = _f(r.get("required_annual_rate"))
    if need is not None and inp.kind != "final":
        basis = str(r.get("required_basis") or "")
        text += (f"完成目标余下年份需年均{'下降' if '%/yr' in basis else '变化'}"
                 f"{fmt(abs(need))}{'%' if '%/yr' in basis else unit}。")
    sec = Section(str(r["name"]), [Paragraph(text), chart])
    if r.get("status") in ("red", "yellow"):
        sec.blocks.insert(0, Paragraph(f"{status_label(r.get('status'), inp.kind)}指标", "warning"))
    return sec


def _indicators(inp: EvaluationInputs) -> Section:
    sec = Section("主要指标完成情况")
    sec.sub("指标完成情况总表", _indicator_table(inp))
    detail = sec.sub("分指标评估")
    order = sorted(_records(inp.status),
                   key=lambda r: (STATUS_ORDER.get(r.get("status") or "", 3), r.get("seq") or 99))
    shown = 0
    for r in order:
        if shown >= MAX_CHARTS:
            break
        part = _indicator_detail(inp, r)
        if part is not None:
            detail.subsections.append(part)
            shown += 1
    if not shown:
        detail.add(Paragraph("没有同时具备基准值、目标值和实际值的指标，无法绘制趋势图。", "note"))
    return sec


def _problems(inp: EvaluationInputs) -> Section:
    sec = Section("存在问题")
    lagging = [r for r in _records(inp.status) if r.get("status") in ("red", "yellow")]
    sub = sec.sub("进度滞后和预警的指标")
    if lagging:
        for r in sorted(lagging, key=lambda r: STATUS_ORDER[r["status"]]):
            comp = _f(r.get("completion"))
            sub.add(Paragraph(
                f"{r['name']}：{status_label(r['status'], inp.kind)}，{int(r['year'])}年实际值"
                f"{fmt(_f(r.get('actual')))}{r.get('unit') or ''}，目标{r.get('target_printed')}"
                + (f"，完成进度{comp:.0%}" if comp is not None else "")
                + (f"，责任部门：{r['department']}" if r.get("department") else "") + "。"))
    else:
        sub.add(Paragraph("可量化评估的指标均达到预期进度。"))
    pending = [r for r in _records(inp.status) if not r.get("status")]
    sub = sec.sub("暂不能量化评估的指标")
    if pending:
        sub.add(Table("暂不能量化评估的指标", [
            Column("指标", align="left", digits=None),
            Column("目标（原文）", align="left", digits=None),
            Column("原因", align="left", digits=None)],
            [Row([str(r["name"]), str(r.get("target_printed") or "—"),
                  NOTE_ZH.get(str(r.get("status_note")), str(r.get("status_note") or "—"))])
             for r in pending]))
    else:
        sub.add(Paragraph("所有指标均可量化评估。"))
    sub = sec.sub("规划文本的缺陷")
    plan = inp.plan
    defects = [("（全文）", d) for d in plan.defects]
    defects += [(ind.name_zh, d) for ind in plan.indicators for d in ind.defects]
    if defects:
        sub.add(Paragraph("以下问题记录在规划数据中，评估时按原文处理、未作修正，修订或编制下一期规划时应予澄清。"))
        sub.add(Table("规划文本缺陷清单", [
            Column("指标", align="left", digits=None),
            Column("问题类型", align="left", digits=None),
            Column("说明", align="left", digits=None)],
            [Row([name, DEFECT_ZH.get(d.code, d.code), d.explanation_zh]) for name, d in defects]))
    else:
        sub.add(Paragraph("未记录规划文本缺陷。"))
    return sec


def _next_steps(inp: EvaluationInputs) -> Section:
    plan = inp.plan
    st = _records(inp.status)
    red = [r["name"] for r in st if r.get("status") == "red"]
    yellow = [r["name"] for r in st if r.get("status") == "yellow"]
    pending = [r["name"] for r in st if not r.get("status")]
    if inp.kind == "final":
        nxt = f"{plan.period_end + 1}—{plan.period_end + 5}"
        sec = Section("“十五五”衔接建议" if plan.period_end == 2025 else "下一期规划衔接建议")
        items = [f"以{plan.period_end}年实际值作为下一期（{nxt}年）规划的基准值（见下表），"
                 "基准值的统计口径与考核口径保持一致。"]
        if red:
            items.append(f"未完成的指标（{'、'.join(red)}）应分析原因，在下一期规划中延续并加强措施。")
        if yellow:
            items.append(f"基本完成的指标（{'、'.join(yellow)}）应巩固成果，下一期设置更明确的年度路径。")
        if pending:
            items.append(f"目标由上级下达、定性或缺少数据的指标（{'、'.join(pending[:8])}"
                         f"{'等' if len(pending) > 8 else ''}）应在下一期规划中设定"
                         "可量化的目标和数据来源。")
        if plan.defects or any(i.defects for i in plan.indicators):
            items.append("规划文本中记录的缺陷（缺表、口径不一、占位符等）应在下一期规划文本中避免。")
        for i, text in enumerate(items, 1):
            sec.add(Paragraph(f"（{i}）{text}"))
        rows = [Row([str(r["name"]), str(r.get("unit") or ""), _f(r.get("actual")),
                     str(int(r["year"])) if r.get("year") else "—", status_cell(r, inp.kind)])
                for r in st]
        sec.add(Table(f"下一期规划基准值建议（{plan.period_end}年实际值）", [
            Column("指标", align="left", digits=None), Column("单位", align="center", digits=None),
            Column("建议基准值", digits=None), Column("数据年份", align="center", digits=None),
            Column("本期评估", align="center", digits=None)], rows,
            ["实际值缺失的指标需补充统计数据后确定基准值。"]))
        return sec
    sec = Section("下一步工作建议")
    items = []
    for r in st:
        need = _f(r.get("required_annual_rate"))
        if r.get("status") in ("red", "yellow") and need is not None:
            basis = str(r.get("required_basis") or "")
            items.append(f"{r['name']}：余下{plan.period_end - int(r['year'])}年需年均"
                         f"{'下降' if '%/yr' in basis else '变化'}{fmt(abs(need))}"
                         f"{'%' if '%/yr' in basis else (r.get('unit') or '')}，应制定专项措施。")
    if pending:
        items.append(f"尽快明确{'、'.join(pending[:8])}{'等' if len(pending) > 8 else ''}指标的"
                     "量化目标或数据来源，以便年度考核。")
    items.append("按年度开展指标监测和考核，对预警指标实行月度跟踪。")
    for i, text in enumerate(items, 1):
        sec.add(Paragraph(f"（{i}）{text}"))
    return sec


def compose_evaluation(inp: EvaluationInputs) -> Document:
    """The evaluation report as a numbered `Document`."""
    plan = inp.plan
    word = "终期评估" if inp.kind == "final" else "中期评估"
    sections = [_overview(inp), _indicators(inp), tasks_section(inp), projects_section(inp),
                _problems(inp), _next_steps(inp)]
    doc = Document(
        title=f"《{plan.title_zh}》{word}报告",
        subtitle=f"（评估年份：{inp.year}年）", region=inp.region_name,
        region_code=inp.region_code, period=f"{plan.period_start}—{plan.period_end}年",
        kind=f"evaluation_{inp.kind}", issuer=f"{plan.region_name_zh}（平台自动生成草稿）",
        sections=sections, provenance=list(inp.provenance), synthetic=inp.synthetic,
        lineage=dict(inp.lineage))
    return number_document(doc)

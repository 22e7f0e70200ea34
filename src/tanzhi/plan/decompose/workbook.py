"""The allocation table (目标分解表) as an xlsx workbook in the official layout.

Layout of the tables annexed to 分解方案 (e.g. the 十三五 provincial carbon-intensity table of
国发〔2016〕61号 and the city tables that follow it): a title row "各县（市、区）“十四五”单位GDP
二氧化碳排放降低目标分解表", a unit line, then one row per region with 地区, 基期值, 目标 and the
basis of the allocation (分解依据), a total row for the parent, and numbered notes under the
table (method, parent target and its source, data sources, the aggregate check). A second sheet
holds the full inputs snapshot for audit.
"""

from __future__ import annotations

import io

from tanzhi.kernel import export_workbook, fixed, significant
from tanzhi.plan.decompose.calc import CRITERIA
from tanzhi.plan.decompose.model import METHOD_LABELS, RoundResult

_PERIOD = {2025: "“十四五”", 2030: "“十五五”", 2020: "“十三五”"}
_LEVEL = {"city": "各设区市", "county": "各县（市、区）"}


def title_of(result: RoundResult, child_level: str) -> str:
    """The table title, e.g. 各县（市、区）“十四五”单位GDP二氧化碳排放降低目标分解表."""
    period = _PERIOD.get(result.target_year, f"{result.base_year}—{result.target_year}年")
    what = {"intensity": ("单位GDP二氧化碳排放降低" if result.quantity == "co2"
                          else "单位GDP能源消耗降低"),
            "total": "二氧化碳排放总量" if result.quantity == "co2" else "能源消费总量",
            "share": "非化石能源消费比重"}[result.kind]
    return f"{_LEVEL.get(child_level, '各地区')}{period}{what}目标分解表"


def allocation_workbook(result: RoundResult, *, child_level: str = "county") -> bytes:
    """The round as an xlsx allocation table (sheet 分解表) and its inputs (sheet 测算依据)."""
    buffer = io.BytesIO()
    book = export_workbook(buffer, {"in_memory": True})
    title_f = book.add_format({"bold": True, "font_size": 16, "align": "center",
                               "valign": "vcenter", "font_name": "SimHei"})
    head_f = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                              "text_wrap": True, "bg_color": "#E8EEF5"})
    cell_f = book.add_format({"border": 1, "align": "center", "valign": "vcenter"})
    text_f = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
    num_f = book.add_format({"border": 1, "num_format": "0.00", "align": "center"})
    num4_f = book.add_format({"border": 1, "num_format": "0.0000", "align": "center"})
    total_f = book.add_format({"border": 1, "bold": True, "num_format": "0.00",
                               "align": "center"})
    note_f = book.add_format({"text_wrap": True, "valign": "top", "font_size": 10})
    small_f = book.add_format({"align": "right", "font_size": 10})

    sheet = book.add_worksheet("分解表")
    pct = result.kind in ("intensity", "share")
    base_label = {"intensity": f"{result.base_year}年排放强度（{_intensity_unit(result)}）",
                  "total": f"{result.base_year}年基期值（{result.unit}）",
                  "share": f"{result.base_year}年非化石能源比重（%）"}[result.kind]
    target_label = {"intensity": f"{result.target_year}年比{result.base_year}年降低（%）",
                    "total": f"{result.target_year}年控制目标（{result.unit}）",
                    "share": f"{result.target_year}年目标（%）"}[result.kind]
    headers = ["序号", "地区", base_label, target_label, "分解依据（综合指数）", "备注"]
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 3, 20)
    sheet.set_column(4, 4, 18)
    sheet.set_column(5, 5, 30)
    sheet.merge_range(0, 0, 0, len(headers) - 1, title_of(result, child_level), title_f)
    sheet.set_row(0, 36)
    sheet.merge_range(1, 0, 1, len(headers) - 1,
                      f"制表：{result.region_name_zh}　方案：{result.name}"
                      f"（第 {result.round_id or '—'} 轮）",
                      small_f)
    for col, text in enumerate(headers):
        sheet.write(2, col, text, head_f)
    sheet.set_row(2, 32)
    row = 3
    for i, child in enumerate(result.children.itertuples(index=False), start=1):
        sheet.write(row, 0, i, cell_f)
        sheet.write(row, 1, child.name_zh, cell_f)
        sheet.write_number(row, 2, float(child.base_value), num4_f if result.kind == "intensity"
                           else num_f)
        sheet.write_number(row, 3, float(child.target), num_f)
        sheet.write_number(row, 4, float(child.profile), num4_f)
        bound = {"floor": "按下限", "cap": "按上限"}.get(str(getattr(child, "bound", "")), "")
        sheet.write(row, 5, bound, text_f)
        row += 1
    sheet.write(row, 0, "", cell_f)
    sheet.write(row, 1, f"{result.region_name_zh}（合计）", cell_f)
    base_total = result.aggregate.get("parent_base")
    if base_total is not None:
        sheet.write_number(row, 2, float(base_total) * (100 if result.kind == "share" else 1),
                           num4_f if result.kind == "intensity" else num_f)
    else:
        sheet.write(row, 2, "", cell_f)
    sheet.write_number(row, 3, float(result.parent_target), total_f)
    sheet.write(row, 4, "", cell_f)
    sheet.write(row, 5, f"汇总测算：{result.aggregate['aggregate']:.4f}"
                        f"{'%' if pct else ''}", text_f)
    row += 2
    for number, text in enumerate(_notes(result), start=1):
        sheet.merge_range(row, 0, row, len(headers) - 1, f"{number}. {text}", note_f)
        sheet.set_row(row, 15 * max(1, len(text) // 70 + 1))
        row += 1
    sheet.repeat_rows(2)
    sheet.fit_to_pages(1, 0)

    basis = book.add_worksheet("测算依据")
    columns = [c for c in ("region_code", "name_zh", "gdp0", "gdp_growth", "growth_source",
                           "energy0", "emissions0", "unit0", "population", "secondary_share",
                           "coal_share", "share0", "intensity", "gdp_per_capita", "gdp_share",
                           "profile", "target") if c in result.children.columns]
    labels = {"region_code": "行政区划代码", "name_zh": "地区", "gdp0": "基期GDP（2020年价，亿元）",
              "gdp_growth": "GDP年均增速（预测）", "growth_source": "增速依据",
              "energy0": "能源消费量（万tce）", "emissions0": "基期排放/能耗", "unit0": "单位",
              "population": "常住人口（万人）", "secondary_share": "二产占比",
              "coal_share": "煤炭占比", "share0": "非化石比重", "intensity": "基期强度",
              "gdp_per_capita": "人均GDP（万元）", "gdp_share": "GDP占比", "profile": "综合指数",
              "target": "目标"}
    for col, name in enumerate(columns):
        basis.write(0, col, labels.get(name, name), head_f)
        basis.set_column(col, col, 14)
    for r, child in enumerate(result.children[columns].itertuples(index=False), start=1):
        for col, value in enumerate(child):
            if isinstance(value, float):
                basis.write_number(r, col, value, num4_f)
            else:
                basis.write(r, col, "" if value is None else str(value), text_f)
    book.close()
    return buffer.getvalue()


def _intensity_unit(result: RoundResult) -> str:
    return "吨CO2/万元" if result.quantity == "co2" else "吨标准煤/万元"


def _notes(result: RoundResult) -> list[str]:
    method_zh = METHOD_LABELS.get(result.method, (result.method, ""))[0]
    # figures by the house rule (kernel.numbers): no six-decimal floats in prose (#11 item 7)
    scale = fixed(result.aggregate.get("scale", 0), 4)
    notes = [
        f"分解方法：{method_zh}。各地目标经比例系数 {scale} 调整，"
        "使各地目标按预测GDP汇总后恰好达到上级目标。",
        f"上级目标 {result.parent_target:g}{'%' if result.kind != 'total' else result.unit}，"
        f"来源：{result.parent_target_source_zh}"
        + ("（暂定值）" if result.provisional else "") + "。",
        f"汇总校核：各地目标汇总为 {significant(result.aggregate['aggregate'])}，"
        + ("满足上级目标。" if result.aggregate.get("meets") else "未满足上级目标！"),
        f"基期 {result.base_year} 年，目标年 {result.target_year} 年；GDP按2020年不变价，"
        "预测增速为各地前五年年均增速（可逐地调整）。",
    ]
    if result.weights:
        parts = "、".join(f"{CRITERIA[k].label_zh} {v:.0%}" for k, v in result.weights.items()
                         if v > 0)
        notes.append(f"综合指数权重：{parts}。")
    for zh, _en in result.notes:
        notes.append(zh)
    datasets = sorted({s.get("dataset", "") for s in result.sources if s.get("dataset")})
    if datasets:
        notes.append("数据来源：统计数据集 " + "、".join(datasets)
                     + ("（含合成演示数据，非官方统计）" if result.synthetic else "") + "。")
    return notes

"""How an evaluation report words an indicator's status: Chinese labels of statuses, categories,
status notes and plan-text defects, the figure format, and the planned path charts draw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tanzhi.kernel import significant
from tanzhi.plan import planned_progress
from tanzhi.report.model import Cell

CATEGORY_ZH = {"comprehensive": "综合指标", "mitigation": "减缓指标", "adaptation": "适应指标",
               "pilots": "试点示范指标"}
STATUS_ORDER = {"red": 0, "yellow": 1, "green": 2, "": 3}
_LABELS = {
    "final": {"green": "完成", "yellow": "基本完成", "red": "未完成"},
    "midterm": {"green": "进度正常", "yellow": "进度预警", "red": "进度滞后"},
}
NOTE_ZH = {
    "set_by_higher_level": "目标由上级下达，尚未填入",
    "qualitative": "定性目标，无量化数值",
    "per_region": "分区域目标，无单一数值",
    "per_component": "分项目标，无单一数值",
    "not_stated": "规划文本未填目标",
    "relative": "相对目标，参照指标未定",
    "not_decomposed": "尚未分解到本地区",
    "no_baseline": "无基准值",
    "no_actual": "基准年后无实际值",
}
DEFECT_ZH = {
    "draft": "征求意见稿", "placeholder": "占位符未填", "count_mismatch": "指标数量不符",
    "table_missing": "指标表缺失", "baseline_conflict": "基准值矛盾",
    "target_conflict": "目标值矛盾",
    "baseline_year": "基准年份不符", "unit_error": "单位错误", "ambiguous": "表述歧义",
    "ocr_garbled": "文字损坏", "blank_cell": "空白单元格",
    "target_not_above_baseline": "目标不高于基准", "scope_mismatch": "口径不一",
    "name_mismatch": "名称不一", "arithmetic": "数字不能相加", "years_reversed": "年份颠倒",
    "status_conflict": "完成情况表述矛盾", "category_mismatch": "类别不符",
    "nature_not_stated": "未注明指标属性", "department_not_stated": "未注明责任部门",
}


def status_label(status: Any, kind: str) -> str:
    """Chinese label of a status for the evaluation kind (final: 完成/基本完成/未完成)."""
    return _LABELS.get(kind, _LABELS["midterm"]).get(str(status or ""), "暂无法评估")


def status_cell(row: dict[str, Any], kind: str) -> Cell:
    """A status table cell: the label, coloured like the traffic light (grey: no status)."""
    status = str(row.get("status") or "")
    if status in ("green", "yellow", "red"):
        return Cell(status_label(status, kind), status)  # type: ignore[arg-type]
    return Cell("暂无法评估", "grey")


def fmt(value: float | None) -> str:
    """A figure as indicator tables print it: up to 3 significant decimals, no trailing zeros."""
    return significant(value)


def trajectory(baseline: float, target: float, base_year: int, end_year: int,
               row: dict[str, Any]) -> Callable[[int], float]:
    """The planned path of an indicator from baseline to target, as the status table rates it.

    The plan's own rule (`tanzhi.plan.planned_progress`): compound (constant-rate) paths for
    intensity targets and for cumulative percentage cuts, linear otherwise — asked, not
    re-derived, so the chart and the status light cannot disagree (issue #10).
    """
    cumulative_cut = row.get("accumulation") == "cumulative" and row.get("unit") == "%"
    trajectory_kind = row.get("trajectory")

    def path(year: int) -> float:
        share = planned_progress(year, base_year, end_year, trajectory=trajectory_kind,
                                 cumulative_cut=cumulative_cut, baseline=baseline,
                                 target=target)
        return baseline + (target - baseline) * share

    return path

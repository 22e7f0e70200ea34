"""Excel round trip of a plan: `plan_workbook` writes it, `import_plan_workbook` reads it back.

Layout (xlsx, Chinese headers first, the English field name in the second header line):

- sheet ``规划`` (plan): one row per field (字段 field, 值 value);
- sheet ``指标`` (indicators): one row per indicator;
- sheet ``缺陷`` (defects): read-only listing of the recorded defects (kept on import by id).

Split figures (parts per sub-area or component), inferred fields and defects travel as JSON
text in their cells so that nothing the text printed is lost. Import is all-or-nothing: every
problem is collected with its sheet, row and column, and nothing is stored when there is one.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tanzhi.kernel import (
    DataError,
    Location,
    Problem,
    cell_text,
    export_workbook,
    is_empty,
    read_grid,
)
from tanzhi.plan.model import Plan
from tanzhi.plan.service.registry import PlanRecord, save_plan

PLAN_SHEET, INDICATOR_SHEET, DEFECT_SHEET = "规划", "指标", "缺陷"
PLAN_FIELDS = ("id", "edition", "region_code", "region_name_zh", "title_zh", "title_en",
               "status", "period_start", "period_end", "base_year", "seed",
               "declared_indicator_count", "green_ratio", "yellow_ratio", "defects")
# (column, Chinese header, path into the indicator document, kind)
COLUMNS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("id", "指标编号", ("id",), "str"),
    ("seq", "序号", ("seq",), "int"),
    ("name_zh", "指标名称", ("name_zh",), "str"),
    ("name_en", "英文名称", ("name_en",), "str"),
    ("category", "类别", ("category",), "str"),
    ("category_printed", "类别（原文）", ("category_printed",), "str"),
    ("unit", "单位", ("unit",), "str"),
    ("direction", "方向", ("direction",), "str"),
    ("accumulation", "累计方式", ("accumulation",), "str"),
    ("trajectory", "路径", ("trajectory",), "str"),
    ("nature", "属性", ("nature",), "str"),
    ("nature_printed", "属性（原文）", ("nature_printed",), "str"),
    ("department", "责任部门", ("department",), "str"),
    ("baseline_printed", "基准值（原文）", ("baseline", "printed"), "str"),
    ("baseline_value", "基准值", ("baseline", "value"), "float"),
    ("baseline_qualifier", "基准值限定", ("baseline", "qualifier"), "str"),
    ("baseline_year", "基准年", ("baseline", "year"), "int"),
    ("baseline_footnote", "基准值注释", ("baseline", "footnote"), "str"),
    ("baseline_parts", "基准值分项（JSON）", ("baseline", "parts"), "json"),
    ("baseline_source", "基准值来源（JSON）", ("baseline", "source"), "json"),
    ("target_kind", "目标类型", ("target", "kind"), "str"),
    ("target_printed", "目标（原文）", ("target", "printed"), "str"),
    ("target_value", "目标值", ("target", "value"), "float"),
    ("target_comparator", "比较符", ("target", "comparator"), "str"),
    ("target_year", "目标年", ("target", "year"), "int"),
    ("target_parts", "目标分项（JSON）", ("target", "parts"), "json"),
    ("target_relative_to", "参照指标", ("target", "relative_to"), "str"),
    ("target_value_unit", "参照单位", ("target", "value_unit"), "str"),
    ("target_set_by", "下达单位", ("target", "set_by"), "str"),
    ("target_source", "目标来源（JSON）", ("target", "source"), "json"),
    ("source_seed", "来源文件", ("source", "seed"), "str"),
    ("source_section", "来源章节", ("source", "section"), "str"),
    ("source_quote", "原文摘录", ("source", "quote"), "str"),
    ("inferred", "编者推定字段（JSON）", ("inferred",), "json"),
    ("defects", "文本缺陷（JSON）", ("defects",), "json"),
)


def _get(doc: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        doc = doc.get(key) if isinstance(doc, dict) else None  # type: ignore[assignment]
    return doc


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "json":
        if value in ([], {}):
            return ""
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def plan_workbook(plan: Plan) -> bytes:
    """The plan as an .xlsx workbook (see the module docstring for the layout)."""
    buffer = io.BytesIO()
    book = export_workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#E8F1EC", "text_wrap": True})
    doc = plan.model_dump(mode="json")
    sheet = book.add_worksheet(PLAN_SHEET)
    sheet.write_row(0, 0, ["字段 field", "值 value"], head)
    values = {**doc, **doc["thresholds"]}
    for row, name in enumerate(PLAN_FIELDS, start=1):
        value = values.get(name)
        sheet.write(row, 0, name)
        sheet.write(row, 1, _cell(value, "json") if name == "defects" else value)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 60)
    sheet = book.add_worksheet(INDICATOR_SHEET)
    sheet.write_row(0, 0, [f"{zh}\n{name}" for name, zh, _p, _k in COLUMNS], head)
    for row, ind in enumerate(doc["indicators"], start=1):
        for col, (_name, _zh, path, kind) in enumerate(COLUMNS):
            value = _cell(_get(ind, path), kind)
            if value is not None:
                sheet.write(row, col, value)
    sheet.freeze_panes(1, 3)
    sheet.set_column(0, len(COLUMNS) - 1, 16)
    sheet = book.add_worksheet(DEFECT_SHEET)
    sheet.write_row(0, 0, ["指标 indicator", "代码 code", "字段 field", "说明", "explanation"],
                    head)
    row = 1
    for ind in doc["indicators"]:
        for defect in ind["defects"]:
            sheet.write_row(row, 0, [ind["id"], defect["code"], defect.get("field") or "",
                                     defect["explanation_zh"], defect["explanation_en"]])
            row += 1
    book.close()
    return buffer.getvalue()


def _parse(raw: object, kind: str, where: Location, problems: list[Problem]) -> Any:
    if is_empty(raw):
        return None
    text = cell_text(raw)
    try:
        if kind == "int":
            number = float(text)
            if number != int(number):
                raise ValueError
            return int(number)
        if kind == "float":
            return float(text)
        if kind == "json":
            return json.loads(text)
    except (ValueError, json.JSONDecodeError):
        names = {"int": ("整数", "an integer"), "float": ("数值", "a number"),
                 "json": ("JSON 文本", "JSON text")}[kind]
        problems.append(Problem(f"“{text}”不是{names[0]}", f"{text!r} is not {names[1]}", where))
        return None
    return text


def _put(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc.setdefault(key, {})
    doc[path[-1]] = value


def _validation_problems(exc: ValidationError, file: str, rows: dict[int, int]) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = err["loc"]
        if loc and loc[0] == "indicators" and len(loc) > 1 and isinstance(loc[1], int):
            where = Location(f"{file}:{INDICATOR_SHEET}", rows.get(loc[1]),
                             ".".join(str(p) for p in loc[2:]) or None)
        else:
            where = Location(f"{file}:{PLAN_SHEET}", None, ".".join(str(p) for p in loc) or None)
        ctx = err.get("ctx") or {}
        zh = ctx.get("zh") or f"取值无效：{err['msg']}"
        en = ctx.get("en") or f"invalid value: {err['msg']}"
        out.append(Problem(zh, en, where))
    return out


def read_plan_workbook(source: Path | bytes, *, filename: str | None = None) -> Plan:
    """Parse a plan workbook into a validated `Plan`; `DataError` listing every problem."""
    file = filename or (source.name if isinstance(source, Path) else "<upload>")
    problems: list[Problem] = []
    _, grid = read_grid(source, filename=file, sheet=PLAN_SHEET)
    fields: dict[str, Any] = {}
    for number, row in enumerate(grid[1:], start=2):
        if not row or is_empty(row[0]):
            continue
        name = cell_text(row[0])
        raw = row[1] if len(row) > 1 else None
        if name not in PLAN_FIELDS:
            problems.append(Problem(f"未知字段“{name}”", f"unknown field {name!r}",
                                    Location(f"{file}:{PLAN_SHEET}", number, "字段 field")))
            continue
        kind = {"period_start": "int", "period_end": "int", "base_year": "int",
                "declared_indicator_count": "int", "green_ratio": "float",
                "yellow_ratio": "float", "defects": "json"}.get(name, "str")
        fields[name] = _parse(raw, kind, Location(f"{file}:{PLAN_SHEET}", number, name), problems)
    _, grid = read_grid(source, filename=file, sheet=INDICATOR_SHEET)
    header = [cell_text(h).split("\n")[-1].strip() for h in grid[0]] if grid else []
    known = {name for name, *_ in COLUMNS}
    for name in header:
        if name and name not in known:
            problems.append(Problem(f"未知列“{name}”", f"unknown column {name!r}",
                                    Location(f"{file}:{INDICATOR_SHEET}", 1, name)))
    for name in ("id", "name_zh", "target_kind"):
        if name not in header:
            problems.append(Problem(f"缺少列“{name}”", f"missing column {name!r}",
                                    Location(f"{file}:{INDICATOR_SHEET}", 1, name)))
    indicators: list[dict[str, Any]] = []
    rows: dict[int, int] = {}
    spec = {name: (path, kind) for name, _zh, path, kind in COLUMNS}
    for number, row in enumerate(grid[1:], start=2):
        if all(is_empty(c) for c in row):
            continue
        doc: dict[str, Any] = {"baseline": {}, "target": {}, "source": {}}
        for col, name in enumerate(header):
            if name not in spec or col >= len(row):
                continue
            path, kind = spec[name]
            value = _parse(row[col], kind, Location(f"{file}:{INDICATOR_SHEET}", number, name),
                           problems)
            if value is None and kind == "json" and name in ("inferred", "defects"):
                value = []
            if value is not None or path[0] in ("baseline", "target") and path[-1] == "printed":
                _put(doc, path, "" if value is None else value)
        rows[len(indicators)] = number
        indicators.append(doc)
    if problems:
        raise DataError(problems)
    document = {k: v for k, v in fields.items()
                if k not in ("green_ratio", "yellow_ratio") and v is not None}
    document.setdefault("defects", [])
    thresholds = {k: fields[k] for k in ("green_ratio", "yellow_ratio")
                  if fields.get(k) is not None}
    document["thresholds"] = thresholds
    document["indicators"] = indicators
    try:
        return Plan.model_validate(document)
    except ValidationError as exc:
        raise DataError(_validation_problems(exc, file, rows)) from exc


def import_plan_workbook(session: Session, source: Path | bytes, *, filename: str | None = None,
                         actor: str = "system", plan_id: str | None = None) -> PlanRecord:
    """Read a plan workbook and store it as a new edition (all-or-nothing); the record.

    With `plan_id` the workbook must hold that plan.  A workbook of a stored plan must keep the
    stored plan's region (`save_plan` refuses otherwise, issue #8 finding 2).
    """
    plan = read_plan_workbook(source, filename=filename)
    if plan_id is not None and plan.id != plan_id:
        raise DataError.at(f"工作簿中的规划编号 {plan.id} 与本规划 {plan_id} 不符",
                           f"the workbook holds plan {plan.id}, not {plan_id}", column="id")
    return save_plan(session, plan, actor=actor, origin="workbook")

"""Actuals in at scale (issue #11 item 2): a department's template, the checked upload, the job.

- `template_rows` lists what a user answers for in a plan: the indicators they own (a
  department officer: those of their department; a climate office: all, or one department's),
  the plan's regions inside their scope, every year from the base year to the end of the
  period, with the unit and the value in force prefilled.
- `check_upload` reads every row before anything is written and collects every problem with
  its sheet, row and column: the key and the visible indicator/region/year agree, the row is
  the user's to record (`can_record`, the rule the single-value form uses), the unit has the
  indicator's dimension (kernel unit parsing) and converts to it, the number is finite and
  plausible (kernel `implausible`; a percentage above 100 is refused, since no share or cut
  exceeds the whole), a changed value names its source. One problem and nothing is written.
- `record_entries` writes all values in the caller's one transaction through the tracking
  services (`write_actual` keeps the revision history as the single-value form does), then
  re-rates each touched indicator and region once and warns its owner once when the light
  worsened (`indicator_status`, `apply_light_rules`), instead of once per row.
- `ingest_job` and `derive_job` run these as background jobs (`tanzhi.kernel.jobs`): the
  slow reading and checking in a read transaction, the writes in the job's one write. A job
  row stores one text for its title and progress, so these are written in Chinese, the
  platform's working language; the located problems of a failed upload carry both languages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from itertools import groupby

from sqlalchemy.orm import Session

from tanzhi.access import DEPARTMENTS, Role, User, in_scope
from tanzhi.kernel import (
    DataError,
    JobContext,
    JobFunction,
    Location,
    PermissionDenied,
    Problem,
    Progress,
    UnitError,
    cell_text,
    column_letter,
    conversion_factor,
    get_region,
    implausible,
    is_empty,
    no_progress,
    parse_unit,
)
from tanzhi.plan.checks import StatusChange
from tanzhi.plan.ingest.model import (
    COLUMNS,
    KEY_SEPARATOR,
    SHEET,
    Entry,
    IngestSummary,
    TemplateRow,
    UploadRow,
    column_of,
)
from tanzhi.plan.ingest.workbook import read_upload
from tanzhi.plan.model import Indicator, Plan
from tanzhi.plan.service.actuals import check_actuals, current_actuals, write_actuals
from tanzhi.plan.service.derive import plan_regions
from tanzhi.plan.service.registry import get_plan
from tanzhi.plan.service.status import StatusBatch
from tanzhi.plan.service.warnings import apply_light_rules_many, can_record, department_id
from tanzhi.plan.workflow import refresh_derived

OFFICE_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER)
PERCENT_CEILING = 100.0  # no share, coverage or cumulative cut exceeds the whole


def template_department(user: User, department: str | None) -> str | None:
    """The department a template is for: a department officer's own (asking for another is
    refused); for a climate office the one asked for, or None (every indicator)."""
    asked = (department or "").strip() or None
    if asked is not None and asked not in DEPARTMENTS:
        raise DataError.at(f"未知部门“{asked}”", f"unknown department {asked!r}",
                           column="department")
    if user.role is Role.DEPARTMENT_OFFICER:
        if asked is not None and asked != user.department:
            raise PermissionDenied("部门用户只能下载本部门的模板 / a department officer may "
                                   "download only their own department's template")
        return user.department
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied("无权填报实际值 / you may not enter actuals")
    return asked


def owned_indicators(plan: Plan, department: str | None) -> list[Indicator]:
    """The plan's indicators with a unit (a number to report) owned by `department` (None:
    all of them)."""
    return [ind for ind in plan.indicators if ind.unit
            and (department is None or department_id(ind.department) == department)]


def template_regions(session: Session, plan: Plan, user: User) -> list[str]:
    """The plan's regions (its own and its direct children) inside the user's scope."""
    return [code for code in plan_regions(session, plan) if in_scope(session, user, code)]


def template_rows(session: Session, plan: Plan, user: User, department: str | None = None
                  ) -> list[TemplateRow]:
    """Rows of the user's template for `plan` (see the module docstring)."""
    dept = template_department(user, department)
    regions = template_regions(session, plan, user)
    names = {code: (r.name_zh if (r := get_region(session, code)) else code) for code in regions}
    current = current_actuals(session, plan.id)
    values = {(r.indicator_id, r.region_code, int(r.year)): (float(r.value), str(r.source))
              for r in current.itertuples(index=False)}
    rows = []
    for ind in owned_indicators(plan, dept):
        for code in regions:
            if not can_record(session, user, plan, ind, code):
                continue
            for year in range(plan.base_year, plan.period_end + 1):
                value, source = values.get((ind.id, code, year), (None, ""))
                rows.append(TemplateRow(plan.id, ind.id, ind.name_zh, code, names[code], year,
                                        str(ind.unit), value, source))
    return rows


def _where(file: str, row: int, field: str) -> Location:
    index = column_of(field)
    return Location(f"{file}:{SHEET}", row, f"{column_letter(index)} {COLUMNS[index].zh}")


def _number(raw: object) -> float:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float):
        return float(raw)
    return float(cell_text(raw).replace("，", "").replace(",", ""))


def _date(raw: object) -> date | None:
    if is_empty(raw):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(cell_text(raw))


def _factor(typed_unit: str, ind_unit: str) -> float:
    """Multiplier from the typed unit to the indicator's; units the kernel does not know (个,
    公里 …) must be the indicator's own, as written."""
    if typed_unit == ind_unit:
        return 1.0
    try:
        parse_unit(ind_unit)
    except UnitError as exc:
        raise UnitError(Problem(
            f"该指标的单位“{ind_unit}”不可换算，请按“{ind_unit}”填报",
            f"this indicator's unit {ind_unit!r} cannot be converted; report in {ind_unit!r}",
        )) from exc
    return conversion_factor(typed_unit, ind_unit)


class _Checker:
    """Checks the rows of one upload against one plan and one user, collecting problems."""

    def __init__(self, session: Session, plan: Plan, user: User, file: str) -> None:
        self.session, self.plan, self.user, self.file = session, plan, user, file
        self.problems: list[Problem] = []
        self.regions = set(plan_regions(session, plan))
        current = current_actuals(session, plan.id)
        self.current = {(r.indicator_id, r.region_code, int(r.year)): float(r.value)
                        for r in current.itertuples(index=False)}
        self.seen: dict[str, int] = {}
        self.allowed: dict[tuple[str, str], bool] = {}

    def problem(self, row: int, field: str, zh: str, en: str) -> None:
        self.problems.append(Problem(zh, en, _where(self.file, row, field)))

    def key(self, up: UploadRow) -> tuple[Indicator, str, int] | None:
        """The row's indicator, region and year when its key is sound and the user's."""
        n, cells = up.sheet_row, up.cells
        parts = cell_text(cells["key"]).split(KEY_SEPARATOR)
        if len(parts) != 4 or not parts[3].isdigit():
            self.problem(n, "key", "键列缺失或被改动：只能上传平台下载的模板中的行",
                         "the key is missing or altered: only rows of a template downloaded "
                         "from the platform can be uploaded")
            return None
        plan_id, ind_id, region, year = parts[0], parts[1], parts[2], int(parts[3])
        if plan_id != self.plan.id:
            self.problem(n, "key", f"该行属于规划 {plan_id}，不是 {self.plan.id}",
                         f"the row belongs to plan {plan_id}, not {self.plan.id}")
            return None
        shown = (cell_text(cells["indicator_id"]), cell_text(cells["region_code"]),
                 cell_text(cells["year"]).removesuffix(".0"))
        for field, seen, want in zip(("indicator_id", "region_code", "year"), shown,
                                     (ind_id, region, str(year)), strict=True):
            if seen != want:
                self.problem(n, field, f"“{seen}”与该行的键（{want}）不符：请勿修改灰色列",
                             f"{seen!r} does not match the row's key ({want}); do not edit the "
                             "grey columns")
                return None
        ids = {ind.id: ind for ind in self.plan.indicators}
        if ind_id not in ids:
            self.problem(n, "indicator_id", f"规划中没有指标 {ind_id}",
                         f"the plan has no indicator {ind_id}")
            return None
        if region not in self.regions:
            self.problem(n, "region_code", f"地区 {region} 不在本规划跟踪的地区之内",
                         f"region {region} is not one the plan tracks")
            return None
        if not self.plan.base_year <= year <= self.plan.period_end:
            self.problem(n, "year", f"年份 {year} 不在规划期（{self.plan.base_year}–"
                         f"{self.plan.period_end}）内", f"year {year} is outside the plan "
                         f"({self.plan.base_year}–{self.plan.period_end})")
            return None
        ind = ids[ind_id]
        if (ind_id, region) not in self.allowed:
            self.allowed[(ind_id, region)] = can_record(self.session, self.user, self.plan, ind,
                                                        region)
        if not self.allowed[(ind_id, region)]:
            self.problem(n, "indicator_id", f"无权填报 {ind.name_zh}（{region}）：不是您部门"
                         "负责的指标或不在您的地区范围内",
                         f"you may not enter {ind_id} for {region}: not your department's "
                         "indicator or outside your scope")
            return None
        key = cell_text(cells["key"])
        if key in self.seen:
            self.problem(n, "key", f"与第 {self.seen[key]} 行重复", f"duplicates row "
                         f"{self.seen[key]}")
            return None
        self.seen[key] = n
        return ind, region, year

    def entry(self, up: UploadRow) -> Entry | None | bool:
        """The row's entry; False for a blank or unchanged value; None after a problem."""
        found = self.key(up)
        if found is None:
            return None
        ind, region, year = found
        n, cells = up.sheet_row, up.cells
        if is_empty(cells["value"]):
            return False
        try:
            typed = _number(cells["value"])
        except ValueError:
            self.problem(n, "value", f"“{cell_text(cells['value'])}”不是数字",
                         f"{cell_text(cells['value'])!r} is not a number")
            return None
        unit = cell_text(cells["unit"])
        if not unit:
            self.problem(n, "unit", "缺少单位", "the unit is missing")
            return None
        try:
            factor = _factor(unit, str(ind.unit))
        except DataError as exc:
            for p in exc.problems:
                self.problem(n, "unit", p.message_zh, p.message_en)
            return None
        why = implausible(typed, unit) if factor != 1.0 or _known(unit) else implausible(typed)
        if why is None and str(ind.unit) == "%" and abs(typed * factor) > PERCENT_CEILING:
            why = (f"{typed:g}% 超过 100%：占比、覆盖率和累计降幅都不超过 100%",
                   f"{typed:g}% exceeds 100%: no share, coverage or cumulative cut does")
        if why is not None:
            self.problem(n, "value", *why)
            return None
        value = typed * factor
        old = self.current.get((ind.id, region, year))
        if old is not None and math.isclose(old, value, rel_tol=1e-9, abs_tol=1e-12):
            return False
        source = cell_text(cells["source"])
        if not source:
            self.problem(n, "source", "新填或修改的值须注明数据来源",
                         "a new or changed value needs its source")
            return None
        try:
            released = _date(cells["released_on"])
        except ValueError:
            self.problem(n, "released_on", f"“{cell_text(cells['released_on'])}”不是日期"
                         "（如 2026-02-28）", f"{cell_text(cells['released_on'])!r} is not a "
                         "date (e.g. 2026-02-28)")
            return None
        return Entry(ind.id, region, year, value, source, released,
                     cell_text(cells["note"]), typed, unit, n)


def _known(unit: str) -> bool:
    try:
        parse_unit(unit)
    except UnitError:
        return False
    return True


def check_upload(session: Session, plan: Plan, user: User, file: str, rows: Sequence[UploadRow],
                 progress: Progress = no_progress) -> tuple[list[Entry], int, int]:
    """(entries to record, rows unchanged, rows left blank) of an upload; nothing is written.

    Raises
    ------
    DataError
        Every problem of every row, located by sheet, row and column.
    """
    checker = _Checker(session, plan, user, file)
    entries, unchanged, blank = [], 0, 0
    for index, up in enumerate(rows, start=1):
        result = checker.entry(up)
        if isinstance(result, Entry):
            entries.append(result)
        elif result is False:
            if is_empty(up.cells["value"]):
                blank += 1
            else:
                unchanged += 1
        if index % 50 == 0:
            progress(index, len(rows), f"已校验 {index} 行")
    if checker.problems:
        raise DataError(checker.problems)
    return entries, unchanged, blank


def record_entries(session: Session, plan: Plan, entries: Sequence[Entry], *, actor: str,
                   progress: Progress = no_progress) -> tuple[int, int]:
    """Record checked entries in `session`'s transaction; (values written, warnings sent).

    Per indicator and region: rate the latest year touched, write every value (a new revision
    where one exists), rate again, and warn once if the light worsened. Each step runs once
    for the whole upload (issue #11 item 2; `bench/bench_ingest.py`): the statuses are rated
    from one read of the touched regions' actuals and targets (`StatusBatch`, which puts the
    written rows in force for the after-state), the values go in with two flushes
    (`write_actuals`), the plan's open warnings are read once (`apply_light_rules_many`).
    """
    def group(e: Entry) -> tuple[str, str]:
        return e.indicator_id, e.region_code

    ordered = sorted(entries, key=lambda e: (e.indicator_id, e.region_code, e.year))
    groups = [(k, list(g)) for k, g in groupby(ordered, key=group)]
    if not groups:
        return 0, 0
    # (indicator, region) → the latest year the upload touches.
    last = {key: max(e.year for e in items) for key, items in groups}
    rater = StatusBatch(session, plan, sorted({region for _i, region in last}))
    before = {(i, r): rater.status(plan.indicator(i), r, y) for (i, r), y in last.items()}
    progress(0, 3, "已计算写入前的状态")
    check_actuals(session, plan, [(e.indicator_id, e.region_code, e.year, e.value, e.source)
                                  for e in ordered])
    rater.put_in_force(write_actuals(session, plan.id, [{
        "indicator_id": e.indicator_id, "region_code": e.region_code, "year": e.year,
        "value": e.value, "source": e.source, "released_on": e.released_on, "note": e.note,
        "actor": actor, "derived": False,
        "lineage": {"method": "template", "actor": actor, "row": e.sheet_row,
                    "typed": {"value": e.typed_value, "unit": e.typed_unit}},
    } for e in ordered]))
    progress(1, 3, f"已写入 {len(ordered)} 个值")
    after = {(i, r): rater.status(plan.indicator(i), r, y) for (i, r), y in last.items()}
    warned = apply_light_rules_many(session, plan, [
        StatusChange(plan, plan.indicator(ind_id), region, last[(ind_id, region)],
                     before[(ind_id, region)], after[(ind_id, region)], actor)
        for (ind_id, region), _items in groups])
    progress(3, 3, f"已写入 {len(ordered)} 个值")
    return len(ordered), warned


def ingest_job(data: bytes, *, filename: str, plan_id: str, user: User) -> JobFunction:
    """The upload as a job: read and check every row, then write all of them or none."""
    def run(ctx: JobContext) -> None:
        ctx.progress(0, 1, "读取文件")
        file, rows = read_upload(data, filename=filename)
        with ctx.read() as db:
            plan = get_plan(db, plan_id)
            entries, unchanged, blank = check_upload(db, plan, user, file, rows, ctx.progress)
        ctx.progress(0, max(len(entries), 1), f"校验通过，写入 {len(entries)} 个值")
        with ctx.write(reason=f"actuals template {file}") as db:
            plan = get_plan(db, plan_id)
            written, warned = record_entries(db, plan, entries, actor=user.username,
                                             progress=ctx.progress)
            summary = IngestSummary(len(rows), written, unchanged, blank, warned)
            ctx.progress(1, 1, f"写入 {summary.written} 个值，未变 {summary.unchanged} 行，"
                         f"空白 {summary.blank} 行，预警记录 {summary.warned} 条")
            ctx.result_url = f"/plans/{plan_id}"

    return run


def derive_job(plan_id: str, *, actor: str) -> JobFunction:
    """Refresh a plan's indicators derived from the statistics (and the inventory and pilot
    registry) as a job, with warnings: `tanzhi.plan.workflow.refresh_derived` over the plan's
    regions and years."""
    def run(ctx: JobContext) -> None:
        ctx.progress(0, 1, "计算派生指标")
        with ctx.write(reason=f"derive {plan_id}") as db:
            plan = get_plan(db, plan_id)
            written = refresh_derived(db, plan_id, region_codes=plan_regions(db, plan),
                                      years=list(range(plan.base_year, plan.period_end + 1)),
                                      actor=actor)
            ctx.progress(1, 1, f"更新 {written} 个派生值")
            ctx.result_url = f"/plans/{plan_id}"

    return run

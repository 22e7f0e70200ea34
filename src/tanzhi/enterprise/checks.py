"""`check_*` findings on enterprise input: registration, report lines, periods, workflow gates.

Each returns a list of `Finding`s (empty: fine); the service turns errors into one located
`DataError` before anything is written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import cache

from tanzhi.enterprise.model import (
    GWP_SETS,
    VALUE_ADDED_PARTS,
    CheckResult,
    NcStatus,
    SourceKind,
    Status,
)
from tanzhi.kernel import (
    DataError,
    Finding,
    Location,
    Severity,
    UnitError,
    credit_code_problem,
    parse_unit,
    read_dataset,
)

INDUSTRY = re.compile(r"^([A-T])(\d{2})(\d{0,2})$")


@cache
def industry_sections() -> dict[str, tuple[int, int, str, str]]:
    """GB/T 4754-2017 sections: letter → (first division, last division, name_zh, name_en)."""
    frame, _ = read_dataset("mappings/gbt4754-sections", dtype=str)
    return {r.section: (int(r.first_division), int(r.last_division), r.name_zh, r.name_en)
            for r in frame.itertuples()}


def _error(code: str, zh: str, en: str, *, file: str | None = None, row: int | None = None,
           column: str | None = None) -> Finding:
    return Finding(f"enterprise.{code}", Severity.ERROR, zh, en, Location(file, row, column))


def raise_errors(findings: Iterable[Finding]) -> None:
    """Raise one `DataError` carrying every error finding (nothing is written then)."""
    problems = [f.as_problem() for f in findings if f.severity is Severity.ERROR]
    if problems:
        raise DataError(problems)


def check_credit_code(code: str, *, row: int | None = None) -> list[Finding]:
    """The unified social credit code passes GB 32100-2015 (length, characters, check digit)."""
    problem = credit_code_problem(code)
    if problem is None:
        return []
    return [_error("credit_code", *problem, row=row, column="credit_code")]


def check_industry(code: str, *, row: int | None = None) -> list[Finding]:
    """An industry class of GB/T 4754-2017: a section letter and 2–4 digits whose division
    (the first two) lies in the section's range (C3011: section C holds divisions 13–43)."""
    match = INDUSTRY.match(code)
    if match is None:
        return [_error("industry", f"行业代码“{code}”应为门类字母加 2–4 位数字（如 C3011）",
                       f"industry class '{code}' must be a section letter and 2–4 digits "
                       "(e.g. C3011)", row=row, column="industry_code")]
    section, division = match.group(1), int(match.group(2))
    first, last, name_zh, name_en = industry_sections()[section]
    if not first <= division <= last:
        return [_error("industry", f"行业代码“{code}”：门类 {section}（{name_zh}）只含大类 "
                       f"{first:02d}–{last:02d}", f"industry class '{code}': section {section} "
                       f"({name_en}) holds divisions {first:02d}–{last:02d} only",
                       row=row, column="industry_code")]
    return []


def check_registration(*, credit_code: str, name_zh: str, industry_code: str,
                       annual_energy_tce: float) -> list[Finding]:
    """The registry fields an enterprise needs (the region is checked against the table)."""
    out = check_credit_code(credit_code) + check_industry(industry_code)
    if not name_zh.strip():
        out.append(_error("name", "企业名称不能为空", "the enterprise name is empty",
                          column="name_zh"))
    if not math.isfinite(annual_energy_tce) or annual_energy_tce < 0:
        out.append(_error("energy", f"年综合能耗 {annual_energy_tce} 应为非负数（吨标准煤）",
                          f"annual energy use {annual_energy_tce} must be ≥ 0 tce",
                          column="annual_energy_tce"))
    return out


def check_period(year: int, month: int | None, *, row: int | None = None,
                 file: str | None = None) -> list[Finding]:
    """A report period: a year 2000–2100 and a month 1–12 (None: the annual report)."""
    out = []
    if not 2000 <= year <= 2100:
        out.append(_error("year", f"年份 {year} 不在 2000–2100 之间",
                          f"year {year} is outside 2000–2100", file=file, row=row,
                          column="year"))
    if month is not None and not 1 <= month <= 12:
        out.append(_error("month", f"月份 {month} 应为 1–12", f"month {month} must be 1–12",
                          file=file, row=row, column="month"))
    return out


def check_gwp(gwp: str) -> list[Finding]:
    """The report's GWP set is one the kernel carries (the platform never defaults one)."""
    if gwp in GWP_SETS:
        return []
    return [_error("gwp", f"全球增温潜势“{gwp}”应为 {'、'.join(GWP_SETS)} 之一",
                   f"GWP set '{gwp}' must be one of {', '.join(GWP_SETS)}", column="gwp")]


def check_line(*, source_kind: str, item: str, quantity: float, unit: str,
               row: int | None = None, file: str | None = None) -> list[Finding]:
    """One report line: a known source kind, an item, a finite quantity ≥ 0, a unit the unit
    registry parses (whether its dimension fits the item is the account's check)."""
    out = []
    if source_kind not in {k.value for k in SourceKind}:
        kinds = "、".join(k.value for k in SourceKind)
        out.append(_error("source_kind", f"排放源类别“{source_kind}”应为 {kinds} 之一",
                          f"source kind '{source_kind}' must be one of {kinds}",
                          file=file, row=row, column="source_kind"))
    if not item.strip():
        out.append(_error("item", "品种不能为空", "the item is empty", file=file, row=row,
                          column="item"))
    if not math.isfinite(quantity) or quantity < 0:
        out.append(_error("quantity", f"数量 {quantity} 应为非负数", f"quantity {quantity} must "
                          "be ≥ 0", file=file, row=row, column="quantity"))
    try:
        parse_unit(unit)
    except (UnitError, ValueError):
        out.append(_error("unit", f"无法识别的单位“{unit}”", f"unknown unit '{unit}'",
                          file=file, row=row, column="unit"))
    return out


def check_value_added(parts: dict[str, float | None]) -> list[Finding]:
    """Income-approach parts: each finite when given; a non-empty total must be > 0 (a carbon
    intensity per value added needs a positive denominator)."""
    out = []
    given = {k: v for k, v in parts.items() if v is not None}
    for field, zh, en in VALUE_ADDED_PARTS:
        value = given.get(field)
        if value is not None and not math.isfinite(value):
            out.append(_error("value_added", f"{zh}不是数", f"{en} is not a number",
                              column=field))
    total = sum(given.values())
    if given and total <= 0:
        out.append(_error("value_added", f"增加值（收入法）合计 {total:g} 万元应大于 0",
                          f"value added (income approach) totals {total:g} "
                          "10k yuan; it must be > 0", column="value_added"))
    return out


def check_state(status: Status, allowed: Sequence[Status], *, doing_zh: str,
                doing_en: str) -> list[Finding]:
    """The report version is in a state that allows the action (approved versions never
    change: a change is a new version)."""
    if status in allowed:
        return []
    zh_states = "、".join(s.label_zh for s in allowed)
    extra_zh = "；已审定版本不可修改，请新建修订版本" if status is Status.APPROVED else ""
    extra_en = "; an approved version never changes — revise it as a new version" \
        if status is Status.APPROVED else ""
    return [_error("state", f"报告状态为“{status.label_zh}”，不能{doing_zh}（须为{zh_states}）"
                   f"{extra_zh}", f"the report is {status.label_en}; cannot {doing_en} "
                   f"(needs {', '.join(s.label_en for s in allowed)}){extra_en}",
                   column="status")]


def check_submittable(lines: int, parts: dict[str, float | None], *, annual: bool
                      ) -> list[Finding]:
    """A version goes to verification with at least one line, and an annual report with its
    value added (the carbon efficiency code divides by it)."""
    out = []
    if lines == 0:
        out.append(_error("empty", "报告没有任何能源或排放数据行", "the report has no lines",
                          column="lines"))
    if annual and any(v is None for v in parts.values()):
        out.append(_error("value_added", "年度报告须填写收入法增加值的四个组成部分",
                          "an annual report needs the four income-approach parts of value added",
                          column="value_added"))
    return out


def check_verifiable(check_results: Sequence[str], nc_statuses: Sequence[str]) -> list[Finding]:
    """The verifier concludes only when every checklist item is done and every non-conformity
    closed (an unrectified one is closed with a conservative estimate, 核查指南 step 5)."""
    out = []
    pending = sum(1 for r in check_results if r == CheckResult.PENDING.value)
    if pending:
        out.append(_error("checks", f"还有 {pending} 项评审/现场核查未完成",
                          f"{pending} review or site-check items are still pending",
                          column="checks"))
    still = sum(1 for s in nc_statuses if s != NcStatus.CLOSED.value)
    if still:
        out.append(_error("nonconformity", f"还有 {still} 项不符合项未关闭",
                          f"{still} non-conformities are not closed", column="nonconformity"))
    return out

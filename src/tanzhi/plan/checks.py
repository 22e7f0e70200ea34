"""Warning rules of plan tracking: `check_*` functions that turn facts into findings.

Each rule is pure (no session, no I/O) and registered for the moment it runs (issue #10 item 4):

- ``RECORD_RULES`` run when a value is recorded or re-derived, on the indicator's status before
  and after (`StatusChange`); `tanzhi.plan.service.warnings.warn_if_worse` iterates them;
- ``SCAN_RULES`` run by the periodic check over one plan and the (indicator, year) pairs it
  has values for (`ReportingState`); `tanzhi.plan.service.warnings.check_overdue` iterates
  them.

A rule returns zero or more `Finding`s; the warning service delivers each one (in-app
notification for the answering users, one signed outbox row), idempotent by `Finding.key`. A new
rule is one decorated function here — nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tanzhi.plan.model import Indicator, Plan

# Annual figures of year Y are expected by 30 June of Y + 1 (the statistical communiqué and the
# provincial energy figures are out by then); configurable per call.
REPORT_DUE = (6, 30)
_RANK = {"red": 0, "yellow": 1, "green": 2}
_LABELS = {"green": ("绿灯", "green"), "yellow": ("黄灯", "yellow"), "red": ("红灯", "red")}


@dataclass(frozen=True)
class Finding:
    """One warning to deliver: what happened, to which indicator and region, and its texts."""

    event: str  # status_worsened | report_overdue | …
    key: str  # idempotency key: the same finding is delivered once
    plan: Plan
    indicator: Indicator
    region_code: str
    year: int | None
    title: tuple[str, str]  # (zh, en)
    body: tuple[str, str]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusChange:
    """An indicator's status before and after a value was recorded (`indicator_status` rows)."""

    plan: Plan
    indicator: Indicator
    region_code: str
    year: int
    before: dict[str, Any] | None
    after: dict[str, Any]
    actor: str


@dataclass(frozen=True)
class ReportingState:
    """What a periodic check sees of one plan: the (indicator, year) values of its own region."""

    plan: Plan
    recorded: frozenset[tuple[str, int]]
    today: date
    due: tuple[int, int] = REPORT_DUE


RecordRule = Callable[[StatusChange], list[Finding]]
ScanRule = Callable[[ReportingState], list[Finding]]
RECORD_RULES: list[RecordRule] = []
SCAN_RULES: list[ScanRule] = []


def on_record(rule: RecordRule) -> RecordRule:
    """Register a rule that runs when a value is recorded."""
    RECORD_RULES.append(rule)
    return rule


def on_scan(rule: ScanRule) -> ScanRule:
    """Register a rule that runs in the periodic check (`tanzhi plan check-overdue`)."""
    SCAN_RULES.append(rule)
    return rule


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.1f}%"


@on_record
def check_status_worsened(change: StatusChange) -> list[Finding]:
    """Green → yellow or red, yellow → red: one finding; otherwise none (issue #4)."""
    old = (change.before or {}).get("status")
    after = change.after
    new = after.get("status")
    if old not in _RANK or new not in _RANK or _RANK[new] >= _RANK[old]:
        return []
    ind, region, year, actor = change.indicator, change.region_code, change.year, change.actor
    title = (f"预警：{ind.name_zh}（{region}，{year} 年）"
             f"由{_LABELS[old][0]}转为{_LABELS[new][0]}",
             f"Warning: {ind.name_en} ({region}, {year}) went from {old} to {new}")
    body = (f"实际值 {after.get('actual')}，完成进度 {_pct(after.get('completion'))}，"
            f"时间进度 {_pct(after.get('time_progress'))}；录入人 {actor}。",
            f"Actual {after.get('actual')}, completion {_pct(after.get('completion'))}, "
            f"time progress {_pct(after.get('time_progress'))}; entered by {actor}.")
    revision = after.get("revision") or 0
    key = f"status:{change.plan.id}:{ind.id}:{region}:{year}:r{revision}:{old}>{new}"
    return [Finding("status_worsened", key, change.plan, ind, region, year, title, body,
                    {"old_status": old, "new_status": new, "actual": after.get("actual"),
                     "completion": after.get("completion"),
                     "time_progress": after.get("time_progress"), "actor": actor})]


@on_scan
def check_report_overdue(state: ReportingState) -> list[Finding]:
    """Every annual figure of the plan's region whose due date has passed and that is missing.

    For each indicator with a numeric or assignable target, the value of every year from base
    year + 1 to the period end is due by ``due`` (month, day) of the next year.
    """
    plan, out = state.plan, []
    for ind in plan.indicators:
        if ind.target.kind in ("qualitative", "not_stated"):
            continue
        for year in range(plan.base_year + 1, plan.period_end + 1):
            deadline = date(year + 1, *state.due)
            if deadline >= state.today or (ind.id, year) in state.recorded:
                continue
            title = (f"逾期：{ind.name_zh} {year} 年数据应于 {deadline:%Y-%m-%d} 前报送",
                     f"Overdue: {ind.name_en} for {year} was due by {deadline:%Y-%m-%d}")
            body = (f"规划 {plan.title_zh}，地区 {plan.region_code}。",
                    f"Plan {plan.title_en}, region {plan.region_code}.")
            out.append(Finding("report_overdue",
                               f"overdue:{plan.id}:{ind.id}:{plan.region_code}:{year}", plan,
                               ind, plan.region_code, year, title, body,
                               {"due": deadline.isoformat()}))
    return out

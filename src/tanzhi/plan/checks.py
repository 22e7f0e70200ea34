"""Warning rules of plan tracking: `check_*` functions that turn facts into findings.

Each rule is pure (no session, no I/O) and registered for the moment it runs (issue #10 item 4):

- ``RECORD_RULES`` run on an indicator's status row whenever it is re-rated: a value recorded
  or re-derived, or the periodic sync over every plan (`StatusChange`);
  `tanzhi.plan.service.warnings.apply_light_rules` iterates them. The one light rule,
  `warning_light`, is registered here as `check_light`;
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
_LABELS = {"green": ("绿灯", "green"), "yellow": ("黄灯", "yellow"), "red": ("红灯", "red")}
WARNING_LIGHTS = ("yellow", "red")


@dataclass(frozen=True)
class Finding:
    """One warning to deliver: what happened, to which indicator and region, and its texts."""

    event: str  # status_warning | report_overdue | …
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


def warning_light(row: dict[str, Any] | None) -> str | None:
    """The one rule of early warning (issue #11 item 5): an indicator warns while its light is
    yellow or red. The status table's traffic light, the warning list, the badge and the
    owners' inboxes all follow from it; the light itself is `tanzhi.plan.calc.status`."""
    status = (row or {}).get("status")
    return status if status in WARNING_LIGHTS else None


def _num(value: Any, unit: str | None) -> str:
    if value is None or value != value:  # noqa: PLR0124 — NaN check
        return "—"
    return f"{float(value):.4g}{'' if unit in (None, '') else ' ' + unit}"


@on_record
def check_light(change: StatusChange) -> list[Finding]:
    """One finding while the indicator's light is yellow or red (`warning_light`), keyed by
    plan, indicator, region, year and light: the same warning is delivered once, a changed
    light or a new year is a new one."""
    after = change.after
    light = warning_light(after)
    if light is None:
        return []
    ind, region, actor = change.indicator, change.region_code, change.actor
    year = after.get("year") or change.year
    place = after.get("region_name") or region
    label = _LABELS[light]
    title = (f"{label[0]}预警：{ind.name_zh}（{place}，{year} 年）",
             f"{label[1].capitalize()} warning: {ind.name_en} ({place}, {year})")
    body = (f"{change.plan.title_zh}：实际值 {_num(after.get('actual'), ind.unit)}，目标 "
            f"{_num(after.get('target'), ind.unit)}，完成进度 {_pct(after.get('completion'))}，"
            f"应达进度 {_pct(after.get('expected_progress'))}。",
            f"{change.plan.title_en}: actual {_num(after.get('actual'), ind.unit)}, target "
            f"{_num(after.get('target'), ind.unit)}, completion {_pct(after.get('completion'))}, "
            f"expected {_pct(after.get('expected_progress'))}.")
    key = f"light:{change.plan.id}:{ind.id}:{region}:{year}:{light}"
    old = (change.before or {}).get("status")
    return [Finding("status_warning", key, change.plan, ind, region, year, title, body,
                    {"old_status": old, "new_status": light, "actual": after.get("actual"),
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
            body = (f"规划 {plan.title_zh}，地区 {plan.region_name_zh}。",
                    f"Plan {plan.title_en}, region {plan.region_name_zh}.")
            out.append(Finding("report_overdue",
                               f"overdue:{plan.id}:{ind.id}:{plan.region_code}:{year}", plan,
                               ind, plan.region_code, year, title, body,
                               {"due": deadline.isoformat()}))
    return out

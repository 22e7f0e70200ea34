"""Status coverage: which quantitative indicators of a plan are rated for a year, and who owes
the rest (issue #11 item 1).

An indicator is quantitative unless its target is qualitative (定性). It is *rated* for a year
when the status table (`status_table`, the plan's own region) gives it a light from a value of
that very year. Every other quantitative indicator is a gap, and a gap names:

- what is missing: the target the level above assigns, the plan's target, the base-year value,
  an actual of the year, or the actuals of some parts of a split target;
- who owes it: for a target set by the level above, that level (``省``/``国家``/``上级``) and the
  indicator's department; otherwise the indicator's responsible department as the plan prints
  it, or, when the plan names none, the plan's own region government (规划编制单位) with that
  said;
- since when: a target or a baseline is owed since the plan was adopted (its edition date, or
  1 January after the base year for a draft edition); an actual of year Y since its due date,
  30 June of Y + 1 (`tanzhi.plan.checks.REPORT_DUE`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.plan.checks import REPORT_DUE
from tanzhi.plan.model import Plan
from tanzhi.plan.service.registry import get_plan, list_plan_records
from tanzhi.plan.service.status import status_table

COVERAGE_COLUMNS = ["plan_id", "quantitative", "with_status", "missing_with_owner"]
DETAIL_COLUMNS = ["plan_id", "indicator_id", "name", "status", "year", "missing_zh",
                  "missing_en", "owner", "since"]
_MISSING = {
    "set_by_higher_level": ("上级下达的目标值", "the target the level above assigns"),
    "not_stated": ("规划未填目标值", "the plan states no target"),
    "relative": ("参照指标的目标值", "the target of the reference indicator"),
    "no_baseline": ("基准年值", "the base-year value"),
    "per_region": ("分区域实际值", "actuals of each sub-area"),
    "per_component": ("分项实际值", "actuals of each component"),
}


def _adopted_on(plan: Plan) -> date:
    """The edition date when the edition is named by one, else 1 January after the base year."""
    found = re.match(r"(\d{4})-(\d{2})-(\d{2})$", plan.edition)
    if found:
        return date(int(found[1]), int(found[2]), int(found[3]))
    return date(plan.base_year + 1, 1, 1)


def _gap(plan: Plan, row: dict[str, Any], year: int) -> tuple[str, str, str, date]:
    """(missing zh, missing en, owner, since) of one unrated quantitative indicator."""
    ind = plan.indicator(row["indicator_id"])
    note = row["status_note"]
    dept = ind.department or f"{plan.region_name_zh}人民政府（规划编制单位；规划未列责任部门）"
    if note in _MISSING:
        zh, en = _MISSING[note]
        if note in ("per_region", "per_component") and row["target_basis"]:
            zh = f"{zh}（{str(row['target_basis']).removeprefix('缺分项实际值：')}）"
        if note == "set_by_higher_level":
            owner = f"{ind.target.set_by or '上级'}（下达）；{dept}（报送）"
        else:
            owner = dept
        since = _adopted_on(plan)
        if note in ("per_region", "per_component"):
            since = date(year + 1, *REPORT_DUE)
        return zh, en, owner, since
    if note == "no_actual" or row["year"] is None or pd.isna(row["year"]) or row["year"] < year:
        return f"{year} 年实际值", f"the actual of {year}", dept, date(year + 1, *REPORT_DUE)
    return (f"无法评价（{note}）", f"not rated ({note})", dept, _adopted_on(plan))


def indicator_coverage(session: Session, plan_id: str, *, year: int | None = None
                       ) -> pd.DataFrame:
    """One row per quantitative indicator of a plan: its status for `year` (default: the plan's
    end year) or, when unrated, what is missing, who owes it and since when (`DETAIL_COLUMNS`;
    ``status`` empty for a gap, the gap columns empty for a rated one)."""
    plan = get_plan(session, plan_id)
    year = plan.period_end if year is None else year
    table = status_table(session, plan_id, year=year)
    rows = []
    for rec in table.to_dict("records"):
        if rec["target_kind"] == "qualitative":
            continue
        rec = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in rec.items()}
        rated = rec["status"] is not None and rec["year"] == year
        out = {"plan_id": plan_id, "indicator_id": rec["indicator_id"], "name": rec["name"],
               "status": rec["status"] if rated else None, "year": rec["year"],
               "missing_zh": None, "missing_en": None, "owner": None, "since": None}
        if not rated:
            zh, en, owner, since = _gap(plan, rec, year)
            out.update({"missing_zh": zh, "missing_en": en, "owner": owner,
                        "since": since.isoformat()})
        rows.append(out)
    return pd.DataFrame(rows, columns=DETAIL_COLUMNS)


def plan_coverage(session: Session, *, year: int | None = None) -> pd.DataFrame:
    """Per current plan: quantitative indicators, those rated for `year` (default each plan's
    end year), and the unrated ones whose gap names an owner and a since-date
    (`COVERAGE_COLUMNS`)."""
    rows = []
    for record in list_plan_records(session):
        detail = indicator_coverage(session, record.plan_id, year=year)
        gaps = detail[detail["status"].isna()]
        rows.append({"plan_id": record.plan_id, "quantitative": len(detail),
                     "with_status": int(detail["status"].notna().sum()),
                     "missing_with_owner": int((gaps["owner"].notna()
                                                & gaps["since"].notna()).sum())})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)

"""Who may see and generate which reports: roles, region scope, and what a user may ask for.

Pages and the JSON API share these rules (a report lies in the region it reports on; writers
generate, everyone reads within their scope).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tanzhi.access import Role, User, in_scope, scope_codes
from tanzhi.kernel import DataError, PermissionDenied, Problem, list_regions
from tanzhi.plan import get_plan, list_plan_records
from tanzhi.report.service.generate import KINDS, ReportInfo, generate_report

# Who may generate reports (the rest may read those in their scope).
WRITERS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER,
                     Role.DEPARTMENT_OFFICER, Role.ANALYST})
YEARS = tuple(range(2025, 2014, -1))


def scoped_codes(db: Session, user: User) -> set[str] | None:
    """Region codes whose reports the user may see (None: no restriction)."""
    return set(scope_codes(db, user))


def check_scope(db: Session, user: User, region_code: str) -> None:
    """`PermissionDenied` unless the report's region is in the user's scope."""
    if not in_scope(db, user, region_code):
        raise PermissionDenied(f"无权查看地区 {region_code} 的报告 / the report's region "
                               f"{region_code} is outside your scope")


def generation_options(db: Session, user: User) -> dict[str, Any]:
    """Plans and regions the user may generate reports for."""
    records = [r for r in list_plan_records(db) if in_scope(db, user, r.region_code)]
    codes = scoped_codes(db, user) or set()
    regions = [r for r in list_regions(db) if r.code in codes and r.level.value in
               ("province", "city", "county")]
    regions.sort(key=lambda r: r.code)
    return {"plans": records, "regions": regions, "years": list(YEARS)}


def _parameters(kind: str, plan_id: str | None, region_code: str | None, year: int | None,
                run_id: str | None) -> dict[str, Any]:
    if kind not in KINDS:
        raise DataError(Problem(f"未知报告类型“{kind}”", f"unknown report kind {kind!r}"))
    if kind == "inventory":
        if not region_code or year is None:
            raise DataError(Problem("清单报告需要地区和年份", "an inventory report needs a region "
                                    "and a year"))
        return {"region_code": region_code, "year": int(year), "run_id": run_id or None}
    if not plan_id:
        raise DataError(Problem("评估报告需要规划编号", "an evaluation needs a plan id"))
    return {"plan_id": plan_id, "region_code": region_code or None}


def generate_as(db: Session, data_dir: Path, user: User, *, kind: str, plan_id: str | None,
                region_code: str | None, year: int | None, run_id: str | None) -> ReportInfo:
    """Check the user's role and scope, then generate (or reuse) the report."""
    if user.role not in WRITERS:
        raise PermissionDenied(f"角色“{user.role.label_zh}”不能生成报告 / role "
                               f"'{user.role.label_en}' may not generate reports")
    params = _parameters(kind, plan_id, region_code, year, run_id)
    if kind != "inventory":
        plan = get_plan(db, str(plan_id))
        check_scope(db, user, region_code or plan.region_code)
    else:
        check_scope(db, user, str(region_code))
    return generate_report(db, data_dir, kind=kind, parameters=params, actor=user.username)

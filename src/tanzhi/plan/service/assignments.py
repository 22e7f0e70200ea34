"""Enter the target the level above assigned to a plan indicator (issue #11 item 1).

A target printed as "set by the higher level" (上级下达) is rated once a number is known. An
officer enters it here with the document it comes from; a later entry supersedes the earlier
one, which stays as history. Status reads the assignment in force (`tanzhi.plan.service.status`),
and the plan's warnings are re-synced, since a new target can change a light.
"""

from __future__ import annotations

import math

from sqlalchemy.orm import Session

from tanzhi.kernel import DataError, Location, Problem, get_region
from tanzhi.plan import store
from tanzhi.plan.service.registry import get_plan
from tanzhi.plan.service.warnings import sync_warnings

BASES = ("value", "reduction_pct")
# Target kinds a plan's region may assign its children a single number for.
CHILD_RATED = ("value", "comparator", "set_by_higher_level", "relative")


def enter_assignment(session: Session, *, plan_id: str, indicator_id: str, value: float,
                     source: str, basis: str = "value", provisional: bool = False,
                     actor: str, region_code: str | None = None) -> store.PlanAssignmentRow:
    """Record the assigned target of a set-by-the-higher-level indicator in the plan's region,
    or (``region_code`` a direct child of the plan's region) the target the plan's region
    assigns a child outside a decomposition round, for any indicator with a rated target.

    ``basis`` ``value`` is the target in the indicator's unit; ``reduction_pct`` a % cut from
    the base-year level (for an intensity level indicator).

    Raises
    ------
    NotFound
        Unknown plan or indicator.
    DataError
        The indicator's target is not set by the higher level, a non-finite value, an unknown
        basis or an empty source (located by field).
    """
    plan = get_plan(session, plan_id)
    ind = plan.indicator(indicator_id)
    problems = []
    code = region_code or plan.region_code
    if code != plan.region_code:
        region = get_region(session, code)
        if region is None or region.parent_code != plan.region_code:
            problems.append(("region_code", f"{code} 不是本规划地区的直接下级地区",
                             f"{code} is not a direct child of the plan's region"))
        if ind.target.kind not in CHILD_RATED:
            problems.append(("indicator_id", f"指标“{ind.name_zh}”的目标无单一数值，不能下达",
                             f"the target of '{ind.name_en}' has no single number to assign"))
    elif ind.target.kind != "set_by_higher_level":
        problems.append(("indicator_id", f"指标“{ind.name_zh}”的目标不是上级下达的",
                         f"the target of '{ind.name_en}' is not set by the higher level"))
    if not math.isfinite(float(value)):
        problems.append(("value", "数值须为有限数", "value must be a finite number"))
    if basis not in BASES:
        problems.append(("basis", f"口径须为 {' / '.join(BASES)}", f"basis must be one of {BASES}"))
    if not source.strip():
        problems.append(("source", "须注明下达文件", "name the document that assigns it"))
    if problems:
        raise DataError([Problem(zh, en, Location(column=col)) for col, zh, en in problems])
    previous = store.current_assignment_row(session, plan_id, indicator_id, code)
    row = store.PlanAssignmentRow(
        plan_id=plan_id, indicator_id=indicator_id, region_code=code,
        value=float(value), basis=basis, source_zh=source.strip(), source_en="",
        provisional=provisional, synthetic=False, actor=actor)
    session.add(row)
    session.flush()
    if previous is not None:
        previous.superseded_by = row.id
        session.flush()
    sync_warnings(session, plan_ids=[plan_id], actor=actor)  # the target moved: re-light
    return row

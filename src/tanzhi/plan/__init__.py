"""plan domain (规划指标与考核): plans, indicators, targets, warnings, decomposition, assessment.

The face other domains import from. Names listed here point at today's modules; the plan
re-cut (issue #10) may move them, the names stay.
"""

from tanzhi.plan.assess.registry import pilots_as_of, projects_as_of
from tanzhi.plan.assess.results import current_schemes, item_scores
from tanzhi.plan.calc import planned_progress
from tanzhi.plan.model import Plan
from tanzhi.plan.service.actuals import current_actuals
from tanzhi.plan.service.registry import (
    PlanRecord,
    get_plan,
    get_plan_record,
    list_plan_records,
)
from tanzhi.plan.service.status import status_table

__all__ = [
    "Plan",
    "PlanRecord",
    "current_actuals",
    "current_schemes",
    "get_plan",
    "get_plan_record",
    "item_scores",
    "list_plan_records",
    "pilots_as_of",
    "planned_progress",
    "projects_as_of",
    "status_table",
]

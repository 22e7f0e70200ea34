"""Plan tracking services: registry, actuals and revisions, derived indicators, status, warnings.

Each name lives in a submodule (registry, workbook, actuals, derive, status, nowcast, warnings,
detail). The use case that chains them — record an actual, re-rate, warn — is one floor up in
`tanzhi.plan.workflow`; decomposition and assessment build on these services, never the reverse.
"""

from __future__ import annotations

from tanzhi.plan.service.actuals import (
    actual_history,
    current_actuals,
    derived_lineage,
)
from tanzhi.plan.service.assignments import enter_assignment
from tanzhi.plan.service.coverage import (
    COVERAGE_COLUMNS,
    DETAIL_COLUMNS,
    indicator_coverage,
    plan_coverage,
)
from tanzhi.plan.service.derive import (
    DERIVATIONS,
    NOT_DERIVED_ANYWHERE,
    derivation_for,
    not_derived,
)
from tanzhi.plan.service.nowcast import Nowcast, nowcast
from tanzhi.plan.service.registry import (
    PlanRecord,
    ensure_plans,
    get_plan,
    get_plan_record,
    list_plan_records,
    plan_editions,
    save_plan,
    start_next_plan,
    stored_region,
    sync_packaged_plans,
)
from tanzhi.plan.service.status import (
    STATUS_COLUMNS,
    adopted_child_targets,
    indicator_status,
    part_key,
    region_statuses,
    status_table,
)
from tanzhi.plan.service.warnings import (
    Notification,
    OpenWarning,
    can_record,
    check_overdue,
    deliver_outbox,
    department_id,
    mark_read,
    notifications_for,
    open_warnings,
    sign,
    sync_warnings,
    unread_count,
    verify_signature,
    warning_count,
)
from tanzhi.plan.service.workbook import import_plan_workbook, plan_workbook

__all__ = [
    "COVERAGE_COLUMNS",
    "DETAIL_COLUMNS",
    "OpenWarning",
    "enter_assignment",
    "open_warnings",
    "sync_warnings",
    "warning_count",
    "indicator_coverage",
    "part_key",
    "plan_coverage",
    "DERIVATIONS",
    "NOT_DERIVED_ANYWHERE",
    "not_derived",
    "STATUS_COLUMNS",
    "Notification",
    "Nowcast",
    "PlanRecord",
    "actual_history",
    "adopted_child_targets",
    "can_record",
    "check_overdue",
    "current_actuals",
    "deliver_outbox",
    "department_id",
    "derivation_for",
    "derived_lineage",
    "ensure_plans",
    "get_plan",
    "get_plan_record",
    "import_plan_workbook",
    "indicator_status",
    "list_plan_records",
    "mark_read",
    "notifications_for",
    "nowcast",
    "plan_editions",
    "plan_workbook",
    "region_statuses",
    "save_plan",
    "stored_region",
    "sign",
    "start_next_plan",
    "status_table",
    "sync_packaged_plans",
    "unread_count",
    "verify_signature",
]

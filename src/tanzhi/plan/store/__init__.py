"""Plan storage (plan_*): tracking tables, the pilot and project registries, decomposition rounds.

One floor for every table plan status reads (issue #10 item 1), split by concept: `tracking`
(editions, actuals, proxies, notifications, outbox), `registries` (pilots, projects) and
`allocations` (decomposition rounds and their adopted child targets) and `assignments`
(targets the level above assigned, entered or packaged). Queries take the caller's
session.
"""

from tanzhi.plan.store.allocations import RoundRow, TargetRow, adopted_rows
from tanzhi.plan.store.assignments import (
    Assignment,
    PlanAssignmentRow,
    current_assignment_row,
    entered_assignments,
    packaged_assignments,
)
from tanzhi.plan.store.registries import (
    PilotEventRow,
    PilotMetricRow,
    PilotRow,
    ProjectNoteRow,
    ProjectRow,
    count_pilots,
    pilot_in_force,
    project_started,
    project_totals,
    region_and_below,
)
from tanzhi.plan.store.tracking import (
    PlanActualRow,
    PlanEditionRow,
    PlanNotificationRow,
    PlanOutboxAttemptRow,
    PlanOutboxRow,
    PlanProxyRow,
    actual_rows,
    attempt_rows,
    current_actual_row,
    current_edition_rows,
    edition_row,
    edition_rows,
    latest_value,
    notification_exists,
    notification_rows,
    open_warning_rows,
    outbox_by_key,
    outbox_rows,
    proxy_rows,
)

__all__ = [
    "Assignment",
    "PlanAssignmentRow",
    "current_assignment_row",
    "entered_assignments",
    "packaged_assignments",
    "PilotEventRow",
    "PilotMetricRow",
    "PilotRow",
    "PlanActualRow",
    "PlanEditionRow",
    "PlanNotificationRow",
    "PlanOutboxAttemptRow",
    "PlanOutboxRow",
    "PlanProxyRow",
    "ProjectNoteRow",
    "ProjectRow",
    "RoundRow",
    "TargetRow",
    "actual_rows",
    "adopted_rows",
    "attempt_rows",
    "count_pilots",
    "current_actual_row",
    "current_edition_rows",
    "edition_row",
    "edition_rows",
    "latest_value",
    "notification_exists",
    "notification_rows",
    "open_warning_rows",
    "outbox_by_key",
    "outbox_rows",
    "pilot_in_force",
    "project_started",
    "project_totals",
    "proxy_rows",
    "region_and_below",
]

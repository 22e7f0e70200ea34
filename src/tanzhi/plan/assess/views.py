"""What the assessment and registry pages share: label tables, the viewer guard, region scope."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tanzhi.access import User, require_in_scope
from tanzhi.http import CurrentUser
from tanzhi.kernel import Region, list_regions, require_region
from tanzhi.plan.assess.model import (
    ACTION_LABELS,
    CARBON_LEVELS,
    GRADE_LABELS,
    PILOT_KINDS,
    PILOT_MOVES,
    PROJECT_SECTORS,
    PROJECT_STATUSES,
    STAGE_LABELS,
    STATE_LABELS,
    PilotStage,
    SchemeState,
)
from tanzhi.plan.service.status import NOTES as STATUS_NOTES

# Roles and the scope of every scheme, assessee, pilot and project named are checked app-wide
# against the policy table (`tanzhi.http.policy.authorize`); the services check the finer rules
# (who self-assesses, who reviews, who approves).
Viewer = CurrentUser
SYNTHETIC_SOURCE = {"title": "tanzhi demo data (synthetic)", "title_zh": "tanzhi 演示数据（合成）",
                    "edition": "demo", "publisher": "tanzhi", "licence": "CC0-1.0"}


# Why a quantitative item has no automatic score: the plan status table's notes, plus the case
# where the plan has no status table for the assessee's region at all.
BASIS_NOTES: dict[str, tuple[str, str]] = {
    **STATUS_NOTES,
    "no_status_table": ("本地区无规划指标状态表", "no plan status table for this region"),
}


RULE_LABELS: dict[str, tuple[str, str]] = {
    "proportional": ("按完成进度比例计分", "proportional to progress"),
    "status": ("按红黄绿状态计分", "by status light"),
}


def labels() -> dict[str, object]:
    """The vocabularies templates show (Chinese, English pairs)."""
    return {"state_labels": {s.value: v for s, v in STATE_LABELS.items()},
            "action_labels": ACTION_LABELS,
            "grade_labels": {g.value: v for g, v in GRADE_LABELS.items()},
            "stage_labels": {s.value: v for s, v in STAGE_LABELS.items()},
            "pilot_kinds": PILOT_KINDS, "carbon_levels": CARBON_LEVELS,
            "sectors": PROJECT_SECTORS, "project_statuses": PROJECT_STATUSES,
            "states": [s.value for s in SchemeState], "status_notes": BASIS_NOTES,
            "rule_labels": RULE_LABELS,
            "pilot_moves": {s.value: [t.value for t in PilotStage if t in PILOT_MOVES[s]]
                            for s in PilotStage}}


def scope_children(db: Session, user: User, region: str | None) -> tuple[Region, list[Region]]:
    """The region a registry page shows (checked against the user's scope) and its children."""
    code = region or user.region_code or ""
    chosen = require_region(db, code)
    require_in_scope(db, user, code)
    children = [r for r in list_regions(db, parent=code) if r.parent_code == code]
    return chosen, children

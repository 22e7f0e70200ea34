"""Assessment workflow and pilot/project registry use cases (the area's public entry points).

The use cases live in focused modules; this module gathers them for the routes, the CLI, the
demo and other domains:

- `workflow`: schemes, items, the state machine, self-scores, review, sign-off, new rounds;
- `evidence`: evidence uploads (type/size checks, sha256, content-addressed storage);
- `results`: totals, grades, ranking, rectification list, public edition, workspace view;
- `registry`: pilots (lifecycle) and major projects;
- `exchange`: Excel/CSV import and export of both registries;
- `store.count_pilots` / `store.project_totals`: the figures pilot and project indicators use.
"""

from __future__ import annotations

from tanzhi.plan.assess.evidence import add_evidence, check_evidence, open_evidence, remove_evidence
from tanzhi.plan.assess.exchange import (
    PILOT_SCHEMA,
    PROJECT_SCHEMA,
    import_pilots,
    import_projects,
    pilots_workbook,
    projects_workbook,
)
from tanzhi.plan.assess.registry import (
    add_progress,
    create_pilot,
    create_project,
    get_pilot,
    get_project,
    list_pilots,
    list_projects,
    move_pilot,
    pilot_dict,
    pilot_timeline,
    project_dict,
    project_notes,
    record_metric,
    update_pilot,
)
from tanzhi.plan.assess.results import (
    public_edition,
    rectifications,
    scheme_results,
    schemes_for,
    workspace,
)
from tanzhi.plan.assess.seed import demo_seed
from tanzhi.plan.assess.workflow import (
    add_item,
    close_rectification,
    create_scheme,
    get_scheme,
    new_round,
    remove_item,
    save_review,
    save_self_scores,
    submit_self_assessment,
    transition,
)
from tanzhi.plan.store import count_pilots, project_totals

__all__ = [
    "PILOT_SCHEMA", "PROJECT_SCHEMA", "add_evidence", "add_item", "add_progress",
    "check_evidence", "close_rectification", "count_pilots", "create_pilot", "create_project",
    "create_scheme", "demo_seed", "get_pilot", "get_project", "get_scheme", "import_pilots",
    "import_projects", "list_pilots", "list_projects", "move_pilot", "new_round",
    "open_evidence", "pilot_dict", "pilot_timeline", "pilots_workbook", "project_dict",
    "project_notes", "project_totals", "projects_workbook", "public_edition", "record_metric",
    "rectifications", "remove_evidence", "remove_item", "save_review", "save_self_scores",
    "scheme_results", "schemes_for", "submit_self_assessment", "transition", "update_pilot",
    "workspace",
]



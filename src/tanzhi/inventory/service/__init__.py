"""Inventory use cases: import activity, compile the region tree, store runs with lineage, read
results, residuals, uncertainty, key categories, recalculation diffs and QA/QC findings.

The only package of the inventory domain that mixes store, calc and checks (DESIGN.md).
"""

from tanzhi.inventory.service.analysis import (
    calibre_reconciliation,
    compare_runs,
    key_categories,
    run_findings,
    run_uncertainty,
    stored_uncertainty,
    uncertainty_defaults_used,
)
from tanzhi.inventory.service.mapping import activity_from_statistics
from tanzhi.inventory.service.reads import (
    energy_co2,
    fuel_sector_flows,
    hierarchy_residuals,
    region_totals,
    run_results,
    run_summary,
)
from tanzhi.inventory.service.runs import (
    DEMO_LABEL,
    RunInfo,
    compile_inventory,
    demo_seed,
    get_run,
    import_activity,
    latest_run,
    list_runs,
)

__all__ = [
    "DEMO_LABEL",
    "RunInfo",
    "activity_from_statistics",
    "calibre_reconciliation",
    "compare_runs",
    "compile_inventory",
    "demo_seed",
    "energy_co2",
    "fuel_sector_flows",
    "get_run",
    "hierarchy_residuals",
    "import_activity",
    "key_categories",
    "latest_run",
    "list_runs",
    "region_totals",
    "run_findings",
    "run_results",
    "run_summary",
    "run_uncertainty",
    "stored_uncertainty",
    "uncertainty_defaults_used",
]

"""GHG inventory domain (温室气体清单): activity data × factors → emissions, uncertainty, QA/QC."""

from tanzhi.inventory.api import router as api_router
from tanzhi.inventory.calc import (
    compute_calibre_reconciliation,
    compute_co2e,
    compute_energy_co2,
    compute_error_propagation,
    compute_inventory,
    compute_key_categories,
    compute_monte_carlo,
)
from tanzhi.inventory.checks import (
    EXPECTED_CATEGORIES,
    check_completeness,
    check_lineage,
    check_time_series,
)
from tanzhi.inventory.model import (
    ActivityRecord,
    BalanceFlow,
    Calibre,
    EmissionResult,
    Estimate,
    FactorLike,
    FactorLookup,
    FactorValue,
    InventoryOptions,
    NotationKey,
)
from tanzhi.inventory.pages import router as pages_router
from tanzhi.inventory.service import (
    compare_runs,
    demo_seed,
    energy_co2,
    get_run,
    hierarchy_residuals,
    key_categories,
    latest_run,
    region_totals,
    run_results,
    run_uncertainty,
)

__all__ = [
    "ActivityRecord",
    "BalanceFlow",
    "Calibre",
    "EXPECTED_CATEGORIES",
    "EmissionResult",
    "Estimate",
    "FactorLike",
    "FactorLookup",
    "FactorValue",
    "InventoryOptions",
    "NotationKey",
    "api_router",
    "check_completeness",
    "check_lineage",
    "check_time_series",
    "compare_runs",
    "compute_calibre_reconciliation",
    "compute_co2e",
    "compute_energy_co2",
    "compute_error_propagation",
    "compute_inventory",
    "compute_key_categories",
    "compute_monte_carlo",
    "demo_seed",
    "energy_co2",
    "get_run",
    "hierarchy_residuals",
    "key_categories",
    "latest_run",
    "pages_router",
    "region_totals",
    "run_results",
    "run_uncertainty",
]

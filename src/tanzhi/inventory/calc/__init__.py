"""Inventory calculations: pure functions on tidy frames, one module per sector plus totals,
uncertainty and key categories (no I/O, no database)."""

from tanzhi.inventory.calc.activity import (
    FactorCache,
    prepare_activity,
)
from tanzhi.inventory.calc.agriculture import (
    compute_agriculture,
    compute_livestock,
    compute_managed_soils,
    compute_rice,
)
from tanzhi.inventory.calc.energy import (
    compare_reference_sectoral,
    compute_fuel_combustion,
    compute_net_imports,
    compute_reference_approach,
)
from tanzhi.inventory.calc.estimate import (
    combine_estimates,
    select_rows,
)
from tanzhi.inventory.calc.fugitive import compute_fugitive
from tanzhi.inventory.calc.input_uncertainty import fill_default_uncertainty
from tanzhi.inventory.calc.ippu import (
    compute_adipic_acid,
    compute_cement,
    compute_fgas_use,
    compute_glass,
    compute_ippu,
)
from tanzhi.inventory.calc.keycat import compute_key_categories
from tanzhi.inventory.calc.lulucf import compute_forest_stock_change
from tanzhi.inventory.calc.sectors import compute_inventory
from tanzhi.inventory.calc.totals import (
    compute_calibre_reconciliation,
    compute_co2e,
    compute_energy_co2,
    compute_totals,
)
from tanzhi.inventory.calc.uncertainty import (
    combine_product_uncertainty,
    combine_sum_uncertainty,
    compute_error_propagation,
    compute_error_propagation_trend,
    compute_monte_carlo,
    compute_monte_carlo_trend,
    compute_trend_uncertainty,
)
from tanzhi.inventory.calc.waste import (
    compute_incineration,
    compute_landfill,
    compute_waste,
    compute_wastewater,
)

__all__ = [
    "FactorCache",
    "combine_estimates",
    "combine_product_uncertainty",
    "combine_sum_uncertainty",
    "fill_default_uncertainty",
    "compare_reference_sectoral",
    "compute_adipic_acid",
    "compute_agriculture",
    "compute_calibre_reconciliation",
    "compute_cement",
    "compute_co2e",
    "compute_energy_co2",
    "compute_error_propagation",
    "compute_error_propagation_trend",
    "compute_fgas_use",
    "compute_forest_stock_change",
    "compute_fuel_combustion",
    "compute_fugitive",
    "compute_glass",
    "compute_incineration",
    "compute_inventory",
    "compute_ippu",
    "compute_key_categories",
    "compute_landfill",
    "compute_livestock",
    "compute_managed_soils",
    "compute_monte_carlo",
    "compute_monte_carlo_trend",
    "compute_net_imports",
    "compute_reference_approach",
    "compute_rice",
    "compute_totals",
    "compute_trend_uncertainty",
    "compute_waste",
    "compute_wastewater",
    "prepare_activity",
    "select_rows",
]

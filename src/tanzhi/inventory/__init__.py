"""GHG inventory domain (温室气体清单): activity data × factors → emissions, uncertainty, QA/QC."""

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
from tanzhi.inventory.service import energy_co2, latest_run

__all__ = [
    "ActivityRecord",
    "BalanceFlow",
    "Calibre",
    "EmissionResult",
    "Estimate",
    "FactorLike",
    "FactorLookup",
    "FactorValue",
    "InventoryOptions",
    "NotationKey",
    "energy_co2",
    "latest_run",
]

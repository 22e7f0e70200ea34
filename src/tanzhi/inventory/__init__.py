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
]

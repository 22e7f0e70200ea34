"""Decomposition types: a computed round (`RoundResult`) and the method names pages print.

No I/O; the workbook writer and the service both build on these (issue #10: the type lives on
the floor below both, so neither imports the other to reach it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class RoundResult:
    """A computed round: the allocation, its inputs and, once saved, its id."""

    plan_id: str
    plan_edition: str
    indicator_id: str
    indicator_name_zh: str
    indicator_name_en: str
    region_code: str
    region_name_zh: str
    region_name_en: str
    kind: str
    quantity: str
    unit: str
    method: str
    name: str
    parent_target: float
    parent_target_source_zh: str
    parent_target_source_en: str
    provisional: bool
    base_year: int
    target_year: int
    weights: dict[str, float]
    params: dict[str, Any]
    children: pd.DataFrame
    aggregate: dict[str, Any]
    sources: list[dict[str, Any]]
    notes: list[tuple[str, str]]
    synthetic: bool
    round_id: int | None = None
    adopted: bool = False
    created_by: str = ""
    created_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """Child rows as the CLI and API show them."""
        cols = ["region_code", "name_zh", "name_en", "base_value", "target", "profile", "bound",
                "gdp0", "gdp_growth", "emissions0"]
        return self.children[[c for c in cols if c in self.children.columns]]


METHOD_LABELS = {"equal": ("等比例法", "equal rate"), "intensity": ("历史强度法", "by intensity"),
                 "weighted": ("综合指数法", "weighted index")}


def calc_method_zh(method: str) -> str:
    """Chinese name of a method."""
    return METHOD_LABELS.get(method, (method, method))[0]

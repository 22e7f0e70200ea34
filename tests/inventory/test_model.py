"""Inventory model types: result rows, notation keys, the factor protocol."""

from __future__ import annotations

from tanzhi.inventory.model import (
    EmissionResult,
    FactorLike,
    FactorValue,
    NotationKey,
)


def test_result_row_round_trip() -> None:
    res = EmissionResult("330100", 2020, "1.A.1", "raw_coal", "CH4", float("nan"), "m",
                         notation=NotationKey.NE)
    assert EmissionResult.from_row(res.to_row()).notation is NotationKey.NE
    assert res.to_row()["factor_ids"] == ""


def test_factor_value_satisfies_the_protocol() -> None:
    assert isinstance(FactorValue("EFDB-117534", 15.3, "t C/TJ", 5.0), FactorLike)

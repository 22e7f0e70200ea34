"""Purchased heat (购入热力): ``E = AD (GJ) × EF_heat``.

EF_heat is the library's ``heat/co2_ef`` (packaged ``cn-heat``: 0.11 t CO2/GJ, the default of
the NDRC industry guidelines and GB/T 32150; provisional until read in a guideline annex).
Heat must be reported as energy (GJ, MJ, TJ, 百万千焦); steam in tonnes needs its enthalpy
(the guidelines' steam tables) and is refused rather than converted by a guessed enthalpy.
"""

from __future__ import annotations

from tanzhi.enterprise.account.calc.defaults import library_default, located
from tanzhi.enterprise.account.model import GasEmission, Line, LineAccount
from tanzhi.kernel import (
    DataError,
    FactorLibrary,
    Location,
    Problem,
    conversion_factor,
    packaged_items,
    resolve_item,
)

METHOD = "GB/T 32150-2015 §7: purchased heat AD (GJ) × EF_heat"


def account_heat(line: Line, library: FactorLibrary) -> LineAccount:
    """CO2 of one purchased-heat line.

    Raises
    ------
    DataError
        The quantity is not an energy (e.g. steam in t), located at the line's unit.
    """
    try:
        item = resolve_item(line.item, location=Location(row=line.row, column="item"))
    except DataError as exc:
        raise located(exc, line.row, "item") from None
    if packaged_items()[item].kind != "heat":
        raise DataError(Problem(f"“{line.item}”不是热力项目（如 热力、蒸汽）",
                                f"'{line.item}' is not a heat item (e.g. heat, 热力)",
                                Location(row=line.row, column="item")))
    try:
        gj = line.quantity * conversion_factor(
            line.unit, "GJ", location=Location(row=line.row, column="unit"))
    except DataError as exc:
        problem = located(exc, line.row, "unit").problems[0]
        raise DataError(Problem(
            f"{problem.message_zh}；热力须以能量单位填报（如 GJ），蒸汽吨数请按焓值换算为 GJ",
            f"{problem.message_en}; report heat as energy (e.g. GJ) — convert steam tonnes to "
            "GJ by its enthalpy", problem.location)) from None
    ef, use = library_default(library, line, item="heat", parameter="co2_ef",
                              unit="t CO2/GJ", column="item")
    out = LineAccount(parameters=[use])
    out.gases.append(GasEmission(line.row, "CO2", gj * ef, METHOD))
    return out

"""Purchased electricity and certified green power (购入电力、绿色电力).

    E_electricity = AD (MWh) × EF_grid (t CO2/MWh)        (GB/T 32150-2015 §7; MEE/NBS notices)
    E_green       = −AD_green (MWh) × EF_grid              (only with a certificate as evidence)

The grid factor is one packaged series chosen by `GridFactors.basis`: the MEE/NBS average
(``grid_average_ef``: national 2022 0.5366 kg/kWh, East China 0.5617, Zhejiang where published),
the national factor excluding market-traded non-fossil power (``grid_ef_excl_market_nonfossil``,
2022 0.5856 — the residual mix a firm that buys green power applies to the rest of its
electricity), or the carbon-market reporting factor (``ets_grid_ef``, 0.5703 t/MWh from 2022).
MEE publishes a data year's factors about two years later, so when the report year has none the
latest earlier year serves and a finding says so.

Purchased electricity lines carry all electricity bought, green power included; a green-power
line deducts its certified quantity at the same factor (zero emissions for the certified
power).  A green-power line without evidence is not deducted: it is kept with zero emissions and
an error finding (`tanzhi.enterprise.account.checks.check_green_power`).
"""

from __future__ import annotations

from tanzhi.enterprise.account.calc.defaults import located
from tanzhi.enterprise.account.model import (
    GRID_PARAMETER,
    GasEmission,
    GridFactors,
    Line,
    LineAccount,
    ParameterUse,
)
from tanzhi.kernel import (
    DataError,
    Factor,
    FactorLibrary,
    Finding,
    Location,
    NotFound,
    Problem,
    Severity,
    conversion_factor,
    packaged_items,
    resolve_item,
)

METHOD_GRID = "GB/T 32150-2015 §7: purchased electricity AD × EF_grid ({basis}, {factor})"
METHOD_GREEN = "green power with certificate: −AD × EF_grid ({basis}, {factor})"
EARLIEST_FACTOR_YEAR = 2005  # the packaged grid series starts here (cn-grid-series)


def grid_factor(library: FactorLibrary, grid: GridFactors,
                year: int) -> tuple[Factor, Finding | None]:
    """The grid factor of a report: the asked data year, else the latest earlier one.

    Raises
    ------
    DataError
        No factor of the series for the region in or before the year.
    """
    parameter = GRID_PARAMETER[grid.basis]
    wanted = grid.factor_year or year
    for data_year in range(wanted, EARLIEST_FACTOR_YEAR - 1, -1):
        try:
            factor = library.lookup(item="electricity", parameter=parameter,
                                    region_code=grid.region_code, year=data_year)
        except NotFound:
            if grid.factor_year is not None:
                break
            continue
        note = None
        if data_year != wanted:
            note = Finding(
                "enterprise.account.grid_factor_year", Severity.INFO,
                f"{wanted} 年尚无已发布的电网排放因子（{parameter}），"
                f"采用 {data_year} 年因子 {factor.id}",
                f"no published grid factor ({parameter}) for {wanted}; the {data_year} factor "
                f"{factor.id} is used", context={"factor_id": factor.id, "data_year": data_year})
        return factor, note
    raise DataError(Problem(
        f"没有 {grid.region_code} 地区 {wanted} 年及以前的电网排放因子（{parameter}）",
        f"no grid factor ({parameter}) for region {grid.region_code} in or before {wanted}",
        Location(column="grid"),
    ))


def _mwh(line: Line) -> float:
    try:
        return line.quantity * conversion_factor(
            line.unit, "MWh", location=Location(row=line.row, column="unit"))
    except DataError as exc:
        raise located(exc, line.row, "unit") from None


def _electricity_item(line: Line) -> str:
    try:
        item = resolve_item(line.item, location=Location(row=line.row, column="item"))
    except DataError as exc:
        raise located(exc, line.row, "item") from None
    if packaged_items()[item].kind != "electricity":
        raise DataError(Problem(
            f"“{line.item}”不是电力项目（如 电力、风力发电、光伏发电）",
            f"'{line.item}' is not an electricity item (e.g. electricity, wind_power, solar_pv)",
            Location(row=line.row, column="item")))
    return item


def account_electricity(line: Line, factor: Factor, grid: GridFactors) -> LineAccount:
    """CO2 of one purchased-electricity line at the report's grid factor."""
    _electricity_item(line)
    ef = factor.value * conversion_factor(factor.unit, "t CO2/MWh")
    out = LineAccount()
    out.parameters.append(ParameterUse(line.row, GRID_PARAMETER[grid.basis], ef, "t CO2/MWh",
                                       "default", factor.id, factor.provisional))
    method = METHOD_GRID.format(basis=grid.basis.value, factor=factor.id)
    out.gases.append(GasEmission(line.row, "CO2", _mwh(line) * ef, method))
    return out


def account_green_power(line: Line, factor: Factor, grid: GridFactors) -> LineAccount:
    """The deduction of one certified green-power line (none without evidence)."""
    _electricity_item(line)
    ef = factor.value * conversion_factor(factor.unit, "t CO2/MWh")
    out = LineAccount()
    out.parameters.append(ParameterUse(line.row, GRID_PARAMETER[grid.basis], ef, "t CO2/MWh",
                                       "default", factor.id, factor.provisional))
    certified = bool(line.evidence)
    deduction = -_mwh(line) * ef if certified else 0.0
    method = METHOD_GREEN.format(basis=grid.basis.value, factor=factor.id)
    if not certified:
        method += "; not deducted: no certificate"
    out.gases.append(GasEmission(line.row, "CO2", deduction, method))
    return out

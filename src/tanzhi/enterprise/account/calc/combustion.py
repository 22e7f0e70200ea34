"""Fossil-fuel combustion (化石燃料燃烧排放), GB/T 32150-2015 §7 and the 24 industry guidelines.

    E_CO2 = FC × NCV × CC × OF × 44/12

FC fuel consumed (t, 万立方米 …; energy units such as GJ or tce skip the NCV), NCV net
calorific value (GJ per unit of fuel), CC carbon content per heat (t C/GJ), OF oxidation
fraction.  The guidelines count CO2 only for combustion.  Each parameter is the enterprise's
measured value when the line gives one, else the default of the kernel factor library — the
same parameters (``ncv``, ``carbon_content``, ``oxidation``) the inventory's fuel-combustion
path reads.  By default the NDRC enterprise-guideline families (``cn-ndrc-2015``, then
``cn-ndrc-2013``) are asked first, each only for a fuel it covers entirely, then the library's
own precedence (``cn-prov-2011`` …): an enterprise report follows the guideline tables, and one
fuel's NCV and carbon content come from one family where possible.  A user factor set given
with the library (`FactorLibrary.with_overrides`) comes before all of them.

Biomass fuels: their CO2 is reported as a memo line and left out of the total
(GB/T 32150-2015 §7, "生物质燃料燃烧产生的二氧化碳排放单独报告").
"""

from __future__ import annotations

from collections.abc import Sequence

from tanzhi.enterprise.account.calc.defaults import library_default, located, measured
from tanzhi.enterprise.account.model import GasEmission, Line, LineAccount
from tanzhi.kernel import (
    COAL_CONTEXT,
    DataError,
    FactorLibrary,
    Location,
    Problem,
    conversion_factor,
    packaged_items,
    resolve_item,
    unit_scale,
)

C_TO_CO2 = 44.0 / 12.0
METHOD = "GB/T 32150-2015 §7.1: FC × NCV × CC × OF × 44/12"
# NDRC enterprise-guideline fuel defaults first (see module docstring); None = library order.
ENTERPRISE_FUEL_DATASETS: tuple[str | None, ...] = ("cn-ndrc-2015", "cn-ndrc-2013", None)
BIOMASS_ITEMS = frozenset({"biomass", "firewood", "straw", "charcoal", "biogas", "wood"})
PARAMETERS = ("ncv", "carbon_content", "oxidation")


def _energy_scale(unit: str) -> float | None:
    """GJ per `unit` when the unit is an energy or standard-coal unit, else None."""
    scale = unit_scale(unit, "GJ")
    if scale is not None:
        return scale
    if unit_scale(unit, "tce") is not None:
        return conversion_factor(unit, "GJ", context=COAL_CONTEXT)
    return None


def _physical_base(line: Line) -> str:
    """``t`` or ``万立方米``: the base unit a fuel quantity in mass or volume is reduced to."""
    for base in ("t", "万立方米"):
        if unit_scale(line.unit, base) is not None:
            return base
    raise DataError(Problem(
        f"燃料“{line.item}”的单位“{line.unit}”不是质量、体积或能量单位（如 t、万立方米、GJ、tce）",
        f"unit '{line.unit}' of fuel '{line.item}' is not a mass, volume or energy unit "
        "(e.g. t, 万立方米, GJ, tce)",
        Location(row=line.row, column="unit"),
    ))


def _dataset_order(library: FactorLibrary, fuel: str, needed: Sequence[str],
                   preferred: Sequence[str | None]) -> list[str | None]:
    """Datasets to ask, in order: user factor sets (``user:…``) first, as everywhere in the
    library; then the first preferred dataset holding every needed parameter for the fuel;
    then the library's own precedence (None)."""
    users: list[str | None] = [d for d in library.datasets() if d.startswith("user:")]
    factors = library.select(item=fuel)
    for dataset in preferred:
        if dataset is None:
            break
        have = {f.parameter for f in factors if f.dataset == dataset}
        if set(needed) <= have:
            return [*users, dataset, None]
    return [*users, None]


def account_combustion(line: Line, library: FactorLibrary, *,
                       fuel_datasets: Sequence[str | None] = ENTERPRISE_FUEL_DATASETS,
                       ) -> LineAccount:
    """CO2 of one fuel line (see the module docstring).

    Raises
    ------
    DataError
        Unknown fuel, an item that is not a fuel, a unit that is not mass, volume or energy,
        or no default for a parameter the line did not measure — located at the line.

    Examples
    --------
    >>> from tanzhi.enterprise.account.model import SourceKind
    >>> from tanzhi.kernel import default_library
    >>> line = Line(2, SourceKind.COMBUSTION, "天然气", 1.0, "TJ", measured={
    ...     "carbon_content": 15.3, "oxidation": 1.0})
    >>> round(account_combustion(line, default_library()).gases[0].emissions_t, 3)
    56.1
    """
    try:
        fuel = resolve_item(line.item, location=Location(row=line.row, column="item"))
    except DataError as exc:
        raise located(exc, line.row, "item") from None
    kind = packaged_items()[fuel].kind
    if kind != "fuel":
        raise DataError(Problem(
            f"“{line.item}”不是燃料（类别 {kind}），不能按化石燃料燃烧核算",
            f"'{line.item}' is not a fuel (kind {kind}); it cannot be accounted as combustion",
            Location(row=line.row, column="item"),
        ))
    out = LineAccount()
    energy_scale = _energy_scale(line.unit)
    needed = [p for p in PARAMETERS
              if p not in line.measured and not (p == "ncv" and energy_scale is not None)]
    datasets = _dataset_order(library, fuel, needed, fuel_datasets)
    if energy_scale is not None:
        energy_gj = line.quantity * energy_scale
    else:
        base = _physical_base(line)
        amount = line.quantity * conversion_factor(line.unit, base)
        per = f"GJ/{base}"
        ncv = measured(line, "ncv", parameter="ncv", unit=per, default_unit=per)
        if ncv is None:
            ncv = library_default(library, line, item=fuel, parameter="ncv", unit=per,
                                  column="ncv", datasets=datasets)
        out.parameters.append(ncv[1])
        energy_gj = amount * ncv[0]
    cc = measured(line, "carbon_content", parameter="carbon_content", unit="t C/GJ",
                  default_unit="t C/TJ")
    if cc is None:
        cc = library_default(library, line, item=fuel, parameter="carbon_content",
                             unit="t C/GJ", column="carbon_content", datasets=datasets)
    of = measured(line, "oxidation", parameter="oxidation", unit="1", default_unit="1")
    if of is None:
        of = library_default(library, line, item=fuel, parameter="oxidation", unit="1",
                             column="oxidation", datasets=datasets)
    out.parameters += [cc[1], of[1]]
    co2 = energy_gj * cc[0] * of[0] * C_TO_CO2
    out.gases.append(GasEmission(line.row, "CO2", co2, METHOD, memo=fuel in BIOMASS_ITEMS))
    return out

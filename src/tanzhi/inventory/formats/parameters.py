"""Parameter names users write in factor files → the parameter the engine reads.

One table, packaged as data (``data/factor-parameters``, see its meta.yaml), maps each name a
user knows — ``ef``, ``EF1``, ``direct_n2o_ef``, 排放因子, 低位发热量, 单位热值含碳量, 碳氧化率 … —
under a category prefix (and, where the method needs it, an item, a gas or the unit's basis) to
the library's parameter.  The most specific row wins: a longer category prefix, then a named
item, gas and basis.  A name no row covers is taken as a parameter of the factor library itself
(``ncv``, ``EF1_direct_N2O`` …) when the library or the engine knows it.

The basis splits fuel-combustion ``ef`` by its unit (issue #9, item 2): per energy (kg/TJ, t/GJ,
t CO2/tce) is ``EF_combustion``, per physical unit of fuel (t/t, kg/m³, 吨/万立方米) is
``EF_combustion_physical``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tanzhi.kernel import (
    COAL_CONTEXT,
    Location,
    Problem,
    UnitError,
    canonical_parameter,
    conversion_factor,
    read_dataset,
)

ALIAS_DATASET = "factor-parameters"
ENERGY_EF = "EF_combustion"
PHYSICAL_EF = "EF_combustion_physical"

# "t CO2/TJ" and "t/TJ" are the same quantity once the row's gas column names the species.
_SPECIES = re.compile(r"\s?(CO2|CH4|N2O|C)(?![A-Za-z0-9])")


@dataclass(frozen=True)
class Alias:
    """One row of the alias table."""

    alias: str
    category: str
    item: str
    gas: str
    basis: str
    parameter: str


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", str(name)).lower()


@lru_cache(maxsize=1)
def alias_table() -> tuple[Alias, ...]:
    """Every alias row (packaged dataset ``factor-parameters``, checksum verified)."""
    frame, _meta = read_dataset(ALIAS_DATASET, dtype=str)
    frame = frame.fillna("")
    return tuple(Alias(_norm(r.alias), r.category, r.item, r.gas, r.basis, r.parameter)
                 for r in frame.itertuples(index=False))


def unlabelled(unit: str) -> str:
    """`unit` without a species label (kgCH4/TJ → kg/TJ, t C/TJ → t/TJ)."""
    return _SPECIES.sub("", unit)


def unit_basis(unit: str) -> str:
    """``"energy"`` when `unit` is a mass per energy (GJ, TJ, kWh of fuel heat, tce), else
    ``"physical"``.

    >>> unit_basis("kg CH4/TJ"), unit_basis("t CO2/tce"), unit_basis("kg/m^3")
    ('energy', 'energy', 'physical')
    """
    bare = unlabelled(unit)
    for target in ("t/GJ", "t/tce"):
        try:
            conversion_factor(bare, target, context=COAL_CONTEXT)
        except UnitError:
            continue
        return "energy"
    return "physical"


def _applies(prefix: str, category: str) -> bool:
    return not prefix or category == prefix or category.startswith(prefix + ".")


def resolve_parameter(name: str, *, category: str, item: str, gas: str, unit: str,
                      known: frozenset[str] | set[str]) -> str | Problem:
    """The canonical parameter a factor-file row names, or the Problem to report.

    Parameters
    ----------
    name
        The row's ``parameter`` cell.
    category, item, gas, unit
        The row's category code, canonical item, gas ("" when blank) and unit.
    known
        Canonical parameters the library or the engine knows.

    Examples
    --------
    >>> known = {"ncv", "direct_n2o_ef", "EF_combustion", "EF_combustion_physical"}
    >>> resolve_parameter("低位发热量", category="1.A.1", item="raw_coal", gas="", unit="GJ/t",
    ...                   known=known)
    'ncv'
    >>> resolve_parameter("ef", category="1.A.4.a", item="natural_gas", gas="CO2",
    ...                   unit="kg/m^3", known=known)
    'EF_combustion_physical'
    >>> resolve_parameter("EF1", category="3.C.4", item="synthetic_n", gas="N2O",
    ...                   unit="kg/kg", known=known)
    'direct_n2o_ef'
    """
    key = _norm(name)
    rows = [a for a in alias_table() if a.alias == key]
    if rows:
        basis = unit_basis(unit) if any(a.basis for a in rows) else ""
        fits = [a for a in rows
                if _applies(a.category, category) and a.item in ("", item)
                and a.gas in ("", gas) and a.basis in ("", basis)]
        if fits:
            best = max(fits, key=lambda a: (len(a.category), bool(a.item), bool(a.gas),
                                            bool(a.basis)))
            if _norm(best.parameter) != key and any(
                    a.alias == _norm(best.parameter) for a in alias_table()):
                # A synonym (排放因子 → ef): the target's own rows decide.
                return resolve_parameter(best.parameter, category=category, item=item,
                                         gas=gas, unit=unit, known=known)
            return canonical_parameter(best.parameter)
        if key == "ef" and not gas:
            return Problem("参数 ef 须注明气体", "parameter ef needs a gas", Location(column="gas"))
        where = sorted({a.category or "*" for a in rows})
        return Problem(
            f"参数“{name}”不适用于类别 {category}{'、气体 ' + gas if gas else ''}"
            f"（适用于：{'、'.join(where)}）；请写出因子库中的参数名（如 EF4_indirect_N2O、"
            "k_methane_generation_rate、wood_density_D）",
            f"parameter '{name}' does not apply to category {category}"
            f"{' gas ' + gas if gas else ''} (it applies under: {', '.join(where)}); name the "
            "library parameter (e.g. EF4_indirect_N2O, k_methane_generation_rate, "
            "wood_density_D)")
    canon = canonical_parameter(str(name).strip())
    if canon in known:
        return canon
    return Problem(
        f"未知参数“{name}”（应为 ef、ncv、carbon_content、oxidation、低位发热量、单位热值含碳量、"
        "碳氧化率或因子库中的参数名）",
        f"unknown parameter '{name}' (use ef, ncv, carbon_content, oxidation, their Chinese "
        "names or a parameter of the factor library)")

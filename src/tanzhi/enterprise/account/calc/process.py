"""Industrial process emissions (工业生产过程排放) of the industries that matter in Zhejiang.

Methods, by the item a line reports (`PROCESS_ITEMS`), as the national industry guidelines
(《…企业温室气体排放核算方法与报告指南（试行）》, NDRC 2013–2015) and GB/T 32151.x write them:

- carbonate use — power (flue-gas desulfurisation limestone, 发电), flat glass (平板玻璃),
  ceramics (陶瓷), steel flux (钢铁 熔剂), paper (lime-kiln make-up, 造纸), textile printing and
  dyeing (soda ash, GB/T 32151.12), chemicals (碳酸盐使用, 化工):
  ``E_CO2 = M × P × EF`` with M the carbonate consumed (t), P its carbonate mass fraction
  (measured ``purity``; 1 when not measured — the conservative bound, named in a finding) and
  EF the stoichiometric factor (t CO2 per t carbonate);
- cement clinker (水泥 熟料): ``E = Q × EF_cl`` with EF_cl from the clinker's measured CaO and
  MgO (net of non-carbonate sources): ``cao × 44/56.08 + mgo × 44.01/40.30`` (the cement
  guideline's formula), else the library default (IPCC 2006 0.52 t/t clinker);
- cement kiln dust (窑头粉尘、旁路放风粉尘): ``E = Q × EF_cl`` (dust counted as calcined like
  clinker, as the cement guideline does);
- raw-meal non-fuel carbon (生料中非燃料碳): ``E = Q × C × 44/12`` with C measured
  (``carbon_fraction``); the guideline gives a range, not one default, so a measurement is
  required;
- electrodes (钢铁 电极消耗): ``E = Q × EF``;
- carbon fixed in products (钢铁 固碳产品: pig iron, crude steel): ``E = −Q × EF``, a deduction;
- nitric acid (化工 硝酸): ``N2O = Q × EF(plant type)``, the line's ``variant`` naming the type;
- adipic acid (化工 己二酸): ``N2O = Q × G × (1 − abatement)``, G the N2O generated per t.
"""

from __future__ import annotations

from tanzhi.enterprise.account.calc.defaults import library_default, located, measured
from tanzhi.enterprise.account.model import GasEmission, Line, LineAccount, ParameterUse
from tanzhi.kernel import (
    DataError,
    FactorLibrary,
    Finding,
    Location,
    Problem,
    Severity,
    conversion_factor,
    resolve_item,
)

C_TO_CO2 = 44.0 / 12.0
CAO_TO_CO2 = 44.01 / 56.08  # molar masses of CO2 and CaO (IUPAC standard atomic weights)
MGO_TO_CO2 = 44.01 / 40.30  # CO2 and MgO

CARBONATE = "carbonate"
CLINKER = "clinker"
KILN_DUST = "kiln_dust"
RAW_MEAL = "raw_meal"
ELECTRODE = "electrode"
FIXED_CARBON = "fixed_carbon"
NITRIC = "nitric_acid"
ADIPIC = "adipic_acid"

# Canonical item → method.  Items are in the kernel item catalogue (factors/items).
PROCESS_ITEMS = {
    "limestone": CARBONATE, "dolomite": CARBONATE, "soda_ash": CARBONATE,
    "magnesite": CARBONATE, "siderite": CARBONATE, "rhodochrosite": CARBONATE,
    "barium_carbonate": CARBONATE, "lithium_carbonate": CARBONATE,
    "potassium_carbonate": CARBONATE, "strontium_carbonate": CARBONATE,
    "sodium_bicarbonate": CARBONATE,
    "cement_clinker": CLINKER, "cement_kiln_dust": KILN_DUST, "raw_meal": RAW_MEAL,
    "electrode": ELECTRODE, "pig_iron": FIXED_CARBON, "crude_steel": FIXED_CARBON,
    "nitric_acid": NITRIC, "adipic_acid": ADIPIC,
}

METHODS = {
    CARBONATE: "碳酸盐分解 carbonate use (发电脱硫/平板玻璃/陶瓷/钢铁熔剂/造纸/纺织/化工 "
               "guidelines): M × purity × EF",
    CLINKER: "水泥指南 clinker: Q × (CaO × 44/56.08 + MgO × 44.01/40.30), or Q × EF default",
    KILN_DUST: "水泥指南 kiln dust: Q × EF_clinker",
    RAW_MEAL: "水泥指南 raw-meal non-fuel carbon: Q × C × 44/12",
    ELECTRODE: "钢铁指南 electrode consumption: Q × EF",
    FIXED_CARBON: "钢铁指南 carbon fixed in products: −Q × EF",
    NITRIC: "化工指南 nitric acid: Q × EF_N2O(plant type)",
    ADIPIC: "化工指南 adipic acid: Q × N2O generated × (1 − abatement)",
}


def _mass_t(line: Line) -> float:
    """The line's quantity in t (process activity is a mass)."""
    try:
        return line.quantity * conversion_factor(
            line.unit, "t", location=Location(row=line.row, column="unit"))
    except DataError as exc:
        raise located(exc, line.row, "unit") from None


def _fraction(line: Line, column: str, parameter: str) -> tuple[float, ParameterUse] | None:
    return measured(line, column, parameter=parameter, unit="1", default_unit="1")


def _clinker_ef(line: Line, library: FactorLibrary) -> list[ParameterUse]:
    """EF of clinker: from measured CaO and MgO, else the library default."""
    cao = _fraction(line, "cao_fraction", "cao_fraction")
    mgo = _fraction(line, "mgo_fraction", "mgo_fraction")
    if cao is not None or mgo is not None:
        used = [u for _, u in (cao, mgo) if u is not None]
        ef = (cao[0] if cao else 0.0) * CAO_TO_CO2 + (mgo[0] if mgo else 0.0) * MGO_TO_CO2
        return [*used, ParameterUse(line.row, "co2_ef", ef, "t CO2/t", "measured")]
    _, use = library_default(library, line, item="cement_clinker", parameter="co2_ef",
                             unit="t CO2/t", column="item")
    return [use]


def account_process(line: Line, library: FactorLibrary) -> LineAccount:
    """Emissions of one process line (see the module docstring).

    Raises
    ------
    DataError
        Unknown item, an item without a process method, a quantity that is not a mass, a
        missing variant or measurement the method needs — located at the line.
    """
    try:
        item = resolve_item(line.item, location=Location(row=line.row, column="item"))
    except DataError as exc:
        raise located(exc, line.row, "item") from None
    method = PROCESS_ITEMS.get(item)
    if method is None:
        known = "、".join(sorted(PROCESS_ITEMS))
        raise DataError(Problem(
            f"“{line.item}”没有工业过程排放核算方法（可用：{known}）",
            f"'{line.item}' has no process-emission method "
            f"(known: {', '.join(sorted(PROCESS_ITEMS))})",
            Location(row=line.row, column="item"),
        ))
    mass = _mass_t(line)
    out = LineAccount()
    gas, amount = "CO2", 0.0
    if method == CARBONATE:
        ef, ef_use = library_default(library, line, item=item, parameter="co2_ef",
                                     unit="t CO2/t", column="item")
        purity = _fraction(line, "purity", "purity")
        if purity is None:
            purity = (1.0, ParameterUse(line.row, "purity", 1.0, "1", "default"))
            out.findings.append(Finding(
                "enterprise.account.purity_assumed", Severity.INFO,
                f"{line.item}：未填实测碳酸盐含量，按 100% 计（保守）",
                f"{line.item}: no measured carbonate content, 100 % assumed (conservative)",
                Location(row=line.row, column="purity")))
        out.parameters += [ef_use, purity[1]]
        amount = mass * purity[0] * ef
    elif method in (CLINKER, KILN_DUST):
        uses = _clinker_ef(line, library)
        out.parameters += uses
        amount = mass * uses[-1].value
    elif method == RAW_MEAL:
        carbon = _fraction(line, "carbon_fraction", "carbon_fraction")
        if carbon is None:
            raise DataError(Problem(
                "生料中非燃料碳含量须填实测值（“carbon_fraction”列，质量分数）",
                "raw-meal non-fuel carbon needs a measured value (column 'carbon_fraction', "
                "mass fraction)", Location(row=line.row, column="carbon_fraction")))
        out.parameters.append(carbon[1])
        amount = mass * carbon[0] * C_TO_CO2
    elif method in (ELECTRODE, FIXED_CARBON):
        parameter = "co2_ef" if method == ELECTRODE else "fixed_co2_ef"
        ef, ef_use = library_default(library, line, item=item, parameter=parameter,
                                     unit="t CO2/t", column="item")
        out.parameters.append(ef_use)
        amount = mass * ef * (1.0 if method == ELECTRODE else -1.0)
    elif method == NITRIC:
        gas = "N2O"
        ef, ef_use = library_default(library, line, item=item, parameter="n2o_ef",
                                     unit="t N2O/t", column="variant",
                                     variant=line.variant or None)
        out.parameters.append(ef_use)
        amount = mass * ef
    else:  # ADIPIC
        gas = "N2O"
        generated, gen_use = library_default(library, line, item=item,
                                             parameter="n2o_generation", unit="t N2O/t",
                                             column="item")
        abatement = _fraction(line, "abatement", "abatement") or (
            0.0, ParameterUse(line.row, "abatement", 0.0, "1", "default"))
        out.parameters += [gen_use, abatement[1]]
        amount = mass * generated * (1.0 - abatement[0])
    out.gases.append(GasEmission(line.row, gas, amount, METHODS[method]))
    return out

"""Energy (能源活动): fuel combustion by the sectoral and reference approaches, net imported
electricity and heat (fugitive emissions 1.B: `tanzhi.inventory.calc.fugitive`).

Fuel combustion takes a factor by every path it is published in (issue #9, item 2), for CO2,
CH4 and N2O alike; per activity row and gas the first path with a factor wins, each looked up at
the row's most specific category (IPCC code prefixes):

1. ``EF_combustion_physical`` — mass of gas per t or m³ of fuel (enterprise accounting
   guidelines, CEADs, plant measurements): factor path ``ef_physical``;
2. ``EF_combustion`` — mass of gas per energy (kg/TJ IPCC Tier 1, t/GJ, t CO2/tce):
   ``ncv×ef_energy`` (or ``ef_energy`` for fuel given in energy units);
3. CO2 only — NCV × carbon content × oxidation × 44/12: ``ncv×cc×ox`` (or ``cc×ox``).

User factors come before packaged ones within each path (the library's dataset precedence),
and the packaged library holds no CO2 EF of either kind, so: a user's physical-unit EF > the
user's energy EF > the user's NCV/carbon content/oxidation > packaged defaults.  A user's
carbon content or oxidation beside the user's EF for the same scope is then used by no row and
the factor-file check refuses it (`tanzhi.inventory.formats.factors.check_overrides_used`):
one of the two is not what the user meant.  Units are checked by dimension: a kg/m³ EF for a
fuel reported in t is an error naming the factor row, never converted by a guessed density.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.activity import (
    C_TO_CO2,
    FactorSpec,
    add_activity_times_factor,
    add_not_estimated,
    as_cache,
    attach_factors,
    canonical_activity,
    gas_unit,
    prepare_activity,
    select_categories,
    unit_scale,
)
from tanzhi.inventory.calc.estimate import (
    EstimateBuilder,
    join_ids,
)
from tanzhi.inventory.model import (
    BUNKER_CATEGORIES,
    NET_IMPORTED_ELECTRICITY,
    NET_IMPORTED_HEAT,
    BalanceFlow,
    Estimate,
    FactorLookup,
)
from tanzhi.kernel import COAL_CONTEXT, DataError, Location, Problem, conversion_factor

METHOD_SECTORAL = (
    "IPCC 2006 Vol.2 Ch.2 Eq.2.1 (Tier 2); 省级清单指南 能源活动: "
    "AD × NCV × carbon content × oxidation × 44/12"
)
METHOD_NON_CO2 = "IPCC 2006 Vol.2 Ch.2 Eq.2.1: AD × NCV × EF(kg/TJ)"
METHOD_EF_ENERGY = "IPCC 2006 Vol.2 Ch.2 Eq.2.1: AD × NCV × EF (per energy, user factor)"
METHOD_EF_PHYSICAL = (
    "IPCC 2006 Vol.2 Ch.2 Eq.2.1 with the EF per physical unit of fuel (user factor; "
    "企业温室气体排放核算指南/CEADs): AD × EF"
)
METHOD_REFERENCE = "IPCC 2006 Vol.2 Ch.6 Eq.6.1-6.2 reference approach"
METHOD_ELECTRICITY = "net imported electricity × grid average CO2 factor (调入电力间接排放)"
METHOD_HEAT = "net imported heat × heat CO2 factor (调入热力间接排放)"

# Biomass fuels: their CO2 is a memo item (IPCC 2006 Vol.2 Ch.1 §1.4.1.1 / Ch.8 reporting
# tables), their CH4 and N2O count.  Ids follow the factor library's item ids; pass your own set
# when the library names them otherwise.
BIOMASS_FUEL_ITEMS = frozenset({
    "biomass", "firewood", "straw", "charcoal", "biogas", "landfill_gas", "sludge_gas",
    "bagasse", "biodiesel", "bioethanol", "biogasoline", "wood", "wood_waste",
    "other_primary_solid_biomass",
})
NON_CO2_PARAMETER = "EF_combustion"  # per energy, any gas (packaged: CH4 and N2O)
PHYSICAL_EF_PARAMETER = "EF_combustion_physical"  # per t or m³ of fuel (user factors)
FUEL_ACTIVITY_UNITS = ("GJ", "t", "m**3")


def _fuel_energy(
    frame: pd.DataFrame, factors: FactorLookup, *, what_zh: str, what_en: str,
    source: str | None, scope_category: str | None = None,
    ncv_optional: np.ndarray | None = None,
) -> pd.DataFrame:
    """Activity in GJ: energy units directly, tce at GB/T 2589's 29.3076 GJ/tce, physical
    quantities through the net calorific value (parameter ``net_calorific_value``).

    Adds ``physical_value``/``physical_unit`` (the quantity in t or m³, NaN for energy
    units), ``ncv*`` and ``energy_gj``.  Rows flagged in `ncv_optional` may lack an NCV
    (their energy is NaN): a per-physical-unit EF computes them without one.
    """
    work = frame.copy()
    units = work["unit"].astype(str)
    per_unit = {u: _coal_gj(u) for u in units.unique()}
    coal_mult = units.map(per_unit).to_numpy(dtype="float64")
    is_coal = ~np.isnan(coal_mult)
    work.loc[is_coal, "unit"] = "GJ"
    work.loc[is_coal, "value"] = work.loc[is_coal, "value"].to_numpy() * coal_mult[is_coal]
    work = canonical_activity(work, FUEL_ACTIVITY_UNITS, what_zh=what_zh, what_en=what_en,
                              source=source)
    physical = (work["activity_unit"] != "GJ").to_numpy()
    work["physical_value"] = np.where(physical, work["activity_value"], np.nan)
    work["physical_unit"] = np.where(physical, work["activity_unit"], "")
    ncv_spec = FactorSpec("ncv", "net_calorific_value", ("GJ/{activity_unit}",))
    optional = (np.zeros(len(work), dtype=bool) if ncv_optional is None
                else np.asarray(ncv_optional, dtype=bool))
    for col in ("ncv", "ncv_id", "ncv_u"):
        work[col] = np.nan if col != "ncv_id" else None
    work["ncv_id"] = work["ncv_id"].astype(object)
    for need, spec in ((physical & ~optional, ncv_spec),
                       (physical & optional, replace(ncv_spec, optional=True))):
        if need.any():
            with_ncv = attach_factors(work.loc[need], factors, [spec],
                                      scope_category=scope_category)
            for col in ("ncv", "ncv_id", "ncv_u"):
                work.loc[need, col] = with_ncv[col].to_numpy()
    energy = np.where(physical, work["activity_value"] * work["ncv"], work["activity_value"])
    work["energy_gj"] = energy.astype("float64")
    return work


def _coal_gj(unit: str) -> float:
    """GJ per `unit` when it is a standard-coal unit (tce crosses to GJ only in COAL_CONTEXT)."""
    if unit_scale(unit, "tce") is None:
        return np.nan
    return conversion_factor(unit, "GJ", context=COAL_CONTEXT)


def _physical_ef(frame: pd.DataFrame, cache: FactorLookup, gas: str) -> pd.DataFrame:
    """The user's per-physical-unit EF (t gas per t or m³ of fuel) where one applies.

    Rows whose activity is given in energy units have no physical quantity: an EF that
    reaches them must fail its unit check rather than be skipped, so they are looked up
    with their energy unit and a physical EF cannot match it.
    """
    g = gas_unit(gas)
    unit = frame["physical_unit"].where(frame["physical_unit"] != "", "GJ")
    spec = FactorSpec("efp", PHYSICAL_EF_PARAMETER,
                      (f"t {g}/{{activity_unit}}", "t/{activity_unit}"),
                      gas=gas, by_category=True, optional=True)
    out = attach_factors(frame.assign(activity_unit=unit), cache, [spec])
    out["activity_unit"] = frame["activity_unit"].to_numpy()
    return out


def _energy_ef(frame: pd.DataFrame, cache: FactorLookup, gas: str) -> pd.DataFrame:
    """The EF per energy (kg/TJ, t/GJ, t/tce), in t of gas per GJ."""
    g = gas_unit(gas)
    spec = FactorSpec("efe", NON_CO2_PARAMETER,
                      (f"t {g}/GJ", "t/GJ", f"t {g}/tce", "t/tce"),
                      gas=gas, by_category=True, optional=True)
    out = attach_factors(frame, cache, [spec])
    codes, chosen = pd.factorize(out["efe_unit"].astype(str), use_na_sentinel=False)
    per_tce = np.array([str(u).endswith("/tce") for u in chosen], dtype=bool)[codes]
    # t/tce → t/GJ at GB/T 2589's 29.3076 GJ/tce (the units cross only in COAL_CONTEXT).
    out.loc[per_tce, "efe"] = out.loc[per_tce, "efe"] / _coal_gj("tce")
    return out


def compute_fuel_combustion(
    activity: pd.DataFrame, factors: FactorLookup, *,
    biomass_items: Collection[str] = BIOMASS_FUEL_ITEMS,
    gases: Sequence[str] = ("CO2", "CH4", "N2O"), source: str | None = None,
) -> Estimate:
    """Fuel-combustion emissions by sector and fuel (sectoral approach, 部门法).

    Parameters
    ----------
    activity
        Long activity table; rows under category ``1.A`` are used (item = fuel id).  Units
        decide the path: energy (GJ, TJ, 吉焦) is used as is; tce-type units convert at
        29.3076 GJ/tce (GB/T 2589); mass or volume units use ``net_calorific_value``.
    factors
        Factor library.  For each row and gas, the first of these paths that has a factor is
        taken (issue #9, item 2), each looked up at the row's most specific category:

        1. ``EF_combustion_physical``: t gas per t or m³ of fuel (t/t, kg/m³, 吨/万立方米) ×
           the physical quantity — factor path ``ef_physical``;
        2. ``EF_combustion``: gas per energy (kg/TJ, t/GJ, t/tce) × the energy — path
           ``ef_energy`` (``ncv×ef_energy`` for fuel in physical units);
        3. CO2 only: ``carbon_content_per_heat`` (t C/TJ) × ``oxidation_rate`` (by category)
           × 44/12 × the energy — path ``ncv×cc×ox`` (``cc×ox`` for fuel in energy units).

        The packaged library has no CO2 EF of either kind, so packaged CO2 always takes
        path 3 and a user's EF wins over packaged parts; packaged CH4/N2O take path 2, and
        a missing one reports NE.
    biomass_items
        Fuels whose CO2 is reported as a memo item.

    Returns
    -------
    Estimate
        One row per activity row and gas; CO2 of biomass and everything under international
        bunkers (1.A.3.a.i, 1.A.3.d.i) are memo rows.  ``activity_value`` is the energy in GJ
        (the physical quantity when a physical EF computes a fuel that has no NCV).

    Method: IPCC 2006 Vol.2 Ch.2 Eq.2.1 (Tier 2 with country carbon content), i.e.
    CO2 = AD × NCV × CC × OF × 44/12 as in the provincial guideline's energy chapter; the EF
    paths are Eq.2.1 with the EF given whole (per energy) or per physical unit as the
    enterprise accounting guidelines and CEADs publish it.

    Examples
    --------
    >>> from tanzhi.inventory.model import FactorValue
    >>> from tanzhi.kernel.errors import NotFound
    >>> class Lib:
    ...     def lookup(self, *, item, parameter, **_):
    ...         found = {"carbon_content_per_heat": FactorValue("cc", 15.3, "t C/TJ"),
    ...                  "oxidation_rate": FactorValue("of", 1.0, "fraction")}
    ...         if parameter not in found:
    ...             raise NotFound(parameter)
    ...         return found[parameter]
    >>> act = pd.DataFrame({"region_code": ["330100"], "year": [2020], "category": ["1.A.1"],
    ...                     "item": ["natural_gas"], "value": [1.0], "unit": ["TJ"]})
    >>> est = compute_fuel_combustion(act, Lib(), gases=("CO2",))
    >>> round(float(est.rows["emissions_t"].iloc[0]), 3)  # 1 TJ × 15.3 t C/TJ × 44/12
    56.1
    """
    cache = as_cache(factors)
    act = select_categories(prepare_activity(activity, source=source), ("1.A",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    pre = canonical_activity(act, (*FUEL_ACTIVITY_UNITS, "tce"), what_zh="燃料消费量",
                             what_en="fuel consumption", source=source)
    pre["physical_unit"] = np.where(pre["activity_unit"].isin(["t", "m**3"]),
                                    pre["activity_unit"], "")
    # A CO2 EF per physical unit needs no NCV; every other row needs one, as before.
    co2_physical = (_physical_ef(pre, cache, "CO2")["efp"].notna().to_numpy()
                    if "CO2" in gases else np.zeros(len(pre), dtype=bool))
    work = _fuel_energy(act, cache, what_zh="燃料消费量", what_en="fuel consumption",
                        source=source, ncv_optional=co2_physical)
    has_energy = work["energy_gj"].notna().to_numpy()
    work["activity_value"] = np.where(has_energy, work["energy_gj"], work["physical_value"])
    work["activity_unit"] = np.where(has_energy, "GJ", work["physical_unit"])
    is_biomass = work["item"].isin(list(biomass_items)).to_numpy()
    is_bunker = work["category"].isin(BUNKER_CATEGORIES).to_numpy()
    physical = work["ncv_id"].notna().to_numpy()
    energy_gj = work["energy_gj"].to_numpy()
    for gas in gases:
        memo = (is_biomass | is_bunker) if gas == "CO2" else is_bunker
        nc = _energy_ef(_physical_ef(work, cache, gas), cache, gas)
        by_phys = nc["efp"].notna().to_numpy()
        by_energy = ~by_phys & nc["efe"].notna().to_numpy()
        phys_em = work["physical_value"].to_numpy() * nc["efp"].to_numpy()
        _add_path(builder, nc, by_phys, phys_em, gas=gas, method=METHOD_EF_PHYSICAL,
                  names=("efp",), physical=physical, memo=memo)
        energy_em = energy_gj * nc["efe"].to_numpy()
        _add_path(builder, nc, by_energy, energy_em, gas=gas,
                  method=METHOD_NON_CO2 if gas != "CO2" else METHOD_EF_ENERGY,
                  names=("efe",), physical=physical, memo=memo, ncv=True)
        rest = ~by_phys & ~by_energy
        if gas != "CO2":
            add_not_estimated(builder, nc.loc[rest], gas=gas, method=METHOD_NON_CO2,
                              memo=is_bunker[rest])
            continue
        if rest.any():
            co2 = attach_factors(nc.loc[rest], cache, [
                FactorSpec("cc", "carbon_content_per_heat", ("t C/TJ", "t/TJ")),
                FactorSpec("of", "oxidation_rate", ("1",), by_category=True),
            ])
            emissions = (energy_gj[rest] / 1000.0 * co2["cc"].to_numpy() * co2["of"].to_numpy()
                         * C_TO_CO2)
            _add_path(builder, co2, np.ones(len(co2), dtype=bool), emissions, gas=gas,
                      method=METHOD_SECTORAL, names=("cc", "of"), physical=physical[rest],
                      memo=memo[rest], ncv=True)
    return builder.build()


def _add_path(builder: EstimateBuilder, frame: pd.DataFrame, take: np.ndarray,
              emissions: np.ndarray, *, gas: str, method: str, names: Sequence[str],
              physical: np.ndarray, memo: np.ndarray, ncv: bool = False) -> None:
    """Result rows and uncertainty terms of the rows that take one combustion path."""
    if not take.any():
        return
    sub = frame.loc[take]
    em = emissions[take]
    used = ("ncv", *names) if ncv else tuple(names)
    if ncv:
        sub = sub.assign(ncv_id=sub["ncv_id"].where(physical[take], None))
    pos = builder.add_rows(sub, category=sub["category"], item=sub["item"], gas=gas,
                           emissions_t=em, method=method, factor_names=used, memo=memo[take])
    keys = [builder.add_activity_sources(sub)]
    if ncv:
        keys.append(builder.add_factor_sources(sub, "ncv").where(physical[take], None))
    keys.extend(builder.add_factor_sources(sub, n) for n in names)
    builder.add_terms(pos, em, keys)


_FLOW_SIGN = {
    BalanceFlow.PRODUCTION: 1.0, BalanceFlow.IMPORTS: 1.0, BalanceFlow.EXPORTS: -1.0,
    BalanceFlow.BUNKERS: -1.0, BalanceFlow.STOCK_CHANGE: -1.0,
}


def compute_reference_approach(
    balance: pd.DataFrame, factors: FactorLookup, *, source: str | None = None
) -> pd.DataFrame:
    """CO2 from the energy balance by the IPCC reference approach (参考方法).

    Parameters
    ----------
    balance
        Columns ``region_code, year, item, flow, value, unit``; `flow` is a `BalanceFlow`
        value.  Stock change is positive for a stock build.
    factors
        ``net_calorific_value``, ``carbon_content_per_heat`` and ``oxidation_rate`` per fuel.

    Returns
    -------
    pandas.DataFrame
        Per region, year and fuel: ``apparent_consumption_gj`` (= production + imports −
        exports − bunkers − stock change), ``excluded_gj`` (non-energy use),
        ``carbon_content_t_per_tj``, ``oxidation``, ``excluded_carbon_t``, ``co2_t``,
        ``factor_ids``, ``method``.

    Method: IPCC 2006 Vol.2 Ch.6 Eq.6.1 CO2 = Σ[(AC × NCV × CC) − excluded carbon] × COF ×
    44/12, with Eq.6.2 excluded carbon = non-energy-use AD × NCV × CC.
    """
    missing = [c for c in ("flow",) if c not in balance.columns]
    if missing:
        raise DataError(Problem("能源平衡表缺少“flow”列", "energy balance lacks column 'flow'",
                                Location(source, None, "flow")))
    frame = balance.rename(columns={"flow": "category"})
    act = prepare_activity(frame, source=source)
    flows = {f.value for f in BalanceFlow}
    bad = ~act["category"].isin(flows)
    if bad.any():
        raise DataError([
            Problem(f"未知的平衡表项目“{f}”", f"unknown balance flow '{f}' (expected one of "
                    f"{', '.join(sorted(flows))})", Location(source, int(r), "flow"))
            for f, r in zip(act.loc[bad, "category"], act.loc[bad, "_row"], strict=True)
        ])
    cache = as_cache(factors)
    work = _fuel_energy(act, cache, what_zh="能源平衡表数量", what_en="energy balance quantity",
                        source=source, scope_category="1.A")
    sign = work["category"].map({k.value: v for k, v in _FLOW_SIGN.items()}).fillna(0.0)
    is_neu = (work["category"] == BalanceFlow.NON_ENERGY_USE.value).to_numpy()
    work["apparent_consumption_gj"] = work["energy_gj"] * sign
    work["excluded_gj"] = np.where(is_neu, work["energy_gj"], 0.0)
    keys = ["region_code", "year", "item"]
    agg = work.groupby(keys, sort=True).agg(
        apparent_consumption_gj=("apparent_consumption_gj", "sum"),
        excluded_gj=("excluded_gj", "sum"),
    ).reset_index()
    ncv_ids = (work.loc[work["ncv_id"].notna()].drop_duplicates([*keys, "ncv_id"])
               .groupby(keys)["ncv_id"].agg(lambda s: "|".join(sorted(s))))
    agg = agg.merge(ncv_ids.rename("ncv_ids").reset_index(), on=keys, how="left")
    agg = attach_factors(agg.assign(category="1.A"), cache, [
        FactorSpec("cc", "carbon_content_per_heat", ("t C/TJ", "t/TJ")),
        FactorSpec("of", "oxidation_rate", ("1",)),
    ])
    carbon = agg["apparent_consumption_gj"] / 1000.0 * agg["cc"]
    excluded_c = agg["excluded_gj"] / 1000.0 * agg["cc"]
    agg["carbon_content_t_per_tj"] = agg["cc"]
    agg["oxidation"] = agg["of"]
    agg["excluded_carbon_t"] = excluded_c
    agg["co2_t"] = (carbon - excluded_c) * agg["of"] * C_TO_CO2
    agg["factor_ids"] = join_ids([agg["ncv_ids"], agg["cc_id"], agg["of_id"]])
    agg["method"] = METHOD_REFERENCE
    return agg[[*keys, "apparent_consumption_gj", "excluded_gj", "carbon_content_t_per_tj",
                "oxidation", "excluded_carbon_t", "co2_t", "factor_ids", "method"]]


def compare_reference_sectoral(reference: pd.DataFrame, sectoral: pd.DataFrame) -> pd.DataFrame:
    """Reference against sectoral approach, per fuel and in total, with the gap explained.

    Parameters
    ----------
    reference
        Output of `compute_reference_approach`.
    sectoral
        Result rows (`Estimate.rows`) of `compute_fuel_combustion`; CO2 rows under 1.A that
        count in the total (memo rows such as biomass and bunkers are left out, as the
        reference approach leaves them out).

    Returns
    -------
    pandas.DataFrame
        ``region_code, year, item`` (``"total"`` for the sum) with ``reference_co2_t``,
        ``sectoral_co2_t``, ``difference_t``, ``difference_pct`` (of sectoral),
        ``reference_net_gj`` (apparent − excluded), ``sectoral_gj``, ``energy_gap_co2_t``
        (the energy gap valued at the reference's carbon per GJ: statistical differences,
        transformation losses and own use, distribution losses, unallocated consumption) and
        ``factor_gap_co2_t`` (the rest: sector-specific oxidation or carbon content, NCV of
        different data sources).

    Method: IPCC 2006 Vol.2 Ch.6 §6.8 (comparison of the two approaches, reasons for
    differences).
    """
    keys = ["region_code", "year", "item"]
    sect = sectoral.loc[(sectoral["gas"] == "CO2") & ~sectoral["memo"].astype(bool)
                        & sectoral["emissions_t"].notna()
                        & ((sectoral["category"] == "1.A")
                           | sectoral["category"].str.startswith("1.A."))]
    s = sect.groupby(keys).agg(sectoral_co2_t=("emissions_t", "sum"),
                               sectoral_gj=("activity_value", "sum")).reset_index()
    r = reference.assign(reference_net_gj=reference["apparent_consumption_gj"]
                         - reference["excluded_gj"])
    r = r[[*keys, "co2_t", "reference_net_gj", "carbon_content_t_per_tj", "oxidation"]]
    r = r.rename(columns={"co2_t": "reference_co2_t"})
    out = r.merge(s, on=keys, how="outer")
    for col in ("reference_co2_t", "sectoral_co2_t", "reference_net_gj", "sectoral_gj"):
        out[col] = out[col].fillna(0.0)
    co2_per_gj = (out["carbon_content_t_per_tj"] * out["oxidation"] * C_TO_CO2 / 1000.0)
    gap_gj = out["reference_net_gj"] - out["sectoral_gj"]
    out["energy_gap_co2_t"] = (gap_gj * co2_per_gj).fillna(out["reference_co2_t"]
                                                          - out["sectoral_co2_t"])
    out["difference_t"] = out["reference_co2_t"] - out["sectoral_co2_t"]
    out["factor_gap_co2_t"] = out["difference_t"] - out["energy_gap_co2_t"]
    cols = ["reference_co2_t", "sectoral_co2_t", "difference_t", "reference_net_gj",
            "sectoral_gj", "energy_gap_co2_t", "factor_gap_co2_t"]
    total = out.groupby(["region_code", "year"])[cols].sum().reset_index().assign(item="total")
    out = pd.concat([out[[*keys, *cols]], total[[*keys, *cols]]], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["difference_pct"] = np.where(out["sectoral_co2_t"] != 0,
                                         out["difference_t"] / out["sectoral_co2_t"] * 100.0,
                                         np.nan)
    return out.sort_values(["region_code", "year", "item"], ignore_index=True)


def compute_net_imports(
    activity: pd.DataFrame, factors: FactorLookup, *, source: str | None = None
) -> Estimate:
    """CO2 of net imported electricity and heat (调入调出电力/热力), reported as memo rows.

    Rows under `NET_IMPORTED_ELECTRICITY` (energy, e.g. 万千瓦时; negative for a net
    exporter) use ``grid_average_co2_ef`` (t CO2/MWh) of the item for the region and year.
    Rows under `NET_IMPORTED_HEAT` (GJ) use ``heat_co2_ef`` (t CO2/GJ; the enterprise
    accounting guidelines' default is 0.11 t CO2/GJ).  They are outside the territorial total
    and inside the energy-activity CO2 calibre used by the intensity targets.
    """
    act = prepare_activity(activity, source=source)
    builder = EstimateBuilder()
    cache = as_cache(factors)
    elec = act.loc[act["category"] == NET_IMPORTED_ELECTRICITY]
    if not elec.empty:
        elec = canonical_activity(elec, ("MWh",), what_zh="调入电量", what_en="net imported "
                                  "electricity", source=source)
        add_activity_times_factor(builder, elec, cache, parameter="grid_average_co2_ef",
                                  gas="CO2", method=METHOD_ELECTRICITY, memo=True)
    heat = act.loc[act["category"] == NET_IMPORTED_HEAT]
    if not heat.empty:
        heat = canonical_activity(heat, ("GJ",), what_zh="调入热力", what_en="net imported heat",
                                  source=source)
        add_activity_times_factor(builder, heat, cache, parameter="heat_co2_ef", gas="CO2",
                                  method=METHOD_HEAT, memo=True)
    return builder.build()

"""Agriculture (农业): enteric fermentation, manure management, rice cultivation, managed soils."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.activity import (
    N2ON_TO_N2O,
    N2ON_UNITS,
    FactorSpec,
    add_activity_times_factor,
    add_not_estimated,
    as_cache,
    attach_factors,
    canonical_activity,
    prepare_activity,
    select_categories,
)
from tanzhi.inventory.calc.estimate import (
    EstimateBuilder,
    join_ids,
)
from tanzhi.inventory.model import Estimate, FactorLookup
from tanzhi.kernel import DataError, Location, Problem

METHOD_ENTERIC = "IPCC 2006 Vol.4 Ch.10 Eq.10.19-10.20 (Tier 1): head × EF"
METHOD_MANURE_CH4 = "IPCC 2006 Vol.4 Ch.10 Eq.10.22 (Tier 1): head × EF"
METHOD_MANURE_N2O = (
    "IPCC 2006 Vol.4 Ch.10 Eq.10.25, 10.30: head × Nrate × TAM/1000 × 365 × MS × EF3 × 44/28"
)
METHOD_RICE = "IPCC 2006 Vol.4 Ch.5 Eq.5.1-5.3: area × days × EFc × SFw × SFp × SFo"
METHOD_SOIL_DIRECT = "IPCC 2006 Vol.4 Ch.11 Eq.11.1 (Tier 1): N input × EF1 × 44/28"
METHOD_SOIL_INDIRECT = (
    "IPCC 2006 Vol.4 Ch.11 Eq.11.9-11.10: N × (FracGAS × EF4 + FracLEACH × EF5) × 44/28"
)

# Livestock population rows sit under category 3.A (存栏量, head); the engine derives 3.A.1
# and 3.A.2 from them, so one population table feeds both (IPCC 2006 Vol.4 §10.2).
LIVESTOCK_CATEGORY = "3.A"
DAYS_PER_YEAR = 365.0  # Eq.10.30
# Item ids the factor library must hold for parameters that belong to no activity item.
RICE_ITEM = "rice"
RICE_PRESEASON_DEFAULT = "aggregated_case"  # variant of SFp, Table 5.13 aggregated case (1.22)
SOILS_ITEM = "managed_soils"
SFO_EXPONENT = 0.59  # Eq.5.3

# N-input items under 3.C.4 (t N) → (direct EF parameter, volatilisation fraction or None).
# Eq.11.1 (direct), Eq.11.9 (FracGASF for synthetic N, FracGASM for organic and PRP N) and
# Eq.11.10 (leaching of all inputs).
SOIL_N_INPUTS: Mapping[str, tuple[str, str | None]] = {
    "synthetic_n": ("EF1_direct_N2O", "FracGASF"),
    "organic_n": ("EF1_direct_N2O", "FracGASM"),
    "crop_residue_n": ("EF1_direct_N2O", None),
    "som_n": ("EF1_direct_N2O", None),
    "synthetic_n_flooded_rice": ("EF1FR_direct_N2O", "FracGASF"),
    "organic_n_flooded_rice": ("EF1FR_direct_N2O", "FracGASM"),
    "crop_residue_n_flooded_rice": ("EF1FR_direct_N2O", None),
    "prp_cpp_n": ("EF3PRP_CPP", "FracGASM"),
    "prp_so_n": ("EF3PRP_SO", "FracGASM"),
}


def compute_livestock(
    activity: pd.DataFrame, factors: FactorLookup, *,
    manure_systems: pd.DataFrame | None = None, source: str | None = None,
) -> Estimate:
    """Enteric CH4 (3.A.1), manure CH4 and direct manure N2O (3.A.2) from head counts.

    Parameters
    ----------
    activity
        Rows under category ``3.A``: item = animal, value = average population (head, 头).
    factors
        ``EF_enteric_CH4``, ``EF_manure_CH4`` (kg CH4/head/yr; a missing one reports NE); for
        N2O
        ``Nrate_N_excretion_rate`` (kg N/t animal mass/day), ``typical_animal_mass`` (kg) and
        ``EF3_direct_N2O_manure`` of each system (kg N2O-N/kg N).
    manure_systems
        ``item, system, share`` [, ``region_code``]: the fraction MS of each animal's N
        managed in each system.  Without it, 3.A.2 N2O is reported NE.
    """
    act = prepare_activity(activity, source=source)
    act = act.loc[act["category"] == LIVESTOCK_CATEGORY]
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, ("head",), what_zh="畜禽存栏量", what_en="livestock population",
                             source=source)
    cache = as_cache(factors)
    # Missing livestock factors report NE rather than stop the compilation.  Manure CH4 of
    # cattle, swine and buffalo depends on the annual average temperature (Vol.4 Table 10.14):
    # the packaged rows are variants asia_<T>c, plus Zhejiang's 18 °C column under the climate
    # class the demo asks for (developing_temperate, region 330000); any other region asking
    # for a class rather than a temperature gets NE, never a neighbour's value (issue #9).
    add_activity_times_factor(builder, act.assign(category="3.A.1"), cache,
                              parameter="EF_enteric_CH4", gas="CH4", method=METHOD_ENTERIC,
                              optional=True)
    manure = act.assign(category="3.A.2")
    add_activity_times_factor(builder, manure, cache, parameter="EF_manure_CH4", gas="CH4",
                              method=METHOD_MANURE_CH4, optional=True)
    if manure_systems is None:
        add_not_estimated(builder, manure, gas="N2O", method=METHOD_MANURE_N2O)
    else:
        _manure_n2o(builder, manure, cache, manure_systems)
    return builder.build()


def _manure_n2o(builder: EstimateBuilder, animals: pd.DataFrame, factors: FactorLookup,
                systems: pd.DataFrame) -> None:
    need = {"item", "system", "share"}
    if not need <= set(systems.columns):
        raise DataError(Problem("粪便管理方式表须有 item、system、share 列",
                                "manure systems need columns item, system, share"))
    share = pd.to_numeric(systems["share"], errors="coerce")
    if share.isna().any() or (share < 0).any() or (share > 1).any():
        raise DataError(Problem("粪便管理方式比例须在 0 到 1 之间",
                                "manure system shares must lie in 0..1",
                                Location(None, None, "share")))
    on = ["item", "region_code"] if "region_code" in systems.columns else ["item"]
    animals = animals.reset_index(drop=True).assign(_animal=lambda f: np.arange(len(f)))
    per = animals.merge(systems.assign(share=share)[[*on, "system", "share"]], on=on, how="left")
    lost = per["system"].isna()
    if lost.any():
        raise DataError([Problem(f"畜种“{i}”没有粪便管理方式比例",
                                 f"no manure-system shares for animal '{i}'")
                         for i in sorted(set(per.loc[lost, "item"]))])
    per = attach_factors(per, factors, [
        FactorSpec("nrate", "Nrate_N_excretion_rate", ("kg N/t/d", "kg/t/d")),
        FactorSpec("tam", "typical_animal_mass", ("kg",)),
    ])
    per = _ef3_by_system(per, factors)
    # Eq.10.30 Nex = Nrate × TAM/1000 × 365 (kg N/head/yr); Eq.10.25 × MS × EF3 × 44/28.
    n2o = (per["activity_value"] * per["nrate"] * per["tam"] / 1000.0 * DAYS_PER_YEAR
           * per["share"] * per["ef3"] * N2ON_TO_N2O / 1000.0).to_numpy()
    animal = per["_animal"].to_numpy()
    per_animal = np.bincount(animal, weights=n2o, minlength=len(animals))
    first = per.drop_duplicates("_animal").set_index("_animal").reindex(animals["_animal"])
    systems_ids = (per.groupby("_animal")["ef3_id"]
                   .agg(lambda s: "|".join(dict.fromkeys(s.dropna())))
                   .reindex(animals["_animal"]))
    lineage = join_ids([first["nrate_id"].reset_index(drop=True),
                        first["tam_id"].reset_index(drop=True),
                        systems_ids.reset_index(drop=True)])
    pos = builder.add_rows(animals, category="3.A.2", item=animals["item"], gas="N2O",
                           emissions_t=per_animal, method=METHOD_MANURE_N2O,
                           factor_ids=lineage)
    keys = [builder.add_activity_sources(per)]
    keys.extend(builder.add_factor_sources(per, n) for n in ("nrate", "tam", "ef3"))
    builder.add_terms(pos[animal], n2o, keys)


def _ef3_by_system(per: pd.DataFrame, factors: FactorLookup) -> pd.DataFrame:
    """EF3 belongs to the management system, not the animal: look it up by system."""
    by_system = attach_factors(per.assign(item=per["system"]), factors, [
        FactorSpec("ef3", "EF3_direct_N2O_manure", N2ON_UNITS, gas="N2O")])
    out = per.copy()
    for col in ("ef3", "ef3_id", "ef3_u"):
        out[col] = by_system[col].to_numpy()
    return out


def compute_rice(
    activity: pd.DataFrame, factors: FactorLookup, *,
    pre_season_item: str = RICE_PRESEASON_DEFAULT,
    organic_amendments: Mapping[str, float] | None = None, source: str | None = None,
) -> Estimate:
    """CH4 from rice cultivation (稻田甲烷), category ``3.C.7``.

    Parameters
    ----------
    activity
        Item = water regime during cultivation (the variant of item ``rice``'s
        ``SFw_scaling_factor``, e.g. ``intermittently_flooded_single_aeration``); value =
        harvested area × cultivation period (e.g. ``hectare * d``), or harvested area alone
        (ha, 亩) with ``cultivation_period`` (d) of that variant.
    pre_season_item
        Variant of ``SFp_scaling_factor``; the default is Table 5.13's aggregated case.
    organic_amendments
        Application rate (t/ha) per organic-amendment variant of ``CFOA_conversion_factor``,
        for Eq.5.3
        SFo = (1 + Σ ROA_i × CFOA_i)^0.59; none means SFo = 1.  SFo is non-linear, so its
        CFOA factors appear in the lineage but not as uncertainty sources.

    Method: IPCC 2006 Vol.4 Ch.5 Eq.5.1 CH4 = Σ EF_i × t_i × A_i, Eq.5.2 EF_i = EFc × SFw ×
    SFp × SFo (× SFs,r = 1 at Tier 1).
    """
    act = select_categories(prepare_activity(activity, source=source), ("3.C.7",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, ("hectare * d", "hectare"), what_zh="水稻播种面积",
                             what_en="rice area", source=source)
    cache = as_cache(factors)
    area_only = (act["activity_unit"] == "hectare").to_numpy()
    work = act.copy()
    work["days"], work["days_id"], work["days_u"] = 1.0, None, np.nan
    if area_only.any():
        per = attach_factors(act.loc[area_only], cache,
                             [FactorSpec("days", "cultivation_period", ("d",), item=RICE_ITEM,
                                         variant_from_item=True)])
        for col in ("days", "days_id", "days_u"):
            work.loc[area_only, col] = per[col].to_numpy()
    work["days_id"] = work["days_id"].astype(object)
    work["activity_value"] = work["activity_value"] * work["days"]
    work["activity_unit"] = "hectare * d"
    work = attach_factors(work, cache, [
        FactorSpec("efc", "EFc_baseline_CH4", ("kg CH4/hectare/d", "kg/hectare/d"),
                   item=RICE_ITEM, gas="CH4"),
        FactorSpec("sfw", "SFw_scaling_factor", ("1",), item=RICE_ITEM, variant_from_item=True),
        FactorSpec("sfp", "SFp_scaling_factor", ("1",), item=RICE_ITEM,
                   variant=pre_season_item),
    ])
    sfo = np.ones(len(work))
    cfoa_names: list[str] = []
    for k, (item, rate_t_per_ha) in enumerate(sorted((organic_amendments or {}).items())):
        name = f"cfoa{k}"
        work = attach_factors(work, cache, [FactorSpec(name, "CFOA_conversion_factor", ("1",),
                                                       item=RICE_ITEM, variant=item)])
        sfo = sfo + float(rate_t_per_ha) * work[name].to_numpy()
        cfoa_names.append(name)
    sfo = (sfo ** SFO_EXPONENT) if cfoa_names else sfo
    emissions = (work["activity_value"] * work["efc"] * work["sfw"] * work["sfp"]).to_numpy()
    emissions = emissions * sfo / 1000.0
    names = ["days", "efc", "sfw", "sfp"]
    pos = builder.add_rows(work, category=work["category"], item=work["item"], gas="CH4",
                           emissions_t=emissions, method=METHOD_RICE,
                           factor_names=(*names, *cfoa_names))
    builder.add_product(work, pos, emissions, names)
    return builder.build()


def compute_managed_soils(
    activity: pd.DataFrame, factors: FactorLookup, *, leaching: bool = True,
    source: str | None = None,
) -> Estimate:
    """Direct (3.C.4) and indirect (3.C.5) N2O from managed soils (农用地氧化亚氮).

    Parameters
    ----------
    activity
        Rows under ``3.C.4``: item one of `SOIL_N_INPUTS` (synthetic N, organic N, crop
        residue N, mineralised N, each also on flooded rice; urine and dung N on pasture),
        value in t N (折纯氮).
    factors
        Item ``managed_soils``: ``EF1_direct_N2O``, ``EF1FR_direct_N2O``, ``EF3PRP_CPP``,
        ``EF3PRP_SO``, ``EF4_indirect_N2O``, ``EF5_indirect_N2O`` (kg N2O-N/kg N) and
        ``FracGASF``, ``FracGASM``, ``FracLEACH`` (fractions).
    leaching
        Whether leaching/runoff occurs (Eq.11.10 applies where soil water-holding capacity is
        exceeded); False drops the leaching term.

    Method: IPCC 2006 Vol.4 Ch.11 Eq.11.1 (direct), Eq.11.9 (volatilisation) and Eq.11.10
    (leaching), N2O = N2O-N × 44/28.
    """
    act = select_categories(prepare_activity(activity, source=source), ("3.C.4",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    unknown = ~act["item"].isin(list(SOIL_N_INPUTS))
    if unknown.any():
        raise DataError([
            Problem(f"未知的氮输入项“{i}”", f"unknown soil N input '{i}' (expected one of "
                    f"{', '.join(SOIL_N_INPUTS)})", Location(source, int(r), "item"))
            for i, r in zip(act.loc[unknown, "item"], act.loc[unknown, "_row"], strict=True)
        ])
    act = canonical_activity(act, ("t N", "t"), what_zh="氮输入量", what_en="N input",
                             source=source)
    cache = as_cache(factors)
    for item, sub in act.groupby("item", sort=True):
        direct_param, gas_param = SOIL_N_INPUTS[str(item)]
        specs = [FactorSpec("ef1", direct_param, N2ON_UNITS, item=SOILS_ITEM, gas="N2O"),
                 FactorSpec("ef4", "EF4_indirect_N2O", N2ON_UNITS, item=SOILS_ITEM, gas="N2O"),
                 FactorSpec("ef5", "EF5_indirect_N2O", N2ON_UNITS, item=SOILS_ITEM, gas="N2O"),
                 FactorSpec("leach", "FracLEACH", ("1",), item=SOILS_ITEM)]
        if gas_param:
            specs.append(FactorSpec("gas", gas_param, ("1",), item=SOILS_ITEM))
        work = attach_factors(sub, cache, specs)
        n = work["activity_value"].to_numpy()
        a = builder.add_activity_sources(work)
        direct = n * work["ef1"].to_numpy() * N2ON_TO_N2O
        pos = builder.add_rows(work.assign(category="3.C.4"), category="3.C.4",
                               item=work["item"], gas="N2O", emissions_t=direct,
                               method=METHOD_SOIL_DIRECT, factor_names=("ef1",))
        builder.add_terms(pos, direct, [a, builder.add_factor_sources(work, "ef1")])
        volat = (n * work["gas"].to_numpy() * work["ef4"].to_numpy() * N2ON_TO_N2O
                 if gas_param else np.zeros(len(work)))
        leach = (n * work["leach"].to_numpy() * work["ef5"].to_numpy() * N2ON_TO_N2O
                 if leaching else np.zeros(len(work)))
        names = [*(["gas", "ef4"] if gas_param else []), *(["leach", "ef5"] if leaching else [])]
        if not names:
            continue
        pos = builder.add_rows(work, category="3.C.5", item=work["item"], gas="N2O",
                               emissions_t=volat + leach, method=METHOD_SOIL_INDIRECT,
                               factor_names=names)
        if gas_param:
            builder.add_terms(pos, volat, [a, builder.add_factor_sources(work, "gas"),
                                           builder.add_factor_sources(work, "ef4")])
        if leaching:
            builder.add_terms(pos, leach, [a, builder.add_factor_sources(work, "leach"),
                                           builder.add_factor_sources(work, "ef5")])
    return builder.build()


def compute_agriculture(
    activity: pd.DataFrame, factors: FactorLookup, *,
    manure_systems: pd.DataFrame | None = None,
    rice_pre_season_item: str = RICE_PRESEASON_DEFAULT,
    rice_organic_amendments: Mapping[str, float] | None = None, leaching: bool = True,
    source: str | None = None,
) -> Estimate:
    """All agriculture sources: livestock (3.A), managed soils (3.C.4-5) and rice (3.C.7)."""
    cache = as_cache(factors)
    act = prepare_activity(activity, source=source)
    builder = EstimateBuilder()
    builder.extend(compute_livestock(act, cache, manure_systems=manure_systems, source=source))
    builder.extend(compute_managed_soils(act, cache, leaching=leaching, source=source))
    builder.extend(compute_rice(act, cache, pre_season_item=rice_pre_season_item,
                                organic_amendments=rice_organic_amendments, source=source))
    return builder.build()

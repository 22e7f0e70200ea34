"""Industrial processes and product use (工业生产过程): minerals, chemicals, HFC-23, F-gas use."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.activity import (
    FactorSpec,
    add_activity_times_factor,
    as_cache,
    attach_factors,
    canonical_activity,
    prepare_activity,
    select_categories,
)
from tanzhi.inventory.calc.estimate import (
    EstimateBuilder,
)
from tanzhi.inventory.model import Estimate, FactorLookup

METHOD_CEMENT_T1 = "IPCC 2006 Vol.3 Ch.2 Eq.2.1 (Tier 1): clinker × EFclc (0.52 incl. CKD)"
METHOD_CEMENT_T2 = "IPCC 2006 Vol.3 Ch.2 Eq.2.2 (Tier 2): clinker × CaO × 0.785 × CF_ckd"
METHOD_LIME = "IPCC 2006 Vol.3 Ch.2 Eq.2.3 (Tier 1): lime × EF_lime"
METHOD_GLASS = "IPCC 2006 Vol.3 Ch.2 Eq.2.10 (Tier 1): glass × EF × (1 − cullet ratio)"
METHOD_CARBONATE = "IPCC 2006 Vol.3 Ch.2 Eq.2.14 (Tier 1): carbonate × EF"
METHOD_AMMONIA = "IPCC 2006 Vol.3 Ch.3 Eq.3.1 (Tier 1): NH3 × EF (FR × CCF × COF × 44/12)"
METHOD_NITRIC = "IPCC 2006 Vol.3 Ch.3 Eq.3.5 (Tier 1): HNO3 × EF(technology)"
METHOD_ADIPIC = "IPCC 2006 Vol.3 Ch.3 Eq.3.8: adipic acid × EF × (1 − DF × ASUF)"
METHOD_HCFC22 = "IPCC 2006 Vol.3 Ch.3 Eq.3.30 (Tier 1): HCFC-22 × EF(HFC-23)"
METHOD_FGAS_USE = "IPCC 2006 Vol.3 Ch.7-8 Tier 1: quantity (bank or use) × emission rate"

# Stoichiometric CO2 per CaO, 44.01/56.08 (IPCC 2006 Vol.3 Ch.2 §2.2.1.2, "0.785").
CO2_PER_CAO = 0.785
# Item id of clinker in the factor library (parameter EF_clinker); the kernel also resolves
# the alias "clinker".
CLINKER_ITEM = "cement_clinker"
# The generic product: with it alone the plant's abatement technology is unknown (see
# `compute_adipic_acid`).
GENERIC_ADIPIC = "adipic_acid"

MASS_UNITS = ("t",)


def compute_cement(
    activity: pd.DataFrame, factors: FactorLookup, *, tier: int = 1, source: str | None = None
) -> Estimate:
    """CO2 from cement production (水泥生产), category ``2.A.1``.

    Item ``cement_clinker`` (or ``clinker``) is clinker produced (t).  Any other item is
    cement: its clinker comes from the item's ``clinker_fraction_in_cement``, whose variant
    (``blended`` 75 %, ``portland`` 95 %) the row's ``variant`` column names.

    Tier 1 uses ``EF_clinker`` of item ``clinker`` (IPCC default 0.52 t CO2/t clinker, EFDB
    213926).  That default already contains the 2 % cement-kiln-dust correction (0.51 × 1.02,
    Vol.3 §2.2.1.2), so Tier 1 applies no further CKD factor.  Tier 2 builds the factor from the
    plant's CaO content, ``clinker_cao_fraction`` × 0.785, and multiplies by
    ``CKD_correction_factor`` (default 1.02, EFDB 213927).
    """
    act = select_categories(prepare_activity(activity, source=source), ("2.A.1",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, MASS_UNITS, what_zh="水泥/熟料产量", what_en="cement or clinker",
                             source=source)
    cache = as_cache(factors)
    is_clinker = act["item"].isin([CLINKER_ITEM, "clinker"]).to_numpy()
    work = act.copy()
    work["frac"], work["frac_id"], work["frac_u"] = 1.0, None, np.nan
    if (~is_clinker).any():
        blended = attach_factors(act.loc[~is_clinker], cache, [
            FactorSpec("frac", "clinker_fraction_in_cement", ("1",))])
        work.loc[~is_clinker, "frac"] = blended["frac"].to_numpy()
        work.loc[~is_clinker, "frac_id"] = blended["frac_id"].to_numpy()
        work.loc[~is_clinker, "frac_u"] = blended["frac_u"].to_numpy()
    work["frac_id"] = work["frac_id"].astype(object)
    if tier == 1:
        specs = [FactorSpec("ef", "EF_clinker", ("t CO2/t", "1"), item=CLINKER_ITEM,
                           gas="CO2")]
        method, names = METHOD_CEMENT_T1, ["frac", "ef"]
        work = attach_factors(work, cache, specs)
        emissions = work["activity_value"] * work["frac"] * work["ef"]
    elif tier == 2:
        specs = [FactorSpec("cao", "clinker_cao_fraction", ("1",), item=CLINKER_ITEM),
                 FactorSpec("ckd", "CKD_correction_factor", ("1",), item=CLINKER_ITEM)]
        method, names = METHOD_CEMENT_T2, ["frac", "cao", "ckd"]
        work = attach_factors(work, cache, specs)
        emissions = work["activity_value"] * work["frac"] * work["cao"] * CO2_PER_CAO * work["ckd"]
    else:
        raise ValueError("tier must be 1 or 2")
    emissions = emissions.to_numpy()
    pos = builder.add_rows(work, category=work["category"], item=work["item"], gas="CO2",
                           emissions_t=emissions, method=method, factor_names=names)
    keys = [builder.add_activity_sources(work)]
    keys.extend(builder.add_factor_sources(work, n) for n in names)
    builder.add_terms(pos, emissions, keys)
    return builder.build()


def compute_glass(
    activity: pd.DataFrame, factors: FactorLookup, *, source: str | None = None
) -> Estimate:
    """CO2 from glass production (玻璃生产), category ``2.A.3``: item glass (t) with
    ``EF_glass`` and ``cullet_ratio``; Eq.2.10 CO2 = Mg × EF × (1 − CR)."""
    act = select_categories(prepare_activity(activity, source=source), ("2.A.3",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, MASS_UNITS, what_zh="玻璃产量", what_en="glass production",
                             source=source)
    work = attach_factors(act, as_cache(factors), [
        FactorSpec("ef", "EF_glass", ("t CO2/t", "1"), gas="CO2"),
        FactorSpec("cr", "cullet_ratio", ("1",)),
    ])
    gross = (work["activity_value"] * work["ef"]).to_numpy()
    cullet = gross * work["cr"].to_numpy()
    pos = builder.add_rows(work, category=work["category"], item=work["item"], gas="CO2",
                           emissions_t=gross - cullet, method=METHOD_GLASS,
                           factor_names=("ef", "cr"))
    a = builder.add_activity_sources(work)
    ef = builder.add_factor_sources(work, "ef")
    cr = builder.add_factor_sources(work, "cr")
    # Mg·EF·(1 − CR) = Mg·EF − Mg·EF·CR: two terms, so the cullet ratio's uncertainty acts on
    # its own share only (Vol.1 Ch.3 Eq.3.2 for the difference).
    builder.add_terms(pos, gross, [a, ef])
    builder.add_terms(pos, -cullet, [a, ef, cr])
    return builder.build()


def compute_adipic_acid(
    activity: pd.DataFrame, factors: FactorLookup, *, source: str | None = None
) -> Estimate:
    """N2O from adipic acid (己二酸), category ``2.B.3``.

    ``N2O_generation_factor`` (kg N2O/t) of the item.  Abatement (Eq.3.8's (1 − DF × ASUF))
    applies only where the activity names the plant's abatement: a ``variant`` on the row (or
    chosen with ``--variant adipic_acid/N2O_destruction_factor=catalytic``), or an item of its
    own other than the generic ``adipic_acid`` whose library entry holds DF and ASUF.  IPCC 2006
    Vol.3 Table 3.4's destruction factors are per technology (catalytic, thermal, recycling),
    so a plant whose technology is unknown is reported unabated (300 kg N2O/t, Table 3.4;
    issue #9: the catalytic default applied to every plant gave 10 kt → 530 t instead of
    3,000 t).  The method text says which rows are unabated.
    """
    act = select_categories(prepare_activity(activity, source=source), ("2.B.3",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, MASS_UNITS, what_zh="己二酸产量", what_en="adipic acid",
                             source=source)
    cache = as_cache(factors)
    # The row's variant names the abatement technology: only the destruction factor is looked
    # up by it; the generation and utilisation factors are one per item.
    row_variant = (act["variant"].astype(str) if "variant" in act.columns
                   else pd.Series("", index=act.index))
    work = attach_factors(act.drop(columns=["variant"], errors="ignore"), cache, [
        FactorSpec("ef", "N2O_generation_factor", ("t N2O/t", "1"), gas="N2O")])
    configured = work["item"].map(
        lambda i: bool(cache.variant_for(str(i), "N2O_destruction_factor"))).astype(bool)
    named = ((row_variant != "") | configured | (work["item"] != GENERIC_ADIPIC)).to_numpy()
    for col in ("df", "asuf"):
        work[col], work[col + "_id"], work[col + "_u"] = np.nan, None, np.nan
    if named.any():
        sub = work.loc[named].assign(variant=row_variant.loc[named])
        df = attach_factors(sub, cache, [
            FactorSpec("df", "N2O_destruction_factor", ("1",), optional=True)])
        asuf = attach_factors(sub.drop(columns=["variant"], errors="ignore"), cache, [
            FactorSpec("asuf", "abatement_system_utilisation_factor", ("1",), optional=True)])
        for col, frame in (("df", df), ("asuf", asuf)):
            for suffix in ("", "_id", "_u"):
                work.loc[named, col + suffix] = frame[col + suffix].to_numpy()
    for col in ("df_id", "asuf_id"):
        work[col] = work[col].astype(object)
    abated = (work["df"].notna() & work["asuf"].notna()).to_numpy()
    gross = (work["activity_value"] * work["ef"]).to_numpy()
    destroyed = np.where(abated, gross * work["df"].fillna(0) * work["asuf"].fillna(0), 0.0)
    method = np.where(abated, METHOD_ADIPIC,
                      METHOD_ADIPIC + " (no abatement data: DF = 0, unabated)")
    for col in ("df_id", "asuf_id"):
        work[col] = work[col].where(abated, None)
    pos = builder.add_rows(work, category=work["category"], item=work["item"], gas="N2O",
                           emissions_t=gross - destroyed, method=method,
                           factor_names=("ef", "df", "asuf"))
    a = builder.add_activity_sources(work)
    ef = builder.add_factor_sources(work, "ef")
    builder.add_terms(pos, gross, [a, ef])
    df = builder.add_factor_sources(work, "df")
    asuf = builder.add_factor_sources(work, "asuf")
    builder.add_terms(pos[abated], -destroyed[abated], [a[abated], ef[abated], df[abated],
                                                        asuf[abated]])
    return builder.build()


# (category prefix, parameter, gas, method): processes that are activity × one factor.
_SIMPLE = (
    ("2.A.2", "EF_lime", "CO2", METHOD_LIME),
    ("2.A.4", "EF_carbonate", "CO2", METHOD_CARBONATE),
    ("2.B.1", "EF_ammonia", "CO2", METHOD_AMMONIA),
    ("2.B.2", "EF_N2O_nitric_acid", "N2O", METHOD_NITRIC),
    ("2.B.9", "EF_HFC23_byproduct", "HFC-23", METHOD_HCFC22),
)


def compute_ippu(
    activity: pd.DataFrame, factors: FactorLookup, *, cement_tier: int = 1,
    source: str | None = None,
) -> Estimate:
    """All IPPU sources this engine covers, from one activity table.

    ================  =====================================  =================================
    category          item and unit                          factor(s)
    ================  =====================================  =================================
    2.A.1 cement      ``cement_clinker`` or ``cement``, t    see `compute_cement`
    2.A.2 lime        lime type, t                           ``EF_lime`` (t CO2/t)
    2.A.3 glass       glass, t                               ``EF_glass``, ``cullet_ratio``
    2.A.4 carbonates  carbonate, t                           ``EF_carbonate``
    2.B.1 ammonia     process, t NH3                         ``EF_ammonia`` (t CO2/t)
    2.B.2 nitric      nitric acid, t HNO3 (100 %)            ``EF_N2O_nitric_acid`` (kg N2O/t)
    2.B.3 adipic      adipic acid, t                         see `compute_adipic_acid`
    2.B.9 HCFC-22     HCFC-22, t                             ``EF_HFC23_byproduct`` (HFC-23)
    2.C, 2.E-2.G      gas (``HFC-134a``, ``SF6`` …), t       ``emission_rate`` (per year, by
                      in bank or used                        category), gas = item
    ================  =====================================  =================================

    Technology classes (nitric-acid plant type, HCFC-22 plant design, cement type) go in the
    activity's ``variant`` column.
    """
    cache = as_cache(factors)
    act = prepare_activity(activity, source=source)
    builder = EstimateBuilder()
    builder.extend(compute_cement(act, cache, tier=cement_tier, source=source))
    builder.extend(compute_glass(act, cache, source=source))
    builder.extend(compute_adipic_acid(act, cache, source=source))
    for prefix, parameter, gas, method in _SIMPLE:
        sub = select_categories(act, (prefix,))
        if sub.empty:
            continue
        sub = canonical_activity(sub, MASS_UNITS, what_zh="产品产量", what_en="production",
                                 source=source)
        add_activity_times_factor(builder, sub, cache, parameter=parameter, gas=gas,
                                  method=method)
    builder.extend(compute_fgas_use(act, cache, source=source))
    return builder.build()


def compute_fgas_use(
    activity: pd.DataFrame, factors: FactorLookup, *, source: str | None = None
) -> Estimate:
    """HFC, PFC and SF6 emissions from product use (含氟气体使用), categories 2.C, 2.E-2.G.

    The row's item is the gas; its value is the quantity in the bank (or used) in mass units.
    Parameter ``emission_rate`` (fraction per year) is looked up by gas and category.
    """
    act = select_categories(prepare_activity(activity, source=source),
                            ("2.C", "2.E", "2.F", "2.G"))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, MASS_UNITS, what_zh="含氟气体量", what_en="fluorinated gas",
                             source=source)
    cache = as_cache(factors)
    for gas, sub in act.groupby("item", sort=True):
        spec = FactorSpec("rate", "emission_rate", ("1/a", "1"), gas=str(gas), by_category=True)
        work = attach_factors(sub, cache, [spec])
        emissions = (work["activity_value"] * work["rate"]).to_numpy()
        pos = builder.add_rows(work, category=work["category"], item=work["item"], gas=str(gas),
                               emissions_t=emissions, method=METHOD_FGAS_USE,
                               factor_names=("rate",))
        builder.add_product(work, pos, emissions, ["rate"])
    return builder.build()

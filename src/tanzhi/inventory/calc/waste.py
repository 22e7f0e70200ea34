"""Waste (废弃物处理): landfill CH4 by first-order decay, incineration, wastewater CH4 and N2O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.activity import (
    C_TO_CH4,
    C_TO_CO2,
    N2ON_TO_N2O,
    N2ON_UNITS,
    FactorSpec,
    add_activity_times_factor,
    as_cache,
    attach_factors,
    canonical_activity,
    prepare_activity,
    select_categories,
)
from tanzhi.inventory.calc.estimate import EstimateBuilder, group_join, join_ids
from tanzhi.inventory.model import ID_SEPARATOR, Estimate, FactorLookup
from tanzhi.kernel import DataError

METHOD_FOD = (
    "IPCC 2006 Vol.5 Ch.3 Eq.3.1-3.6 first-order decay (IPCC Waste Model logic; "
    "Annex 3A.1: reaction starts in month M = delay + 7)"
)
METHOD_FOD_RECOVERY = "IPCC 2006 Vol.5 Ch.3 Eq.3.1: − R × (1 − OX)"
METHOD_INCINERATION_CO2 = "IPCC 2006 Vol.5 Ch.5 Eq.5.3: W × dm × CF × FCF × OF × 44/12"
METHOD_INCINERATION_BIO = "IPCC 2006 Vol.5 Ch.5 Eq.5.3 non-fossil share (memo): × (1 − FCF)"
METHOD_INCINERATION_NON_CO2 = "IPCC 2006 Vol.5 Ch.5 Eq.5.4-5.5: W × EF"
METHOD_WASTEWATER_CH4 = "IPCC 2006 Vol.5 Ch.6 Eq.6.1-6.2: TOW × Bo × MCF − R"
METHOD_WASTEWATER_N2O = (
    "IPCC 2006 Vol.5 Ch.6 Eq.6.7-6.8: P × Protein × F_NPR × F_NON-CON × F_IND-COM × EF × 44/28"
)
METHOD_WWTP_N2O = "IPCC 2006 Vol.5 Ch.6 Box 6.1 Eq.6.9: P × F_IND-COM × EF_plant"

# Item ids the factor library must hold (parameters that belong to no activity item).
LANDFILL_ITEM = "landfill"  # DOCf, F; MCF_SWDS and OX looked up with the SWDS category
RECOVERY_ITEM = "ch4_recovered"  # activity item: CH4 recovered (flared or used), t CH4
INCINERATION_TECHNOLOGY = {"4.C.1": "waste_incineration", "4.C.2": "open_burning"}
# Bo and MCF belong to the wastewater type (BOD basis for domestic, COD for industrial); the
# treatment pathway is the MCF's variant.
BO_ITEMS = {"4.D.1": "domestic_wastewater", "4.D.2": "industrial_wastewater"}
MCF_PARAMETERS = {"4.D.1": "MCF_domestic_wastewater", "4.D.2": "MCF_industrial_wastewater"}
WASTEWATER_N_ITEM = "wastewater_n"  # F_NPR, F_NON-CON, F_IND-COM, EF_N2O_effluent/plant
# Decay-rate class of each waste type (IPCC 2006 Vol.5 Table 3.3 rows): the variant of the
# landfill's k.  Other types name their class in the activity's ``variant`` column.
K_CLASS = {
    "paper": "paper_textiles", "textiles": "paper_textiles", "wood_waste": "wood_straw",
    "straw": "wood_straw", "garden_waste": "other_organic_garden",
    "food_waste": "food_sewage_sludge", "sewage_sludge": "food_sewage_sludge",
    "msw": "bulk_waste", "bulk_waste": "bulk_waste",
}
PROTEIN_ITEM = "protein"  # protein_per_capita, kg/person/yr (FAO food balance)
POPULATION_ITEM = "population"
WWTP_POPULATION_ITEM = "population_advanced_wwtp"
# IPCC 2006 Vol.5 §3.2.3 default delay time (months) between deposition and the start of
# methane generation; Annex 3A.1 puts the start in month M = delay + 7 of the deposition year
# (waste arrives on average at mid-year), so with 6 months M = 13: nothing decays in the year
# of deposition.  Used only where the factor library holds no ``delay_time`` for the landfill
# (the packaged ipcc-2006 edition does: EFDB 615110); the method text names the delay used.
DEFAULT_DELAY_MONTHS = 6.0
# Month of the deposition year in which the reaction starts is delay + this (Annex 3A.1).
REACTION_START_OFFSET_MONTHS = 7.0


def compute_landfill(
    activity: pd.DataFrame, factors: FactorLookup, *, years: Iterable[int] | None = None,
    delay_months: int = DEFAULT_DELAY_MONTHS, source: str | None = None,
) -> Estimate:
    """CH4 from solid waste disposal sites (填埋甲烷) by first-order decay.

    Parameters
    ----------
    activity
        Rows under ``4.A`` (4.A.1 managed, 4.A.2 unmanaged, 4.A.3 uncategorised): item =
        waste type (its ``DOC_wet_weight``), value = wet mass deposited in the year; the whole
        history, one row per year.  Item ``ch4_recovered`` is CH4 recovered in the year (t CH4).
    factors
        Item ``landfill``: ``k_methane_generation_rate`` with the waste type's decay class as
        variant (`K_CLASS`, or the row's ``variant``), ``DOCf``, ``F`` and, looked up with the
        category, ``MCF_SWDS`` and ``OX`` (their variants — landfill type, cover — are chosen
        in `FactorCache`'s variants), and ``delay_time`` (months; optional, see
        `delay_months`).  MCF, DOC and the delay are taken at the deposition year, F and OX at
        the emission year.
    years
        Emission years to report; default every year from the first deposit to the last
        activity year of each region.
    delay_months
        Delay between deposition and the start of decay where the library has no
        ``delay_time`` factor for the landfill (IPCC 2006 Vol.5 §3.2.3 default: 6 months).

    Returns
    -------
    Estimate
        One CH4 row per (region, category, waste type, year) and one negative row per
        recovery entry, so the rows add up to Eq.3.1's (Σ CH4 generated − R) × (1 − OX).  Each
        deposit is a term; k enters non-linearly and is treated as exact in uncertainty runs.

    Method: IPCC 2006 Vol.5 Ch.3 Eq.3.2-3.6 (DDOCm = W × DOC × DOCf × MCF), Annex 3A.1 for
    the start of the reaction (month M = delay + 7; decomposed in the deposition year
    DDOCm × (1 − e^(−k(13−M)/12)), afterwards DDOCma(T−1) × (1 − e^(−k)); see
    `decomposed_fraction`), Eq.3.5 CH4 generated = DDOCm decomposed × F × 16/12, Eq.3.1 for
    recovery and oxidation.
    """
    act = select_categories(prepare_activity(activity, source=source), ("4.A",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    cache = as_cache(factors)
    is_rec = (act["item"] == RECOVERY_ITEM).to_numpy()
    deposits = canonical_activity(act.loc[~is_rec], ("t",), what_zh="填埋量",
                                  what_en="waste deposited", source=source)
    own = (deposits["variant"] if "variant" in deposits.columns
           else pd.Series("", index=deposits.index))
    deposits["_kclass"] = own.where(own != "", deposits["item"].map(K_CLASS)).fillna("")
    deposits = attach_factors(deposits, cache, [
        FactorSpec("k", "k_methane_generation_rate", ("1/a",), item=LANDFILL_ITEM,
                   variant_from_item=True)], item_column="_kclass")
    deposits = attach_factors(deposits, cache, [
        FactorSpec("doc", "DOC_wet_weight", ("1",)),
        FactorSpec("docf", "DOCf", ("1",), item=LANDFILL_ITEM),
        FactorSpec("mcf", "MCF_SWDS", ("1",), item=LANDFILL_ITEM, by_category=True),
        FactorSpec("delay", "delay_time", ("month",), item=LANDFILL_ITEM, by_category=True,
                   optional=True),
    ])
    deposits["delay"] = deposits["delay"].fillna(float(delay_months))
    _check_delay(deposits, source)
    deposits["ddocm"] = (deposits["activity_value"] * deposits["doc"] * deposits["docf"]
                         * deposits["mcf"])
    out_years = _output_years(act, years)
    pairs = deposits.merge(out_years, on="region_code", how="inner")
    pairs = pairs.loc[pairs["out_year"] >= pairs["year"]].reset_index(drop=True)
    age = (pairs["out_year"] - pairs["year"]).to_numpy(dtype="float64")
    weight = decomposed_fraction(age, pairs["k"].to_numpy(dtype="float64"),
                                 pairs["delay"].to_numpy(dtype="float64"))
    pairs["weight"] = weight
    emit = pairs.assign(year=pairs["out_year"]).drop(columns=["out_year"])
    emit = attach_factors(emit, cache, [
        FactorSpec("f", "F", ("1",), item=LANDFILL_ITEM),
        FactorSpec("ox", "OX", ("1",), item=LANDFILL_ITEM, by_category=True),
    ])
    generated = (emit["ddocm"] * emit["weight"] * emit["f"] * C_TO_CH4).to_numpy()
    emitted = generated * (1.0 - emit["ox"].to_numpy())
    keys = ["region_code", "category", "item", "year"]
    # The row's activity is the year's own deposit (earlier deposits live in the terms).
    emit["_emitted"] = emitted
    emit["_own"] = np.where(age == 0, emit["activity_value"].to_numpy(), 0.0)
    delays = emit["delay"].to_numpy(dtype="float64")
    emit["_missing"] = np.isnan(emitted)
    grouped = emit.groupby(keys, sort=True)
    rows = grouped.agg(emissions_t=("_emitted", "sum"), activity_value=("_own", "sum"),
                       _missing=("_missing", "any")).reset_index()
    group = grouped.ngroup().to_numpy()
    # A deposit whose factor is missing (NaN) leaves the year not estimated, not 0 (pandas'
    # sum would skip the NaN and report a silent zero).
    rows.loc[rows["_missing"], "emissions_t"] = np.nan
    # The delays of a row's deposits, each once, sorted as text: formatted per distinct delay.
    codes, uniq = pd.factorize(delays, use_na_sentinel=False)
    text = np.array([f"{d:g}" for d in uniq], dtype=object)
    pairs_ = np.unique(np.stack([group, codes]), axis=1)  # distinct (row, delay)
    per_row = group_join(pairs_[0], text[pairs_[1]], "/")
    rows["method"] = [f"{METHOD_FOD}; delay {'/'.join(sorted(d.split('/')))} months"
                      for d in per_row]
    rows["activity_unit"] = "t"
    rows["activity_ids"], rows["factor_ids"] = _fod_lineage(emit, group)
    pos = builder.add_rows(rows, category=rows["category"], item=rows["item"], gas="CH4",
                           emissions_t=rows["emissions_t"].to_numpy(), method=rows["method"],
                           factor_ids=rows["factor_ids"], activity_ids=rows["activity_ids"])
    row_of = emit[keys].merge(rows[keys].assign(_pos=pos), on=keys, how="left")["_pos"]
    src = [builder.add_activity_sources(emit),
           *(builder.add_factor_sources(emit, n) for n in ("doc", "docf", "mcf", "f")),
           builder.add_complement_sources(emit, "ox")]
    builder.add_terms(row_of.to_numpy(dtype="int64"), emitted, src)
    if is_rec.any():
        _add_recovery(builder, act.loc[is_rec], cache, source)
    return builder.build()


def decomposed_fraction(age: np.ndarray, k: np.ndarray, delay_months: np.ndarray) -> np.ndarray:
    """Share of a year's DDOCm deposit that decomposes in the year `age` years later.

    IPCC 2006 Vol.5 Annex 3A.1: the reaction starts in month M = delay + 7 of the deposition
    year, i.e. t0 = (M − 1)/12 years after that year's start.  What is left of the deposit at
    the end of year `age` is e^(−k·max(0, age + 1 − t0)); the year decomposes the difference to
    the previous year's end.  For M ≤ 13 this is the Waste Model's sheet formula exactly:
    1 − e^(−k(13−M)/12) in the deposition year, e^(−k(13−M)/12)·e^(−k(age−1))·(1 − e^(−k))
    after; a delay beyond 6 months moves the start into the next year instead of giving the
    sheet formula's negative decomposition.

    >>> [round(float(x), 6) for x in decomposed_fraction(np.array([0., 1.]),
    ...                                                    np.array([0.185] * 2),
    ...                                                    np.array([6., 6.]))]
    [0.0, 0.168896]
    """
    t0 = (delay_months + REACTION_START_OFFSET_MONTHS - 1.0) / 12.0
    left_end = np.exp(-k * np.maximum(0.0, age + 1.0 - t0))
    left_start = np.where(age > 0, np.exp(-k * np.maximum(0.0, age - t0)), 1.0)
    return left_start - left_end


def _check_delay(deposits: pd.DataFrame, source: str | None) -> None:
    """A delay must be finite and non-negative (months); the row that breaks it is named."""
    bad = ~np.isfinite(deposits["delay"].to_numpy(dtype="float64")) | (deposits["delay"] < 0)
    if bad.any():
        row = deposits.loc[bad].iloc[0]
        raise DataError.at(
            f"填埋甲烷产生的延迟时间须为非负月数，得到 {row['delay']}（因子 {row['delay_id']}）",
            f"landfill delay time must be a non-negative number of months, got {row['delay']} "
            f"(factor {row['delay_id']})", file=source, column="delay_time")


def _fod_lineage(emit: pd.DataFrame, group: np.ndarray) -> tuple[list[str], list[str]]:
    """Per output row (`group`: each emit row's output row): the deposit rows and the distinct
    factor ids that made it."""
    ids = join_ids([emit[f"{n}_id"] for n in ("doc", "k", "docf", "mcf", "delay", "f", "ox")])
    return (group_join(group, emit["activity_id"].astype(str), ID_SEPARATOR),
            group_join(group, ids, ID_SEPARATOR, distinct=True))


def _output_years(act: pd.DataFrame, years: Iterable[int] | None) -> pd.DataFrame:
    """Per region, the emission years: `years`, or every year from its first to its last
    activity year; built with `numpy.repeat`, not a frame per region."""
    span = act.groupby("region_code")["year"].agg(["min", "max"]).reset_index()
    regions = span["region_code"].to_numpy(dtype=object)
    if years is not None:
        wanted = np.array(sorted({int(y) for y in years}), dtype="int64")
        return pd.DataFrame({"region_code": np.repeat(regions, len(wanted)),
                             "out_year": np.tile(wanted, len(regions))})
    lo = span["min"].to_numpy(dtype="int64")
    counts = span["max"].to_numpy(dtype="int64") - lo + 1
    start = np.repeat(np.cumsum(counts) - counts, counts)
    return pd.DataFrame({"region_code": np.repeat(regions, counts),
                         "out_year": np.repeat(lo, counts) + np.arange(counts.sum()) - start})


def _add_recovery(builder: EstimateBuilder, rec: pd.DataFrame, factors: FactorLookup,
                  source: str | None) -> None:
    rec = canonical_activity(rec, ("t CH4", "t"), what_zh="甲烷回收量", what_en="CH4 recovered",
                             source=source)
    rec = attach_factors(rec, factors, [FactorSpec("ox", "OX", ("1",), item=LANDFILL_ITEM,
                                                   by_category=True)])
    r = rec["activity_value"].to_numpy()
    emitted = -r * (1.0 - rec["ox"].to_numpy())
    pos = builder.add_rows(rec, category=rec["category"], item=RECOVERY_ITEM, gas="CH4",
                           emissions_t=emitted, method=METHOD_FOD_RECOVERY,
                           factor_names=("ox",))
    builder.add_terms(pos, emitted, [builder.add_activity_sources(rec),
                                     builder.add_complement_sources(rec, "ox")])


def compute_incineration(
    activity: pd.DataFrame, factors: FactorLookup, *,
    technology_items: Mapping[str, str] = INCINERATION_TECHNOLOGY, source: str | None = None,
) -> Estimate:
    """CO2, CH4 and N2O from waste incineration (4.C.1) and open burning (4.C.2) (焚烧).

    Parameters
    ----------
    activity
        Item = waste component (paper, plastics, food …), value = wet mass burnt (t).
    factors
        Per component ``dm_dry_matter_content``, ``CF_total_carbon_content`` and
        ``FCF_fossil_carbon_fraction``; per technology item (`technology_items` by category)
        ``OF_oxidation_factor`` and, optional, ``EF_N2O``/``EF_CH4`` (g/t wet waste).

    Returns
    -------
    Estimate
        Fossil CO2 rows, non-fossil CO2 memo rows (reported, not counted), N2O and CH4 rows
        (NE where the technology has no factor).

    Method: IPCC 2006 Vol.5 Ch.5 Eq.5.3 CO2 = Σ SW × dm × CF × FCF × OF × 44/12; Eq.5.4-5.5
    CH4/N2O = Σ IW × EF.
    """
    act = select_categories(prepare_activity(activity, source=source), ("4.C",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    act = canonical_activity(act, ("t",), what_zh="焚烧量", what_en="waste burnt", source=source)
    cache = as_cache(factors)
    for prefix, tech in sorted(technology_items.items()):
        sub = select_categories(act, (prefix,))
        if sub.empty:
            continue
        work = attach_factors(sub, cache, [
            FactorSpec("dm", "dm_dry_matter_content", ("1",)),
            FactorSpec("cf", "CF_total_carbon_content", ("1", "t C/t")),
            FactorSpec("fcf", "FCF_fossil_carbon_fraction", ("1",)),
            FactorSpec("of", "OF_oxidation_factor", ("1",), item=tech),
        ])
        carbon = (work["activity_value"] * work["dm"] * work["cf"] * work["of"]).to_numpy()
        total = carbon * C_TO_CO2
        fossil = total * work["fcf"].to_numpy()
        a = builder.add_activity_sources(work)
        base = [a, *(builder.add_factor_sources(work, n) for n in ("dm", "cf", "of"))]
        fcf = builder.add_factor_sources(work, "fcf")
        pos = builder.add_rows(work, category=work["category"], item=work["item"], gas="CO2",
                               emissions_t=fossil, method=METHOD_INCINERATION_CO2,
                               factor_names=("dm", "cf", "fcf", "of"))
        builder.add_terms(pos, fossil, [*base, fcf])
        pos = builder.add_rows(work, category=work["category"], item=work["item"], gas="CO2",
                               emissions_t=total - fossil, method=METHOD_INCINERATION_BIO,
                               factor_names=("dm", "cf", "fcf", "of"), memo=True)
        builder.add_terms(pos, total, base)
        builder.add_terms(pos, -fossil, [*base, fcf])
        for gas in ("CH4", "N2O"):
            add_activity_times_factor(builder, sub, cache, parameter=f"EF_{gas}", gas=gas,
                                      method=METHOD_INCINERATION_NON_CO2, item=tech,
                                      optional=True)
    return builder.build()


def compute_wastewater(
    activity: pd.DataFrame, factors: FactorLookup, *, source: str | None = None
) -> Estimate:
    """CH4 and N2O from wastewater treatment and discharge (废水处理), 4.D.1 and 4.D.2.

    Parameters
    ----------
    activity
        CH4: item = treatment or discharge pathway (its MCF), value = organics in the pathway,
        net of sludge removed (t BOD for domestic 4.D.1, t COD for industrial 4.D.2); item
        ``ch4_recovered`` = CH4 recovered (t).  N2O (4.D.1): item ``population`` (persons, 人)
        and ``population_advanced_wwtp`` (persons served by plants with nitrification).
    factors
        ``Bo_max_CH4_producing_capacity`` and ``MCF_domestic_wastewater`` /
        ``MCF_industrial_wastewater`` of item ``domestic_wastewater`` /
        ``industrial_wastewater``, the pathway as the MCF's variant;
        ``protein_per_capita`` (item ``protein``, kg/person/yr); item ``wastewater_n``:
        ``F_NPR``, ``F_NON-CON``, ``F_IND-COM``, ``EF_N2O_effluent``, ``EF_N2O_plant``.

    Method: IPCC 2006 Vol.5 Ch.6 Eq.6.1-6.2 (CH4 = (TOW − S) × Bo × MCF − R), Eq.6.7-6.8
    (effluent N2O) and Box 6.1 Eq.6.9 (advanced plants).
    """
    act = select_categories(prepare_activity(activity, source=source), ("4.D",))
    builder = EstimateBuilder()
    if act.empty:
        return builder.build()
    cache = as_cache(factors)
    people = act["item"].isin([POPULATION_ITEM, WWTP_POPULATION_ITEM]).to_numpy()
    recovered = (act["item"] == RECOVERY_ITEM).to_numpy()
    organics = act.loc[~people & ~recovered]
    for prefix, bo_item in sorted(BO_ITEMS.items()):
        sub = select_categories(organics, (prefix,))
        if sub.empty:
            continue
        sub = canonical_activity(sub, ("t",), what_zh="污水有机物量", what_en="wastewater "
                                 "organics", source=source)
        mcf = FactorSpec("mcf", MCF_PARAMETERS[prefix], ("1",), item=bo_item,
                         variant_from_item=True)
        add_activity_times_factor(builder, sub, cache, parameter="Bo_max_CH4_producing_capacity",
                                  gas="CH4", method=METHOD_WASTEWATER_CH4, item=bo_item,
                                  extra=(mcf,))
    if recovered.any():
        rec = canonical_activity(act.loc[recovered], ("t CH4", "t"), what_zh="甲烷回收量",
                                 what_en="CH4 recovered", source=source)
        r = -rec["activity_value"].to_numpy()
        pos = builder.add_rows(rec, category=rec["category"], item=RECOVERY_ITEM, gas="CH4",
                               emissions_t=r, method=METHOD_WASTEWATER_CH4)
        builder.add_terms(pos, r, [builder.add_activity_sources(rec)])
    if people.any():
        _wastewater_n2o(builder, act.loc[people], cache, source)
    return builder.build()


def _wastewater_n2o(builder: EstimateBuilder, people: pd.DataFrame, factors: FactorLookup,
                    source: str | None) -> None:
    people = canonical_activity(people, ("person",), what_zh="人口", what_en="population",
                                source=source)
    n_item = WASTEWATER_N_ITEM
    effluent = people.loc[people["item"] == POPULATION_ITEM]
    if not effluent.empty:
        work = attach_factors(effluent, factors, [
            FactorSpec("protein", "protein_per_capita", ("kg/person/a", "kg/person"),
                       item=PROTEIN_ITEM),
            FactorSpec("npr", "F_NPR", ("1", "kg N/kg"), item=n_item),
            FactorSpec("noncon", "F_NON-CON", ("1",), item=n_item),
            FactorSpec("indcom", "F_IND-COM", ("1",), item=n_item),
            FactorSpec("ef", "EF_N2O_effluent", N2ON_UNITS, item=n_item,
                       gas="N2O"),
        ])
        names = ("protein", "npr", "noncon", "indcom", "ef")
        n_kg = work["activity_value"].to_numpy()
        for n in names:
            n_kg = n_kg * work[n].to_numpy()
        n2o = n_kg * N2ON_TO_N2O / 1000.0
        pos = builder.add_rows(work, category=work["category"], item=work["item"], gas="N2O",
                               emissions_t=n2o, method=METHOD_WASTEWATER_N2O, factor_names=names)
        builder.add_product(work, pos, n2o, names)
    plants = people.loc[people["item"] == WWTP_POPULATION_ITEM]
    if not plants.empty:
        add_activity_times_factor(
            builder, plants, factors, parameter="EF_N2O_plant", gas="N2O",
            method=METHOD_WWTP_N2O, item=n_item,
            extra=(FactorSpec("indcom", "F_IND-COM", ("1",), item=n_item),))


def compute_waste(
    activity: pd.DataFrame, factors: FactorLookup, *, landfill_years: Iterable[int] | None = None,
    source: str | None = None,
) -> Estimate:
    """All waste sources: landfill (4.A), incineration (4.C), wastewater (4.D)."""
    cache = as_cache(factors)
    act = prepare_activity(activity, source=source)
    builder = EstimateBuilder()
    builder.extend(compute_landfill(act, cache, years=landfill_years, source=source))
    builder.extend(compute_incineration(act, cache, source=source))
    builder.extend(compute_wastewater(act, cache, source=source))
    return builder.build()

"""The emission-factor library: packaged factor datasets, canonical items, lookups and overrides.

Packaged datasets live in ``data/factors/<dataset>/<edition>/{data.csv, meta.yaml}`` and are never
edited (a correction is a new edition).  Each row is one `Factor`; its id is stable and readable::

    <dataset>/<item>/<parameter>[/<variant>][/<region_code>][/<year>|/<year_from>-<year_to>]

e.g. ``cn-prov-2011/raw_coal/ncv`` or ``cn-grid-average/electricity/grid_average_ef/330000/2022``.
``region_code`` is ``''`` (anywhere), ``'000000'`` (China), a GB/T 2260 code, or ``GRID-xx`` for
a regional power grid (``GRID-EC`` = 华东: Shanghai, Jiangsu, Zhejiang, Anhui, Fujian; the others
are listed in the cn-grid-average meta.yaml).  Values the reference compendium marks S (secondary
source) or C (lead only) ship with ``provisional=True`` and their note says why.

Electricity factors are separate series by purpose, with distinct parameters so they cannot be
mixed up: ``grid_average_ef`` (MEE/NBS average, for inventories), ``ets_grid_ef`` (carbon-market
reporting), ``footprint_ef`` (product footprints, CO2e), ``om_ef``/``om_ef_3yr`` (offset baselines).

User factor sets (see `tanzhi.kernel.factor_sets`) override packaged factors **by id** through
`FactorLibrary.with_overrides`; an override must keep the default's item, parameter and dimension.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from functools import lru_cache

import pandas as pd

from tanzhi.kernel.errors import DataError, Location, NotFound, Problem
from tanzhi.kernel.factor_precedence import precedence_rank, unit_fits
from tanzhi.kernel.gwp import canonical_gas
from tanzhi.kernel.items import packaged_items, resolve_item
from tanzhi.kernel.provenance import DatasetRef, read_dataset
from tanzhi.kernel.units import conversion_factor, parse_unit, same_dimension

FACTORS_ROOT = "factors"

# Lookup precedence when no dataset is named: Chinese inventory sources first, IPCC defaults next,
# leads-only families (NBS balance coefficients, NDRC enterprise defaults) last — those are meant
# to be asked for by dataset.  User sets come before all of them.
PACKAGED_DATASETS = (
    "cn-prov-2011",
    "cn-gbt2589",
    "cn-energy-reporting",
    "cn-coal-rate",  # coal rate of thermal power by year (issue #9), kernel.coal_rate
    # Before cn-grid-average: it fills only the region-years MEE/NBS did not publish (issue #9,
    # one rule per value, provisional), so every grid factor 2005-2025 resolves in one series.
    "cn-grid-series",
    "cn-grid-average",
    "cn-grid-ets",
    "cn-power-footprint",
    "cn-grid-om-2016",
    "cn-heat",
    "cn-ent-process",  # enterprise process emissions (issue #12 item 2): carbonates, steel
    "ipcc-2006",
    "ipcc-2006-nonco2",
    "cn-nbs-balance",
    "cn-ndrc-2013",
    "cn-ndrc-2015",
)

# Provinces of the East China regional grid (华东电网), as the MEE/NBS factor notices group them
# (reference compendium, electricity.csv note on 华东).  Only these are needed for Zhejiang.
GRID_REGION_OF_PROVINCE = {
    "310000": "GRID-EC",
    "320000": "GRID-EC",
    "330000": "GRID-EC",
    "340000": "GRID-EC",
    "350000": "GRID-EC",
}
GRID_CODE = re.compile(r"GRID-[A-Z]{2}")
NATIONAL = "000000"

# Gas labels that are not single species: CO2e marks an already-weighted (life-cycle) factor.
NON_SPECIES_GASES = frozenset({"CO2e"})

# The reference compendium's parameter names (/work/shared/reference/factors/*.csv, also the
# names IPCC and EFDB use) → tanzhi's parameter names, so a lookup may use either.
PARAMETER_ALIASES = {
    "net_calorific_value": "ncv", "net_calorific_value_IPCC_default": "ncv",
    "carbon_content_per_heat": "carbon_content",
    "carbon_content_per_heat_IPCC_default": "carbon_content",
    "oxidation_rate": "oxidation", "oxidation_factor_IPCC_default": "oxidation",
    "co2_emission_factor_derived": "co2_ef",
    "grid_average_co2_ef": "grid_average_ef",
    "grid_average_co2_ef_excl_market_nonfossil": "grid_ef_excl_market_nonfossil",
    "fossil_power_co2_ef": "fossil_power_ef",
    "national_grid_average_ef_for_ETS_reporting": "ets_grid_ef",
    "electricity_carbon_footprint_factor": "footprint_ef",
    "OM_emission_factor": "om_ef", "OM_emission_factor_3yr_average": "om_ef_3yr",
    "heat_co2_ef": "co2_ef",
    "EF_clinker": "co2_ef", "EF_lime": "co2_ef", "EF_glass": "co2_ef", "EF_carbonate": "co2_ef",
    "EF_ammonia": "co2_ef", "CKD_correction_factor": "ckd_correction",
    "clinker_fraction_in_cement": "clinker_fraction", "LKD_correction_factor": "lkd_correction",
    "total_fuel_requirement": "fuel_requirement", "EF_N2O_nitric_acid": "n2o_ef",
    "N2O_generation_factor": "n2o_generation", "N2O_destruction_factor": "n2o_destruction",
    "abatement_system_utilisation_factor": "abatement_utilisation",
    "EF_HFC23_byproduct": "hfc23_ef",
    "EF_enteric_CH4": "enteric_ch4_ef", "EF_manure_CH4": "manure_ch4_ef",
    "Nrate_N_excretion_rate": "n_excretion_rate", "EF3_direct_N2O_manure": "direct_n2o_ef",
    "EF1_direct_N2O": "direct_n2o_ef", "EF1FR_direct_N2O": "direct_n2o_ef_flooded_rice",
    "EF3PRP_CPP": "direct_n2o_ef_prp_cpp", "EF3PRP_SO": "direct_n2o_ef_prp_so",
    "EF4_indirect_N2O": "indirect_n2o_ef_deposition",
    "EF5_indirect_N2O": "indirect_n2o_ef_leaching",
    "FracGASF": "frac_gasf", "FracGASM": "frac_gasm", "FracLEACH": "frac_leach",
    "FracLEACH-(H)": "frac_leach",
    "EFc_baseline_CH4": "ch4_ef_baseline", "SFw_scaling_factor": "sf_water",
    "SFp_scaling_factor": "sf_preseason", "CFOA_conversion_factor": "cfoa",
    "DOC_wet_weight": "doc", "k_methane_generation_rate": "k", "MCF_SWDS": "mcf",
    "DOCf": "docf", "F": "f_ch4", "OX": "ox", "dm_dry_matter_content": "dry_matter",
    "CF_total_carbon_content": "carbon_content",
    "FCF_fossil_carbon_fraction": "fossil_carbon_fraction", "OF_oxidation_factor": "oxidation",
    "EF_N2O": "n2o_ef", "EF_CH4": "ch4_ef", "Bo_max_CH4_producing_capacity": "bo",
    "BOD_per_capita": "bod_per_capita", "MCF_domestic_wastewater": "mcf",
    "EF_N2O_effluent": "n2o_ef_effluent", "EF_N2O_plant": "n2o_ef_plant",
    "F_NON-CON": "f_non_con", "F_IND-COM": "f_ind_com", "F_NPR": "f_npr",
    "CF_carbon_fraction": "carbon_fraction", "R_root_to_shoot": "root_to_shoot",
    "BCEF_S_growing_stock": "bcef_s", "wood_density_D": "wood_density",
}


def canonical_parameter(name: str) -> str:
    """tanzhi's name for a parameter given by its compendium/IPCC name (or already canonical).

    >>> canonical_parameter("net_calorific_value"), canonical_parameter("ncv")
    ('ncv', 'ncv')
    """
    return PARAMETER_ALIASES.get(name, name)


class FactorNotFound(DataError, NotFound):
    """No factor matches a lookup (a DataError with its location, and a NotFound)."""


class FactorUnitMismatch(DataError):
    """Factors exist for the lookup, but none in a unit the activity can use.

    Deliberately not a NotFound: a method that reports a missing optional factor as NE must
    refuse this instead (an oil tonnage against IPCC's per-volume factors is a wrong input, not
    a gap in the factor library).
    """


@dataclass(frozen=True)
class Factor:
    """One emission factor or parameter, with where it came from.

    ``value`` is a float (ranges keep their central value, ``uncertainty_pct`` the half-width);
    ``unit`` parses with `tanzhi.kernel.units.parse_unit`.  Fields after ``uncertainty_pct``
    extend the agreed interface: ``variant`` distinguishes technology/climate classes of one
    item (e.g. nitric-acid plant types), ``confidence`` is the compendium's V/S/C/D mark.
    """

    id: str
    dataset: str
    edition: str
    category: str
    item: str
    item_zh: str
    gas: str
    parameter: str
    value: float
    unit: str
    region_code: str
    year_from: int | None
    year_to: int | None
    source: str
    locator: str
    provisional: bool
    uncertainty_pct: float | None
    variant: str = ""
    variant_zh: str = ""
    confidence: str = ""
    note: str = ""

    def covers(self, year: int) -> bool:
        """Whether the factor is valid for data year `year` (open ends are unbounded)."""
        return (self.year_from is None or self.year_from <= year) and (
            self.year_to is None or year <= self.year_to
        )

    def value_in(self, unit: str) -> float:
        """The value converted to `unit` (same dimension), e.g. kJ/kg → GJ/t.

        >>> f = default_library().by_id("cn-prov-2011/raw_coal/ncv")
        >>> round(f.value_in("GJ/t"), 3)
        20.908
        """
        return self.value * conversion_factor(self.unit, unit)

    def as_dict(self) -> dict[str, object]:
        """Plain dict (JSON-ready)."""
        return asdict(self)


FACTOR_FIELDS = tuple(f.name for f in fields(Factor))


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _int(value: object) -> int | None:
    text = _text(value)
    return int(float(text)) if text else None


def _float(value: object) -> float | None:
    text = _text(value)
    return float(text) if text else None


def _factors_from_frame(frame: pd.DataFrame, ref: DatasetRef) -> list[Factor]:
    out = []
    for row in frame.to_dict("records"):
        out.append(Factor(
            id=_text(row["id"]), dataset=ref.id, edition=ref.edition,
            category=_text(row["category"]), item=_text(row["item"]),
            item_zh=_text(row["item_zh"]), gas=_text(row["gas"]),
            parameter=_text(row["parameter"]), value=float(row["value"]), unit=_text(row["unit"]),
            region_code=_text(row["region_code"]), year_from=_int(row["year_from"]),
            year_to=_int(row["year_to"]), source=_text(row["source"]),
            locator=_text(row["locator"]), provisional=_text(row["provisional"]) == "true",
            uncertainty_pct=_float(row["uncertainty_pct"]), variant=_text(row["variant"]),
            variant_zh=_text(row["variant_zh"]), confidence=_text(row["confidence"]),
            note=_text(row["note"]),
        ))
    return out


def packaged_factors(dataset: str, edition: str | None = None) -> list[Factor]:
    """The factors of one packaged dataset edition (latest if `edition` is None), verified."""
    frame, meta = read_dataset(f"{FACTORS_ROOT}/{dataset}", edition, dtype=str)
    return _factors_from_frame(frame, meta.ref)


def region_chain(region_code: str | None) -> list[str]:
    """Region codes to try for `region_code`, most specific first, ending with China and ``''``.

    >>> region_chain("330102")
    ['330102', '330100', '330000', 'GRID-EC', '000000', '']
    """
    if not region_code:
        return ["", NATIONAL]
    code = str(region_code)
    chain = [code]
    if code.isdigit() and len(code) >= 6:
        county = code[:6]
        chain += [county, county[:4] + "00", county[:2] + "0000"]
        grid = GRID_REGION_OF_PROVINCE.get(county[:2] + "0000")
        if grid:
            chain.append(grid)
    chain += [NATIONAL, ""]
    return list(dict.fromkeys(chain))


def _category_applies(factor_category: str, wanted: str) -> bool:
    # A factor for 1.A applies to 1.A.1.a; one without a category applies everywhere.
    return (not factor_category or wanted == factor_category
            or wanted.startswith(factor_category + "."))


class FactorLibrary:
    """An immutable collection of factors with lookup by id or by what they describe.

    Parameters
    ----------
    factors
        The factors; ids must be unique.
    precedence
        Dataset order used when a lookup does not name a dataset.  Datasets not listed (user
        sets) come first, in the order their factors were given.
    """

    def __init__(
        self, factors: Iterable[Factor], *, precedence: tuple[str, ...] = PACKAGED_DATASETS
    ) -> None:
        self._by_id: dict[str, Factor] = {}
        for factor in factors:
            if factor.id in self._by_id:
                raise DataError(Problem(f"因子编号重复：{factor.id}",
                                        f"duplicate factor id {factor.id}"))
            self._by_id[factor.id] = factor
        self._precedence = precedence
        # Lookups are keyed on (item, parameter) first: a compilation asks thousands of times
        # and a scan of every factor per ask was most of its cost (issue #9, item 10).
        self._by_key: dict[tuple[str, str], list[Factor]] = {}
        for factor in self._by_id.values():
            self._by_key.setdefault((factor.item, factor.parameter), []).append(factor)
        self._datasets = self._dataset_order()

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, factor_id: object) -> bool:
        return factor_id in self._by_id

    def factors(self) -> list[Factor]:
        """Every factor, in id order."""
        return [self._by_id[k] for k in sorted(self._by_id)]

    def by_id(self, factor_id: str) -> Factor:
        """The factor with this id.

        Raises
        ------
        NotFound
        """
        try:
            return self._by_id[factor_id]
        except KeyError:
            raise NotFound(f"没有因子 {factor_id} / no factor {factor_id!r}") from None

    def datasets(self) -> list[str]:
        """Datasets present, in lookup precedence order."""
        return list(self._datasets)

    def _dataset_order(self) -> list[str]:
        present = list(dict.fromkeys(f.dataset for f in self._by_id.values()))
        users = [d for d in present if d not in self._precedence]
        return users + [d for d in self._precedence if d in present]

    def dataset_refs(self) -> list[DatasetRef]:
        """Dataset editions present (what a computed result records)."""
        refs = {DatasetRef(f.dataset, f.edition) for f in self._by_id.values()}
        return sorted(refs)

    def items(self) -> pd.DataFrame:
        """The canonical items (item, name_zh, name_en, kind, aliases '|'-joined, n_factors)."""
        counts: dict[str, int] = {}
        for factor in self._by_id.values():
            counts[factor.item] = counts.get(factor.item, 0) + 1
        rows = [
            {"item": i.item, "name_zh": i.name_zh, "name_en": i.name_en, "kind": i.kind,
             "aliases": "|".join(i.aliases), "n_factors": counts.get(i.item, 0)}
            for i in packaged_items().values()
        ]
        return pd.DataFrame(rows, columns=["item", "name_zh", "name_en", "kind", "aliases",
                                           "n_factors"])

    def frame(self) -> pd.DataFrame:
        """All factors as a frame, one column per `Factor` field."""
        return pd.DataFrame([f.as_dict() for f in self.factors()], columns=list(FACTOR_FIELDS))

    def select(self, *, dataset: str | None = None, item: str | None = None,
               parameter: str | None = None) -> list[Factor]:
        """Factors filtered by dataset, item (any name) and parameter, in id order."""
        if dataset is not None and dataset not in self.datasets():
            raise DataError(Problem(
                f"没有数据集 {dataset}（现有：{'、'.join(self.datasets())}）",
                f"no dataset {dataset} (known: {', '.join(self.datasets())})",
            ))
        wanted_item = resolve_item(item) if item else None
        return [
            f for f in self.factors()
            if (dataset is None or f.dataset == dataset)
            and (wanted_item is None or f.item == wanted_item)
            and (parameter is None or f.parameter == canonical_parameter(parameter))
        ]

    def lookup(
        self,
        *,
        item: str,
        parameter: str,
        gas: str | None = None,
        category: str | None = None,
        region_code: str | None = None,
        year: int | None = None,
        variant: str | None = None,
        dataset: str | None = None,
        include_provisional: bool = True,
        location: Location | None = None,
        units: tuple[str, ...] | None = None,
    ) -> Factor:
        """The one factor for an item and parameter.

        Candidates are ranked by `PRECEDENCE_RULES` (dataset, then the longest covering
        category, region of `region_chain`, narrowest year range, variant-less when no variant
        is asked; see the comment above `precedence_rank`).  When several factors still tie
        (different variants or years), the call must name ``variant`` or ``year``.  ``units``
        (e.g. ``("t CO2/t", "t/t")``) skips candidates whose unit converts to none of them.

        ``parameter`` may be tanzhi's name (``ncv``) or the compendium's (``net_calorific_value``,
        see `PARAMETER_ALIASES`); ``item`` any name `resolve_item` accepts.

        Raises
        ------
        FactorNotFound
            No factor matches (a DataError and a NotFound); the message lists what exists.
        DataError
            The match is ambiguous.

        Examples
        --------
        >>> lib = default_library()
        >>> lib.lookup(item="天然气", parameter="ncv").value
        38931.0
        >>> lib.lookup(item="电力", parameter="grid_average_ef", year=2022).value
        0.5366
        """
        loc = location or Location()
        wanted_item = resolve_item(item, location=loc)
        parameter = canonical_parameter(parameter)
        if gas is not None and gas not in NON_SPECIES_GASES:
            gas = canonical_gas(gas, location=loc)
        chain = {r: k for k, r in enumerate(region_chain(region_code))}
        candidates = [
            f for f in self._by_key.get((wanted_item, parameter), ())
            if (gas is None or f.gas == gas)
            and (category is None or _category_applies(f.category, category))
            and (year is None or f.covers(year))
            and (variant is None or f.variant == variant)
            and (dataset is None or f.dataset == dataset)
            and (include_provisional or not f.provisional)
            and f.region_code in chain
        ]
        what_zh = f"{wanted_item}/{parameter}" + (f"，{year} 年" if year else "") + (
            f"，地区 {region_code}" if region_code else "")
        what_en = f"{wanted_item}/{parameter}" + (f", year {year}" if year else "") + (
            f", region {region_code}" if region_code else "")
        if units:
            unfit = [f for f in candidates if not unit_fits(f.unit, tuple(units))]
            candidates = [f for f in candidates if f not in unfit]
            if unfit and not candidates:
                shown = ", ".join(f"{f.id} [{f.unit}]" for f in sorted(unfit, key=lambda f: f.id))
                raise FactorUnitMismatch(Problem(
                    f"{what_zh} 的因子单位与活动水平量纲不符（需 {' / '.join(units)}）："
                    f"{shown}；请给出可换算的因子（如按体积的因子需密度）",
                    f"no factor for {what_en} in a usable unit (need {', '.join(units)}): "
                    f"{shown} cannot be converted (e.g. a factor per m³ for an activity in t "
                    "needs a density)",
                    loc,
                ))
        if candidates:
            order = {d: k for k, d in enumerate(self._datasets)}
            ranked = sorted(
                (precedence_rank(f, dataset_rank=order[f.dataset], region_rank=chain[f.region_code],
                                 category=category, year=year, variant=variant), f.id, f)
                for f in candidates)
            best = [f for rank, _, f in ranked if rank == ranked[0][0]]
            if len(best) == 1:
                return best[0]
            ids = ", ".join(f.id for f in best)
            raise DataError(Problem(
                f"{what_zh} 有多个同等适用的因子，请指定 variant 或年份：{ids}",
                f"{what_en} matches several factors equally; name a variant or year: {ids}",
                loc,
            ))
        existing = sorted(f.id for f in self._by_key.get((wanted_item, parameter), ()))
        shown = ", ".join(existing[:8]) + (" …" if len(existing) > 8 else "")
        raise FactorNotFound(Problem(
            f"没有符合条件的因子：{what_zh}" + (f"（现有：{shown}）" if existing else ""),
            f"no factor for {what_en}" + (f" (existing: {shown})" if existing else ""),
            loc,
        ))

    def with_overrides(self, factors: Iterable[Factor]) -> FactorLibrary:
        """A new library in which `factors` replace the factors with the same id (others are added).

        An override must describe the same item and parameter as the factor it replaces, and its
        unit must have the same dimension.

        Raises
        ------
        DataError
            Listing every override that breaks those rules, by factor id and column.
        """
        merged = dict(self._by_id)
        problems: list[Problem] = []
        for factor in factors:
            default = self._by_id.get(factor.id)
            if default is not None:
                problems += override_problems(default, factor, Location())
            merged[factor.id] = factor
        if problems:
            raise DataError(problems)
        return FactorLibrary(merged.values(), precedence=self._precedence)


def override_problems(default: Factor, factor: Factor, location: Location) -> list[Problem]:
    """What is wrong with `factor` as an override of `default` (empty list: nothing)."""
    problems = []
    where = location if location.row is not None else Location(location.file)

    def at(column: str) -> Location:
        return Location(where.file, where.row, column)

    if factor.item != default.item:
        problems.append(Problem(
            f"因子 {factor.id} 的项目应为 {default.item}（{default.item_zh}），"
            f"而不是 {factor.item}",
            f"factor {factor.id} overrides item {default.item}, not {factor.item}",
            at("item"),
        ))
    if factor.parameter != default.parameter:
        problems.append(Problem(
            f"因子 {factor.id} 的参数应为 {default.parameter}，而不是 {factor.parameter}",
            f"factor {factor.id} overrides parameter {default.parameter}, not {factor.parameter}",
            at("parameter"),
        ))
    if not same_dimension(factor.unit, default.unit):
        problems.append(Problem(
            f"单位“{factor.unit}”与默认因子 {factor.id} 的单位“{default.unit}”量纲不同",
            f"unit '{factor.unit}' has a different dimension from the default factor "
            f"{factor.id} ('{default.unit}')",
            at("unit"),
        ))
    return problems


@lru_cache(maxsize=1)
def default_library() -> FactorLibrary:
    """Every packaged factor dataset (latest editions), built on first use and cached."""
    factors: list[Factor] = []
    for dataset in PACKAGED_DATASETS:
        factors += packaged_factors(dataset)
    return FactorLibrary(factors)


def check_factor(factor: Factor) -> list[Problem]:
    """Problems with a factor's own fields (unit parses, gas known, years ordered)."""
    problems: list[Problem] = []
    loc = Location(column="unit")
    try:
        parse_unit(factor.unit, location=loc)
    except DataError as exc:
        problems += exc.problems
    if factor.gas and factor.gas not in NON_SPECIES_GASES:
        try:
            canonical_gas(factor.gas, location=Location(column="gas"))
        except DataError as exc:
            problems += exc.problems
    if factor.year_from is not None and factor.year_to is not None and (
            factor.year_from > factor.year_to):
        problems.append(Problem("起始年份晚于截止年份", "year_from is after year_to",
                                Location(column="year_from")))
    return problems


def valid_region_code(code: str) -> bool:
    """'' (anywhere), a 6–12 digit GB/T 2260 code, or a GRID-xx regional-grid code."""
    return code == "" or bool(re.fullmatch(r"\d{6,12}", code)) or bool(GRID_CODE.fullmatch(code))

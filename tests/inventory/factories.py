"""Test doubles for the inventory engine: a tiny factor library, activity frames, a GWP table."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tanzhi.inventory.model import ACTIVITY_COLUMNS, RESULT_COLUMNS, Estimate
from tanzhi.kernel import NotFound

# AR5 GWP100 without carbon-cycle feedback, as listed in shared/reference/factors/gwp.csv
# (IPCC AR5 WG1 Table 8.A.1).  Tests only: the engine takes GWPs from tanzhi.kernel.gwp.
AR5 = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0, "HFC-23": 12400.0, "HFC-134a": 1300.0,
       "SF6": 23500.0, "CF4": 6630.0}
# SAR GWP100 (IPCC AR4 WG1 Table TS.2, column SAR), as in gwp.csv.
SAR = {"CO2": 1.0, "CH4": 21.0, "N2O": 310.0, "HFC-23": 11700.0, "HFC-134a": 1300.0,
       "SF6": 23900.0, "CF4": 6500.0}


@dataclass(frozen=True)
class FakeFactor:
    """The fields of kernel `Factor` the engine reads, plus the keys the fake matches on."""

    id: str
    item: str
    parameter: str
    value: float
    unit: str
    gas: str | None = None
    category: str | None = None
    region_code: str | None = None
    uncertainty_pct: float | None = None
    variant: str | None = None


class FakeFactorLibrary:
    """Implements the `FactorLookup` protocol (with ``variant``) over a list of factors.

    A factor without category/region matches any; with one it must match (category as a
    prefix).  A lookup naming a variant takes only that variant; one without takes any.  The
    most specific match wins, as a real library resolves county → province.
    """

    def __init__(self, factors: Iterable[FakeFactor]) -> None:
        self.factors = list(factors)
        self.calls = 0

    def lookup(self, *, item: str, parameter: str, gas: str | None = None,
               category: str | None = None, region_code: str | None = None,
               year: int | None = None, variant: str | None = None,
               units: tuple[str, ...] | None = None) -> FakeFactor:
        # `units` (the engine's usable units) is not used: the fake's factors are written in
        # the units their tests compute with.
        self.calls += 1
        best, score = None, -1
        for f in self.factors:
            if f.item != item or f.parameter != parameter or f.gas != gas:
                continue
            if variant is not None and f.variant != variant:
                continue
            if f.category is not None and not (
                category is not None
                and (category == f.category or category.startswith(f.category + "."))
            ):
                continue
            if f.region_code is not None and f.region_code != region_code:
                continue
            s = (len(f.category or "") * 2) + (1 if f.region_code else 0)
            if s > score:
                best, score = f, s
        if best is None:
            raise NotFound(f"no factor {item}/{parameter}/{gas}/{category}/{region_code}")
        return best


def library(*rows: tuple) -> FakeFactorLibrary:
    """Build a fake library from tuples (id, item, parameter, value, unit[, gas[, category
    [, uncertainty_pct[, variant]]]])."""
    out = []
    for r in rows:
        id_, item, parameter, value, unit, *rest = r
        gas = rest[0] if len(rest) > 0 else None
        category = rest[1] if len(rest) > 1 else None
        unc = rest[2] if len(rest) > 2 else None
        variant = rest[3] if len(rest) > 3 else None
        out.append(FakeFactor(id_, item, parameter, float(value), unit, gas, category, None, unc,
                              variant))
    return FakeFactorLibrary(out)


def read_factor_csv(path: Path) -> FakeFactorLibrary:
    """Factors from a golden case's factors.csv (id,item,parameter,value,unit,gas,category,
    uncertainty_pct[,variant])."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            unc = r.get("uncertainty_pct") or None
            out.append(FakeFactor(r["id"], r["item"], r["parameter"], float(r["value"]),
                                  r["unit"], r.get("gas") or None, r.get("category") or None,
                                  None, float(unc) if unc else None, r.get("variant") or None))
    return FakeFactorLibrary(out)


def activity(rows: Iterable[tuple], *, uncertainty: bool = False) -> pd.DataFrame:
    """An activity frame from (region_code, year, category, item, value, unit[, u%]) tuples."""
    cols = [*ACTIVITY_COLUMNS, *(["uncertainty_pct"] if uncertainty else [])]
    return pd.DataFrame([tuple(r) for r in rows], columns=cols)


def gwp_of(table: Mapping[str, float]) -> Mapping[str, float]:
    """A GWP mapping for the engine's `gwp=` argument (tests only)."""
    return dict(table)


def mixed_city(scale: float = 1.0) -> tuple[pd.DataFrame, FakeFactorLibrary, pd.DataFrame]:
    """A small city inventory touching every sector, with uncertainties (values illustrative).

    Returns activity, factor library and manure-system shares.
    """
    r = "330100"
    lib = library(
        ("ncv-coal", "raw_coal", "net_calorific_value", 20.908, "GJ/t", None, None, 3),
        ("cc-coal", "raw_coal", "carbon_content_per_heat", 26.37, "t C/TJ", None, None, 5),
        ("of-coal", "raw_coal", "oxidation_rate", 0.94, "", None, None, 2),
        ("ch4-coal", "raw_coal", "EF_combustion", 1, "kg CH4/TJ", "CH4", None, 150),
        ("n2o-coal", "raw_coal", "EF_combustion", 1.5, "kg N2O/TJ", "N2O", None, 150),
        ("ncv-gas", "natural_gas", "net_calorific_value", 0.038931, "GJ/m**3", None, None, 3),
        ("cc-gas", "natural_gas", "carbon_content_per_heat", 15.3, "t C/TJ", None, None, 3),
        ("of-gas", "natural_gas", "oxidation_rate", 0.99, "", None, None, 1),
        ("grid", "electricity", "grid_average_co2_ef", 0.5366, "t CO2/MWh", "CO2", None, 5),
        ("clinker", "cement_clinker", "EF_clinker", 0.52, "t CO2/t", "CO2", None, 2),
        ("ent-dairy", "dairy_cattle", "EF_enteric_CH4", 68, "kg CH4/head/a", "CH4", None, 30),
        ("man-dairy", "dairy_cattle", "EF_manure_CH4", 16, "kg CH4/head/a", "CH4", None, 30),
        ("nrate", "dairy_cattle", "Nrate_N_excretion_rate", 0.47, "kg N/t/d", None, None, 50),
        ("tam", "dairy_cattle", "typical_animal_mass", 350, "kg", None, None, 20),
        ("ef3", "solid_storage", "EF3_direct_N2O_manure", 0.005, "kgN2ON/kgN", "N2O", None,
         100),
        ("ef1", "managed_soils", "EF1_direct_N2O", 0.01, "kgN2ON/kgN", "N2O", None, 100),
        ("ef4", "managed_soils", "EF4_indirect_N2O", 0.01, "kgN2ON/kgN", "N2O", None, 150),
        ("ef5", "managed_soils", "EF5_indirect_N2O", 0.0075, "kgN2ON/kgN", "N2O", None, 150),
        ("gasf", "managed_soils", "FracGASF", 0.1, "", None, None, 100),
        ("leach", "managed_soils", "FracLEACH", 0.3, "", None, None, 100),
        ("efc", "rice", "EFc_baseline_CH4", 1.3, "kg CH4/hectare/d", "CH4", None, 40),
        ("sfw", "rice", "SFw_scaling_factor", 0.6, "", None, None, 20,
         "intermittently_flooded_single_aeration"),
        ("sfp", "rice", "SFp_scaling_factor", 1.22, "", None, None, 20, "aggregated_case"),
        ("d", "forest", "wood_density_D", 0.307, "t/m**3", None, None, 10, "fir"),
        ("bef", "forest", "BEF", 1.634, "", None, None, 15, "fir"),
        ("rs", "forest", "R_root_to_shoot", 0.246, "", None, None, 30, "fir"),
        ("cf", "forest", "CF_carbon_fraction", 0.5, "t C/t", None, None, 3, "fir"),
        ("doc", "food_waste", "DOC_wet_weight", 15, "%", None, None, 20),
        ("k", "landfill", "k_methane_generation_rate", 0.185, "1/a", None, None, None,
         "food_sewage_sludge"),
        ("docf", "landfill", "DOCf", 0.5, "", None, None, 20),
        ("mcf", "landfill", "MCF_SWDS", 1.0, "", None, None, 10),
        ("f", "landfill", "F", 0.5, "", None, None, 5),
        ("ox", "landfill", "OX", 0.1, "", None, None, 50),
        ("bo", "domestic_wastewater", "Bo_max_CH4_producing_capacity", 0.6, "kg CH4/kg",
         "CH4", None, 30),
        ("mcf-septic", "domestic_wastewater", "MCF_domestic_wastewater", 0.5, "", None, None, 30,
         "septic_system"),
    )
    rows = [
        (r, 2020, "1.A.1", "raw_coal", 1e6, "t", 3),
        (r, 2020, "1.A.2", "raw_coal", 2e5, "t", 5),
        (r, 2020, "1.A.4", "natural_gas", 1e8, "m**3", 3),
        (r, 2020, "memo.net_imported_electricity", "electricity", 1e6, "MWh", 5),
        (r, 2020, "2.A.1", "cement_clinker", 1e6, "t", 2),
        (r, 2020, "3.A", "dairy_cattle", 1e4, "head", 5),
        (r, 2020, "3.C.4", "synthetic_n", 1e4, "t", 10),
        (r, 2020, "3.C.7", "intermittently_flooded_single_aeration", 1.2e6, "hectare * d", 10),
        (r, 2019, "3.B.1.a", "fir", 1.0e7, "m**3", 8),
        (r, 2020, "3.B.1.a", "fir", 1.05e7, "m**3", 8),
        *((r, y, "4.A.1", "food_waste", 1e5, "t", 10) for y in range(2011, 2021)),
        (r, 2020, "4.A.1", "ch4_recovered", 500, "t", 10),
        (r, 2020, "4.D.1", "septic_system", 1e3, "t", 30),
    ]
    frame = activity([(*x[:4], x[4] * scale, *x[5:]) for x in rows], uncertainty=True)
    systems = pd.DataFrame({"item": ["dairy_cattle"], "system": ["solid_storage"],
                            "share": [1.0]})
    return frame, lib, systems


def estimate(*rows: tuple) -> Estimate:
    """Rows (region, year, category, gas, [(coefficient, [source, …]), …]); a source is
    (key, kind, U %)."""
    out_rows, terms, links, sources = [], [], [], {}
    for i, (region, year, category, gas, row_terms) in enumerate(rows):
        out_rows.append({"region_code": region, "year": year, "category": category,
                         "item": "x", "gas": gas,
                         "emissions_t": sum(c for c, _ in row_terms), "activity_value": 1.0,
                         "activity_unit": "t", "method": "test", "factor_ids": "f",
                         "activity_ids": "a", "memo": False, "notation": None})
        for coef, srcs in row_terms:
            t = len(terms)
            terms.append({"term": t, "row": i, "coefficient_t": coef})
            for key, kind, u in srcs:
                links.append({"term": t, "source": key})
                sources[key] = (kind, u)
    return Estimate(
        rows=pd.DataFrame(out_rows)[list(RESULT_COLUMNS)],
        terms=pd.DataFrame(terms), links=pd.DataFrame(links, columns=["term", "source"]),
        sources=pd.DataFrame([(k, kind, u) for k, (kind, u) in sources.items()],
                             columns=["source", "kind", "uncertainty_pct"]),
    )

"""Benchmark: 100,000-iteration Monte Carlo (IPCC Approach 2) of a synthetic city inventory.

Prints the vectorised engine's time and the ratio to a plain per-category Python loop measured
in the same run (the loop runs fewer iterations and is scaled linearly; it is the textbook
implementation: per iteration, draw every source, then per category multiply its terms).
Both timings are the best of --repeat runs, since other jobs share the machine.

    uv run python bench/bench_inventory_mc.py [--iterations 100000] [--baseline 2000]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tanzhi.inventory.calc import compute_inventory, compute_monte_carlo, select_rows
from tanzhi.inventory.calc.uncertainty import LOGNORMAL_FROM_PCT, Z95
from tanzhi.inventory.calc.waste import K_CLASS
from tanzhi.inventory.model import InventoryOptions
from tanzhi.kernel.errors import NotFound

# AR5 GWP100 (IPCC AR5 WG1 Table 8.A.1), enough for the synthetic gases.
GWP = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0, "HFC-23": 12400.0, "HFC-134a": 1300.0,
       "SF6": 23500.0}
REGION, YEAR = "330100", 2020


@dataclass(frozen=True)
class _Factor:
    id: str
    value: float
    unit: str
    uncertainty_pct: float | None


class _Library:
    """A dict-backed FactorLookup: (item, parameter, gas) → factor."""

    def __init__(self) -> None:
        self.table: dict[tuple, _Factor] = {}

    def add(self, item: str, parameter: str, value: float, unit: str, u: float,
            gas: str | None = None, variant: str | None = None) -> None:
        self.table[(item, parameter, gas, variant)] = _Factor(
            f"{item}:{parameter}:{gas}:{variant}", value, unit, u)

    def lookup(self, *, item: str, parameter: str, gas: str | None = None,
               variant: str | None = None, **_: object) -> _Factor:
        try:
            return self.table[(item, parameter, gas, variant)]
        except KeyError as exc:
            raise NotFound(f"{item}/{parameter}/{gas}/{variant}") from exc


def synthetic_city() -> tuple[pd.DataFrame, _Library, pd.DataFrame]:
    """A city-sized inventory: about 60 category × gas groups across the five sectors."""
    rng = np.random.default_rng(7)
    lib = _Library()
    rows: list[tuple] = []
    fuels = {"raw_coal": (20.908, 26.37, "t"), "coke": (28.435, 29.5, "t"),
             "diesel": (42.652, 20.2, "t"), "gasoline": (43.07, 18.9, "t"),
             "natural_gas": (0.038931, 15.3, "m**3")}
    for fuel, (ncv, cc, unit) in fuels.items():
        lib.add(fuel, "net_calorific_value", ncv, f"GJ/{unit}", 3.0)
        lib.add(fuel, "carbon_content_per_heat", cc, "t C/TJ", 5.0)
        lib.add(fuel, "oxidation_rate", 0.95, "1", 2.0)
        lib.add(fuel, "EF_combustion", 3.0, "kg CH4/TJ", 120.0, gas="CH4")
        lib.add(fuel, "EF_combustion", 1.5, "kg N2O/TJ", 150.0, gas="N2O")
    sectors = ["1.A.1.a", "1.A.1.b", "1.A.2.a", "1.A.2.b", "1.A.2.c", "1.A.2.d", "1.A.2.e",
               "1.A.2.f", "1.A.3.b", "1.A.3.c", "1.A.3.d.ii", "1.A.4.a", "1.A.4.b", "1.A.4.c"]
    for cat in sectors:
        for fuel, (_, _, unit) in fuels.items():
            amount = float(rng.uniform(1e3, 1e5)) * (1e3 if unit == "m**3" else 1.0)
            rows.append((REGION, YEAR, cat, fuel, amount, unit, 5.0))
    lib.add("electricity", "grid_average_co2_ef", 0.5366, "t CO2/MWh", 5.0, gas="CO2")
    rows.append((REGION, YEAR, "memo.net_imported_electricity", "electricity", 3e6, "MWh", 3.0))
    lib.add("cement_clinker", "EF_clinker", 0.52, "t CO2/t", 2.0, gas="CO2")
    lib.add("glass", "EF_glass", 0.2, "t CO2/t", 10.0, gas="CO2")
    lib.add("glass", "cullet_ratio", 0.5, "1", 20.0)
    lib.add("lime", "EF_lime", 0.75, "t CO2/t", 15.0, gas="CO2")
    lib.add("high_pressure", "EF_N2O_nitric_acid", 9.0, "kg N2O/t", 40.0, gas="N2O")
    lib.add("HFC-134a", "emission_rate", 0.15, "1/a", 50.0, gas="HFC-134a")
    lib.add("SF6", "emission_rate", 0.02, "1/a", 50.0, gas="SF6")
    rows += [(REGION, YEAR, "2.A.1", "cement_clinker", 2e6, "t", 2.0),
             (REGION, YEAR, "2.A.3", "glass", 1e5, "t", 5.0),
             (REGION, YEAR, "2.A.2", "lime", 2e5, "t", 5.0),
             (REGION, YEAR, "2.B.2", "high_pressure", 5e4, "t", 5.0),
             (REGION, YEAR, "2.F.1", "HFC-134a", 300.0, "t", 30.0),
             (REGION, YEAR, "2.G.1", "SF6", 50.0, "t", 20.0)]
    animals = {"dairy_cattle": (68, 16), "other_cattle": (47, 1), "swine": (1, 4),
               "sheep": (5, 0.15), "poultry": (0.0, 0.02)}
    for animal, (ent, man) in animals.items():
        if ent:
            lib.add(animal, "EF_enteric_CH4", ent, "kg CH4/head/a", 30.0, gas="CH4")
        else:
            lib.add(animal, "EF_enteric_CH4", 0.0, "kg CH4/head/a", 0.0, gas="CH4")
        lib.add(animal, "EF_manure_CH4", man, "kg CH4/head/a", 30.0, gas="CH4")
        lib.add(animal, "Nrate_N_excretion_rate", 0.5, "kg N/t/d", 50.0)
        lib.add(animal, "typical_animal_mass", 300.0, "kg", 20.0)
        rows.append((REGION, YEAR, "3.A", animal, float(rng.uniform(1e4, 1e6)), "head", 5.0))
    for system, ef3 in (("solid_storage", 0.005), ("daily_spread", 0.0)):
        lib.add(system, "EF3_direct_N2O_manure", ef3, "kgN2ON/kgN", 100.0, gas="N2O")
    systems = pd.DataFrame([(a, s, 0.5) for a in animals for s in ("solid_storage",
                                                                   "daily_spread")],
                           columns=["item", "system", "share"])
    for p, v, u, gas in (("EF1_direct_N2O", 0.01, 100.0, "N2O"),
                         ("EF4_indirect_N2O", 0.01, 150.0, "N2O"),
                         ("EF5_indirect_N2O", 0.0075, 150.0, "N2O"),
                         ("FracGASF", 0.1, 100.0, None), ("FracGASM", 0.2, 100.0, None),
                         ("FracLEACH", 0.3, 100.0, None)):
        lib.add("managed_soils", p, v, "kgN2ON/kgN" if gas else "1", u, gas=gas)
    for item in ("synthetic_n", "organic_n", "crop_residue_n"):
        rows.append((REGION, YEAR, "3.C.4", item, float(rng.uniform(1e3, 3e4)), "t", 10.0))
    lib.add("rice", "EFc_baseline_CH4", 1.3, "kg CH4/hectare/d", 40.0, gas="CH4")
    lib.add("rice", "SFp_scaling_factor", 1.22, "1", 20.0, variant="aggregated_case")
    for regime, sfw in (("continuously_flooded", 1.0),
                        ("intermittently_flooded_single_aeration", 0.6)):
        lib.add("rice", "SFw_scaling_factor", sfw, "1", 20.0, variant=regime)
        lib.add("rice", "cultivation_period", 110.0, "d", 10.0, variant=regime)
        rows.append((REGION, YEAR, "3.C.7", regime, 2e4, "hectare", 5.0))
    for forest, (d, bef) in {"fir": (0.307, 1.634), "pine": (0.38, 1.47),
                             "broadleaf": (0.5, 1.5)}.items():
        lib.add("forest", "wood_density_D", d, "t/m**3", 10.0, variant=forest)
        lib.add("forest", "BEF", bef, "1", 15.0, variant=forest)
        lib.add("forest", "R_root_to_shoot", 0.24, "1", 30.0, variant=forest)
        lib.add("forest", "CF_carbon_fraction", 0.5, "t C/t", 3.0, variant=forest)
        for y, v in ((YEAR - 1, 1.00e7), (YEAR, 1.03e7)):
            rows.append((REGION, y, "3.B.1.a", forest, v, "m**3", 8.0))
    wastes = {"food_waste": (0.15, 0.185), "paper": (0.40, 0.06), "wood_waste": (0.43, 0.03),
              "garden_waste": (0.20, 0.10), "textiles": (0.24, 0.06)}
    for waste, (doc, k) in wastes.items():
        lib.add(waste, "DOC_wet_weight", doc, "1", 20.0)
        lib.add("landfill", "k_methane_generation_rate", k, "1/a", 0.0,
                variant=K_CLASS[waste])
        for y in range(YEAR - 29, YEAR + 1):
            rows.append((REGION, y, "4.A.1", waste, float(rng.uniform(2e4, 8e4)), "t", 10.0))
    for p, v, u in (("DOCf", 0.5, 20.0), ("MCF_SWDS", 1.0, 10.0), ("F", 0.5, 5.0),
                    ("OX", 0.1, 50.0)):
        lib.add("landfill", p, v, "1", u)
    for comp, (dm, cf, fcf) in {"plastics": (1.0, 0.75, 1.0), "paper": (0.9, 0.46, 0.01),
                                "textiles": (0.8, 0.5, 0.2)}.items():
        lib.add(comp, "dm_dry_matter_content", dm, "1", 10.0)
        lib.add(comp, "CF_total_carbon_content", cf, "1", 10.0)
        lib.add(comp, "FCF_fossil_carbon_fraction", fcf, "1", 10.0)
        rows.append((REGION, YEAR, "4.C.1", comp, float(rng.uniform(1e4, 1e5)), "t", 5.0))
    lib.add("waste_incineration", "OF_oxidation_factor", 1.0, "1", 2.0)
    lib.add("waste_incineration", "EF_N2O", 50.0, "g N2O/t", 100.0, gas="N2O")
    lib.add("domestic_wastewater", "Bo_max_CH4_producing_capacity", 0.6, "kg CH4/kg", 30.0,
            gas="CH4")
    lib.add("domestic_wastewater", "MCF_domestic_wastewater", 0.5, "1", 30.0,
            variant="septic_system")
    lib.add("domestic_wastewater", "MCF_domestic_wastewater", 0.03, "1", 100.0,
            variant="centralised_aerobic")
    rows += [(REGION, YEAR, "4.D.1", "septic_system", 2e4, "t", 20.0),
             (REGION, YEAR, "4.D.1", "centralised_aerobic", 8e4, "t", 20.0)]
    cols = ["region_code", "year", "category", "item", "value", "unit", "uncertainty_pct"]
    return pd.DataFrame(rows, columns=cols), lib, systems


def python_loop_baseline(estimate, by: list[str], iterations: int, seed: int) -> float:
    """Seconds per iteration of a plain Python Monte Carlo over the same model."""
    rows = estimate.rows
    keep = rows["emissions_t"].notna() & ~rows["memo"].astype(bool)
    group_of_row = {i: tuple(rows.loc[i, by]) for i in rows.index[keep]}
    weight = {i: GWP[rows.loc[i, "gas"]] for i in group_of_row}
    sources = {s: u for s, u in zip(estimate.sources["source"],
                                    estimate.sources["uncertainty_pct"].fillna(0.0), strict=True)}
    links: dict[int, list[str]] = {}
    for t, s in zip(estimate.links["term"], estimate.links["source"], strict=True):
        links.setdefault(int(t), []).append(s)
    categories: dict[tuple, list[tuple[float, list[str]]]] = {}
    for t, r, c in estimate.terms[["term", "row", "coefficient_t"]].itertuples(index=False):
        if r in group_of_row:
            categories.setdefault(group_of_row[r], []).append(
                (c * weight[r], [s for s in links.get(t, []) if sources[s] > 0]))
    rng = random.Random(seed)
    samples: dict[tuple, list[float]] = {g: [] for g in categories}
    start = time.perf_counter()
    for _ in range(iterations):
        draw = {}
        for s, u in sources.items():
            if u <= 0:
                continue
            sd = u / Z95 / 100.0
            if u >= LOGNORMAL_FROM_PCT:
                s_ln = math.sqrt(math.log1p(sd * sd))
                draw[s] = math.exp(rng.gauss(-0.5 * s_ln * s_ln, s_ln))
            else:
                draw[s] = max(1.0 + rng.gauss(0.0, sd), 0.0)
        for g, terms in categories.items():  # the per-category loop
            value = 0.0
            for coef, srcs in terms:
                prod = coef
                for s in srcs:
                    prod *= draw[s]
                value += prod
            samples[g].append(value)
    for vals in samples.values():
        vals.sort()
    return (time.perf_counter() - start) / iterations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2_000,
                        help="iterations of the Python loop (scaled to --iterations)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3,
                        help="best of this many runs for both timings (the machine is shared)")
    args = parser.parse_args()

    activity, lib, systems = synthetic_city()
    t0 = time.perf_counter()
    est = compute_inventory(activity, lib, options=InventoryOptions(manure_systems=systems))
    t_compile = time.perf_counter() - t0
    one_year = select_rows(est, (est.rows["year"] == YEAR).to_numpy())
    by = ["category", "gas"]
    n_groups = one_year.rows.loc[one_year.rows["emissions_t"].notna()
                                 & ~one_year.rows["memo"]].groupby(by).ngroups
    compute_monte_carlo(one_year, gwp=GWP, seed=1, iterations=2_000, by=by,
                        workers=args.workers)  # warm-up
    t_mc = math.inf
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        mc = compute_monte_carlo(one_year, gwp=GWP, seed=42, iterations=args.iterations, by=by,
                                 workers=args.workers)
        t_mc = min(t_mc, time.perf_counter() - t0)
    per_iter = min(python_loop_baseline(one_year, by, args.baseline, seed=42)
                   for _ in range(args.repeat))
    t_loop = per_iter * args.iterations
    total = mc.loc[mc["category"] == "total"].iloc[0]
    print(f"activity rows {len(activity)}, result rows {len(est.rows)}, groups (category×gas) "
          f"{n_groups}, terms {len(one_year.terms)}, sources {len(one_year.sources)}")
    print(f"compile inventory: {t_compile:.3f} s")
    print(f"Monte Carlo {args.iterations:,} iterations, {args.workers} worker(s): {t_mc:.3f} s "
          f"(best of {args.repeat})")
    print(f"Python per-category loop: {per_iter * 1e6:.1f} µs/iteration × {args.iterations:,} "
          f"= {t_loop:.1f} s (measured over {args.baseline:,} iterations)")
    print(f"speed-up: {t_loop / t_mc:.0f}×")
    print(f"total {total['deterministic_t'] / 1e4:,.1f} 万t CO2e, 95 % interval "
          f"−{total['minus_pct']:.1f} % / +{total['plus_pct']:.1f} %")


if __name__ == "__main__":
    main()

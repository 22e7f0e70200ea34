"""Pure, deterministic generation of the demo statistics (`generate`): same seed, same numbers.

The model (docs/demo-model.md): province series come from synthetic paths pinned to the seed
anchors; each city gets a share of every province series, anchored cities are pinned to their own
anchors and the other cities share the remainder, so cities always sum to the province; counties
split each city value by smooth noisy weights, so counties always sum to their city.  Quantities
that are not additive in their parts (electricity trade, totals in standard coal, GDP) are
computed per county from the allocated parts and summed upwards.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tanzhi.demo import model as m
from tanzhi.demo.model import Cell, anchor
from tanzhi.kernel import STATISTIC_ITEM as COAL_RATE_ITEM
from tanzhi.kernel import STATISTIC_VARIABLE as COAL_RATE_VARIABLE
from tanzhi.kernel import UNIT as COAL_RATE_UNIT
from tanzhi.kernel import Region, RegionLevel, conversion_factor

Y = np.array(m.YEARS)
NY = len(m.YEARS)
_IY = {y: i for i, y in enumerate(m.YEARS)}
FRAME_COLUMNS = ("region_code", "year", "variable", "sector", "item", "value", "unit",
                 "dataset", "synthetic", "note")


# --- small numeric tools ---------------------------------------------------------------------

def _rng(seed: int, *tags: str) -> np.random.Generator:
    # One stream per tag: a series' noise does not depend on what else is generated or in which
    # order (crc32 is stable across processes, unlike hash()).
    return np.random.default_rng([seed, *(zlib.crc32(t.encode()) for t in tags)])


def smooth_noise(seed: int, sigma: float, *tags: str) -> np.ndarray:
    """Stationary AR(1) log-noise over the years: persistent, mean 0, standard deviation σ."""
    draws = _rng(seed, *tags).standard_normal(NY) * sigma
    phi = m.NOISE_PERSISTENCE
    out = np.empty(NY)
    out[0] = draws[0]
    for i in range(1, NY):
        out[i] = phi * out[i - 1] + np.sqrt(1 - phi * phi) * draws[i]
    return out


def path(points: tuple[float, float, float]) -> np.ndarray:
    """Piecewise-linear series through its 2015, 2020 and 2025 values."""
    return np.interp(Y, [2015, 2020, 2025], points)


def growth_path(start: float, growth_pct: Sequence[float]) -> np.ndarray:
    """Series from its first value and yearly growth rates (%)."""
    return start * np.concatenate([[1.0], np.cumprod(1 + np.asarray(growth_pct) / 100)])


def calibrate(prior: np.ndarray, pins: dict[int, float]) -> np.ndarray:
    """`prior` scaled to pass exactly through `pins` (year → value).

    The scale factor is interpolated log-linearly between pinned years and held flat outside
    them, so the prior's year-to-year shape survives between anchors.
    """
    if not pins:
        return prior.copy()
    years = sorted(pins)
    logs = [np.log(pins[y] / prior[_IY[y]]) for y in years]
    out = prior * np.exp(np.interp(Y, years, logs))
    for y in years:  # exact at the pins, not merely to rounding
        out[_IY[y]] = pins[y]
    return out


def split(total: np.ndarray, prior: np.ndarray, fixed: dict[int, np.ndarray]) -> np.ndarray:
    """Rows of `prior` (C × years) rescaled to sum to `total`; rows in `fixed` are kept as given.

    The unfixed rows share what the fixed ones leave, in proportion to their prior.
    """
    out = prior.astype(float).copy()
    free = np.ones(len(prior), bool)
    for i, row in fixed.items():
        out[i], free[i] = row, False
    rest = total - out[~free].sum(axis=0)
    base = out[free].sum(axis=0)
    out[free] = out[free] * np.divide(rest, base, out=np.zeros(NY), where=base != 0)
    return out


def capped_allocation(total: np.ndarray, ceiling: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Split `total` (years) in proportion to `weight` (rows × years), no row above `ceiling`."""
    out = np.zeros_like(weight)
    free = np.ones_like(weight, bool)
    remaining = total.astype(float).copy()
    for _ in range(len(weight) + 1):
        w = np.where(free, weight, 0.0)
        share = np.divide(w, w.sum(axis=0), out=np.zeros_like(w), where=w.sum(axis=0) > 0)
        trial = out + share * remaining
        over = free & (trial > ceiling)
        if not over.any():
            return trial
        out = np.where(over, ceiling, out)
        free &= ~over
        remaining = total - out.sum(axis=0)
    return out


# --- the region tree and its weights ---------------------------------------------------------

@dataclass(frozen=True)
class Tree:
    """Province, cities (model order) and counties, with what the county weights need."""

    province: str
    cities: tuple[str, ...]
    counties: tuple[str, ...]
    county_city: np.ndarray  # index into cities, per county
    kind: np.ndarray         # 0 core district, 1 other district, 2 county or county-level city
    size: np.ndarray         # synthetic relative size, per county

    @property
    def codes(self) -> list[str]:
        """All codes: province, cities, counties (the row order of every full array)."""
        return [self.province, *self.cities, *self.counties]


def build_tree(regions: Sequence[Region], seed: int) -> Tree:
    """Province, the model's 11 cities and their counties from a region list."""
    by_level = {lvl: sorted((r for r in regions if r.level is lvl), key=lambda r: r.code)
                for lvl in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)}
    cities = tuple(r.code for r in by_level[RegionLevel.CITY])
    if [r.code for r in by_level[RegionLevel.PROVINCE]] != [m.PROVINCE] or cities != m.CITIES:
        raise ValueError("the demo model is calibrated for Zhejiang 330000 and its 11 cities")
    counties = by_level[RegionLevel.COUNTY]
    index = {c: i for i, c in enumerate(cities)}
    kind = np.array([0 if r.code in m.CORE_DISTRICTS else 1 if r.name_zh.endswith("区") else 2
                     for r in counties])
    size = np.array([np.exp(0.35 * _rng(seed, "size", r.code).standard_normal())
                     for r in counties])
    return Tree(m.PROVINCE, cities, tuple(r.code for r in counties),
                np.array([index[r.parent_code] for r in counties]), kind, size)


class Weights:
    """City shares (11 × years) and within-city county shares (counties × years) per profile."""

    def __init__(self, tree: Tree, seed: int) -> None:
        self.tree, self.seed = tree, seed
        self._city: dict[str, np.ndarray] = {}
        self._county: dict[str, np.ndarray] = {}

    def city(self, profile: str) -> np.ndarray:
        """Shares of the province, per city and year (zero rows for zero weights)."""
        if profile not in self._city:
            base = np.array(m.CITY_WEIGHTS[m.CITY_PROFILE.get(profile, profile)], float)
            noise = np.array([smooth_noise(self.seed, m.NOISE["city"], "city", profile, c)
                              for c in self.tree.cities])
            w = base[:, None] * np.exp(noise)
            total = w.sum(axis=0)
            self._city[profile] = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
        return self._city[profile]

    def county(self, profile: str) -> np.ndarray:
        """Shares of the parent city, per county and year."""
        if profile not in self._county:
            t = self.tree
            base = t.size.copy()
            if profile in m.COUNTY_TYPE:
                base *= np.array(m.COUNTY_TYPE[profile])[t.kind]
            if profile in m.COUNTY_SPECIALS:
                named, rest = m.COUNTY_SPECIALS[profile]
                base *= np.array([named.get(c, rest) for c in t.counties])
            noise = np.array([smooth_noise(self.seed, m.NOISE["county"], "county", profile, c)
                              for c in t.counties])
            w = base[:, None] * np.exp(noise)
            sums = self.to_cities(w)[t.county_city]
            fallback = t.size[:, None] * np.ones(NY)  # a city with no named site: by size
            w = np.where(sums > 0, w, fallback)
            self._county[profile] = w / self.to_cities(w)[t.county_city]
        return self._county[profile]

    def to_cities(self, county_values: np.ndarray) -> np.ndarray:
        """Sum county rows into their cities (11 × years)."""
        out = np.zeros((len(self.tree.cities), NY))
        np.add.at(out, self.tree.county_city, county_values)
        return out

    def down(self, city_values: np.ndarray, profile: str) -> np.ndarray:
        """Split city rows to their counties by `profile`."""
        return city_values[self.tree.county_city] * self.county(profile)


# --- level 1: province and city aggregates ---------------------------------------------------

def _ci(code: str) -> int:
    return m.CITIES.index(code)


def _gdp(w: Weights) -> dict[str, np.ndarray]:
    """Current GDP, deflators (2020 = 1) and value added by sector, per city."""
    gap = anchor("zj-2020-gdp-growth-gap-pcurrent")
    growth = (gap.param - gap.value) / 100  # 15.2 − 6.7 = 8.5 %/yr nominal, 2016–2020
    logs = np.log1p(np.array(m.NOMINAL_GROWTH) / 100)
    logs[:5] += (5 * np.log1p(growth) - logs[:5].sum()) / 5
    start = m.GDP_2020 / np.exp(5 * np.log1p(growth))
    province = start * np.exp(np.concatenate([[0], logs.cumsum()]))
    prior = province * w.city("gdp")
    hz, tz, sx, jx = (_ci(c) for c in (m.HANGZHOU, m.TAIZHOU, m.SHAOXING, m.JIAXING))
    share_of = anchor("hz-2020-gdp-share-of-pcurrent")
    e_hz20 = anchor("hz-2020-energy-total").value
    e_hz15 = e_hz20 / (1 + anchor("hz-2020-energy-growth-avg").value / 100) ** 5
    i_hz20 = anchor("hz-2020-energy-intensity-p2015").value
    i_hz15 = i_hz20 / (1 - anchor("hz-2020-energy-intensity-decline-pconstant").value / 100)
    co2_tz = anchor("tz-2015-co2-intensity-p2015")
    e_sx20 = _shaoxing_energy_2020()
    i_sx20 = anchor("sx-2020-energy-intensity-pcurrent").value
    gdp = split(province, prior, {
        hz: calibrate(prior[hz], {2020: share_of.param / (share_of.value / 100),
                                  2015: e_hz15 / i_hz15}),
        tz: calibrate(prior[tz], {2015: co2_tz.param / co2_tz.value}),
        sx: calibrate(prior[sx], {2020: e_sx20 / i_sx20}),
    })
    deflator_p = growth_path(1.0, m.INFLATION)
    deflator_p /= deflator_p[_IY[2020]]
    deflator = np.array([deflator_p * np.exp(n - n[_IY[2020]]) for n in (
        smooth_noise(w.seed, 0.004, "deflator", c) for c in m.CITIES)])
    co2_tz19 = anchor("tz-2019-co2-intensity-p2015")
    real_2015 = {  # GDP of a year at 2015 prices = current GDP × D(2015) / D(year)
        hz: (2020, e_hz20 / i_hz20),
        jx: (2020, anchor("jx-2020-energy-total").value
             / anchor("jx-2020-energy-intensity-p2015").value),
        tz: (2019, co2_tz19.param / co2_tz19.value),
    }
    for i, (year, at_2015) in real_2015.items():
        d_year = deflator[i, _IY[year]]
        deflator[i] = calibrate(deflator[i], {2015: at_2015 * d_year / gdp[i, _IY[year]],
                                              year: d_year, 2020: 1.0})
    out = {"gdp": gdp, "deflator": deflator}
    primary_p = path(m.VA_SHARES["primary"]) / 100 * province
    p_prior = primary_p * w.city("primary")
    out["primary"] = split(primary_p, p_prior, {hz: calibrate(p_prior[hz], {
        y: anchor(f"hz-{y}-value-added-share-primary").value / 100 * gdp[hz, _IY[y]]
        for y in (2015, 2020)})})
    tertiary_p = calibrate(path(m.VA_SHARES["tertiary"]) / 100 * province,
                           {2020: anchor("zj-2020-value-added-tertiary").value})
    t_prior = tertiary_p * w.city("tertiary")
    t_pins = {hz: (2015, 2020), sx: (2015, 2020), jx: (2020,), tz: (2020,)}
    out["tertiary"] = split(tertiary_p, t_prior, {
        i: calibrate(t_prior[i], {
            y: anchor(f"{_abbr(i)}-{y}-value-added-share-tertiary").value / 100 * gdp[i, _IY[y]]
            for y in years}) for i, years in t_pins.items()})
    out["secondary"] = gdp - out["primary"] - out["tertiary"]
    out["industry_frac"] = np.array([path(m.INDUSTRY_IN_SECONDARY) * np.exp(
        smooth_noise(w.seed, 0.01, "industry-frac", c)) for c in m.CITIES])
    return out


def _abbr(city_index: int) -> str:
    return {m.HANGZHOU: "hz", m.JIAXING: "jx", m.SHAOXING: "sx", m.TAIZHOU: "tz"}[
        m.CITIES[city_index]]


def _shaoxing_energy_2020() -> float:
    # 清洁能源 399.3万tce is 16.5% of the total, so the total is 399.3 / 0.165.
    return anchor("sx-2020-clean-energy").value / (anchor("sx-2020-clean-energy-share").value / 100)


def _energy(w: Weights, g: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Total energy and the calibration groups (万tce) per city; FI is the residual."""
    gdp, defl = g["gdp"], g["deflator"]
    gdp_p = gdp.sum(axis=0)
    real_p = (gdp / defl).sum(axis=0)  # constant 2020 prices
    e20 = anchor("zj-2020-energy-intensity-pcurrent").value * gdp_p[_IY[2020]]
    fall = anchor("zj-2020-energy-intensity-decline-pconstant").value / 100
    e15 = e20 * real_p[_IY[2015]] / real_p[_IY[2020]] / (1 - fall)
    e_p = calibrate(growth_path(1.0, m.ENERGY_GROWTH), {2015: e15, 2020: e20})
    prior = e_p * w.city("energy")
    hz, jx, sx, tz = (_ci(c) for c in (m.HANGZHOU, m.JIAXING, m.SHAOXING, m.TAIZHOU))
    e_hz20 = anchor("hz-2020-energy-total").value
    g_hz = 1 + anchor("hz-2020-energy-growth-avg").value / 100
    i_tz20 = anchor("tz-2020-energy-intensity-p2015").value
    tz_2015_prices = gdp[tz, _IY[2020]] * defl[tz, _IY[2015]] / defl[tz, _IY[2020]]
    fall_tz = anchor("tz-2020-energy-intensity-decline-pconstant").value / 100
    pins = {
        hz: {2020: e_hz20, 2015: e_hz20 / g_hz ** 5},
        jx: {2020: anchor("jx-2020-energy-total").value,
             2015: anchor("jx-2015-energy-intensity-p2015").value * gdp[jx, _IY[2015]]},
        sx: {2020: _shaoxing_energy_2020()},
        tz: {2018: anchor("tz-2018-energy-total").value, 2019: anchor("tz-2019-energy-total").value,
             2020: i_tz20 * tz_2015_prices, 2015: i_tz20 / (1 - fall_tz) * gdp[tz, _IY[2015]]},
    }
    energy = split(e_p, prior, {i: calibrate(prior[i], p) for i, p in pins.items()})
    out = {"energy": energy}

    def group(name: str, province_pins: dict[int, float], city_pins: dict[int, dict[int, float]]):
        total = calibrate(path(m.GROUP_SHARES[name]) * e_p, province_pins)
        g_prior = total * w.city(name if name in m.CITY_WEIGHTS else "energy")
        return split(total, g_prior, {i: calibrate(g_prior[i], p) for i, p in city_pins.items()})

    def share(anchor_id: str, i: int) -> float:
        a = anchor(anchor_id)
        return a.value / 100 * energy[i, _IY[a.year]]

    out["coke"] = group("coke", {}, {})
    coke = out["coke"]
    coal_tce = m.FUELS["原煤"].tce_per_unit
    coal_p = anchor("zj-2020-coal-consumption")
    f_ind = _industrial_coal_fraction(w, sx)
    out["coal"] = group("coal", {2020: conversion_factor(coal_p.unit, "万吨") * coal_p.value
                                 * coal_tce}, {
        hz: {y: share(f"hz-{y}-energy-share-coal", hz) - coke[hz, _IY[y]] for y in (2015, 2020)},
        tz: {2020: share("tz-2020-energy-share-coal", tz) - coke[tz, _IY[2020]]},
        sx: {y: anchor(f"sx-{y}-coal-industrial").value / f_ind[_IY[y]] * coal_tce
             for y in (2015, 2020)},
    })
    gas_tce = m.FUELS["天然气"].tce_per_unit
    gas20 = m.GROUP_SHARES["gas"][1] * e20
    gas_growth = anchor("zj-2020-gas-growth-avg").value / 100
    out["gas"] = group("gas", {2020: gas20, 2015: gas20 / (1 + gas_growth) ** 5}, {
        hz: {y: share(f"hz-{y}-energy-share-gas", hz) for y in (2015, 2020)},
        sx: {y: anchor(f"sx-{y}-gas-consumption").value * gas_tce for y in (2015, 2020)},
    })
    gas = out["gas"]
    clean_rise = anchor("sx-2020-share-rise-clean").value
    clean_15 = anchor("sx-2020-clean-energy-share").value - clean_rise
    out["nonfossil"] = group("nonfossil", {
        a.year: a.value / 100 * e_p[_IY[a.year]] for a in (
            anchor(f"zj-{y}-energy-share-nonfossil") for y in (2015, 2019, 2020))}, {
        hz: {y: share(f"hz-{y}-energy-share-nonfossil", hz) for y in (2015, 2020)},
        sx: {2020: anchor("sx-2020-clean-energy").value - gas[sx, _IY[2020]],
             2015: clean_15 / 100 * energy[sx, _IY[2015]] - gas[sx, _IY[2015]]},
        tz: {2020: share("tz-2020-energy-share-nonfossil", tz)},
    })
    out["oil"] = group("oil", {}, {})
    out["fi"] = energy - sum(out[k] for k in m.GROUPS)
    return out


def cell_weights(w: Weights, group: str) -> dict[Cell, np.ndarray]:
    """Within-group tce weights per city and year (sum to 1 over the group's cells)."""
    raw = {}
    for cell, (w15, w25) in m.GROUP_CELLS[group].items():
        tilt = m.CITY_CELL_TILT.get(cell, {})
        mult = np.array([tilt.get(c, tilt.get("default", 1.0)) for c in m.CITIES])
        noise = np.array([smooth_noise(w.seed, m.NOISE["city"], "cell", *cell, c)
                          for c in m.CITIES])
        raw[cell] = mult[:, None] * np.interp(Y, [2015, 2025], [w15, w25]) * np.exp(noise)
    total = sum(raw.values())
    return {cell: v / total for cell, v in raw.items()}


def _industrial_coal_fraction(w: Weights, city: int) -> np.ndarray:
    weights = cell_weights(w, "coal")
    return sum(weights[c][city] for c in m.INDUSTRIAL_COAL)


# --- levels 2 and 3: cells, counties, derived quantities -------------------------------------

def _population(w: Weights, county: dict[Cell, np.ndarray]) -> None:
    t = w.tree
    pop_p = growth_path(m.POPULATION_2015, m.POPULATION_GROWTH)
    rate_p = path((anchor("zj-2015-urban-share").value, anchor("zj-2020-urban-share").value,
                   m.URBAN_2025))
    pop_c = pop_p * w.city("population")
    rate_c = np.array([rate_p + off + 100 * smooth_noise(w.seed, 0.005, "urban", c)
                       for off, c in zip(m.URBAN_OFFSET, m.CITIES, strict=True)])
    urban_c = capped_allocation(rate_p / 100 * pop_p, 0.97 * pop_c, pop_c * rate_c)
    pop_k = w.down(pop_c, "population")
    rate_k = rate_c[t.county_city] + np.array(m.URBAN_KIND_OFFSET)[t.kind][:, None] + np.array(
        [100 * smooth_noise(w.seed, 0.01, "urban", c) for c in t.counties])
    weight_k = pop_k * np.clip(rate_k, 5, 100)
    urban_k = np.zeros_like(pop_k)
    for i in range(len(t.cities)):
        rows = t.county_city == i
        urban_k[rows] = capped_allocation(urban_c[i], 0.98 * pop_k[rows], weight_k[rows])
    county[("population", "", "total")] = pop_k
    county[("population", "", "urban")] = urban_k


def _economy(w: Weights, g: dict[str, np.ndarray], county: dict[Cell, np.ndarray]) -> None:
    t = w.tree
    parts = {s: w.down(g[s], p) for s, p in
             (("primary", "agri"), ("secondary", "industry"), ("tertiary", "tertiary"))}
    for sector, values in parts.items():
        county[("value_added", sector, "")] = values
    county[("value_added", "industry", "")] = parts["secondary"] * g["industry_frac"][
        t.county_city]
    current = sum(parts.values())
    county[("gdp", "", "current")] = current
    county[("gdp", "", "constant_2020")] = current / g["deflator"][t.county_city]


def _energy_cells(w: Weights, e: dict[str, np.ndarray], county: dict[Cell, np.ndarray]) -> None:
    for group in ("coal", "coke", "oil", "gas"):
        for cell, share in cell_weights(w, group).items():
            profile = m.CELL_COUNTY_OVERRIDE.get(cell) or m.CELL_COUNTY_PROFILE[cell[:2]]
            county[cell] = w.down(e[group] * share / m.FUELS[cell[2]].tce_per_unit, profile)


def _tce(county: dict[Cell, np.ndarray], variable: str, sector: str | None = None) -> np.ndarray:
    return sum(v * m.FUELS[c[2]].tce_per_unit for c, v in county.items()
               if c[0] == variable and (sector is None or c[1] == sector))


def _nuclear(tree: Tree) -> np.ndarray:
    out = np.zeros((len(tree.counties), NY))
    for code, points in m.NUCLEAR_SITES.items():
        years = sorted(points)
        series = np.interp(Y, years, [points[y] for y in years])
        out[tree.counties.index(code)] = np.where(Y < years[0], 0.0, series)
    return out


def _electricity(w: Weights, e: dict[str, np.ndarray], county: dict[Cell, np.ndarray]) -> None:
    """Generation, trade, losses and final use of electricity; heat output and final use."""
    t = w.tree
    thermal = _tce(county, "energy_transformation", "power") / m.THERMAL_INPUT
    supply = w.to_cities(thermal) + (e["nonfossil"] + e["fi"]) / m.ELECTRICITY_TCE
    demand = w.down(supply, "demand")
    nonfossil = w.down(e["nonfossil"], "demand") / m.ELECTRICITY_TCE  # consumed, 亿kWh
    gen = {"核电": _nuclear(t)}
    tz = _ci(m.TAIZHOU)
    target = anchor("tz-2020-nonfossil-generation")
    nuclear_tz = w.to_cities(gen["核电"])[tz, _IY[target.year]]
    priors = {item: path(pts) * w.city(m.NONFOSSIL_PROFILE[item])
              for item, pts in m.NONFOSSIL_GENERATION.items()}
    k = (target.value - nuclear_tz) / sum(p[tz, _IY[target.year]] for p in priors.values())
    for item, prior in priors.items():
        city = split(prior.sum(axis=0), prior, {tz: prior[tz] * k})
        gen[item] = w.down(city, m.NONFOSSIL_PROFILE[item])
    county[("electricity", "generation", "火电")] = thermal
    for item in m.NONFOSSIL_ITEMS:
        county[("electricity", "generation", item)] = gen[item]
    nf_net = nonfossil - sum(gen.values())
    fossil_net = demand - thermal - nonfossil
    for item, net in (("火电", fossil_net), ("非化石电力", nf_net)):
        county[("electricity", "import", item)] = np.maximum(net, 0.0)
        county[("electricity", "export", item)] = np.maximum(-net, 0.0)
    final = demand / (1 + m.GRID_LOSS)
    county[("electricity", "loss", "电力")] = demand - final
    shares = {s: np.interp(Y, [2015, 2025], ab)[None, :]
              * np.array(m.ELECTRICITY_KIND_TILT.get(s, (1.0, 1.0, 1.0)))[t.kind][:, None]
              for s, ab in m.ELECTRICITY_FINAL.items()}
    total = sum(shares.values())
    for sector, share in shares.items():
        county[("energy_final", sector, "电力")] = final * share / total
    heat = _tce(county, "energy_transformation", "heat") * m.TJ_PER_WAN_TCE * m.HEAT_EFFICIENCY
    heat_shares = {s: np.interp(Y, [2015, 2025], ab) for s, ab in m.HEAT_FINAL.items()}
    heat_total = sum(heat_shares.values())
    for sector, share in heat_shares.items():
        county[("energy_final", sector, "热力")] = heat * share / heat_total


def energy_total(county: dict[Cell, np.ndarray]) -> np.ndarray:
    """Total energy (万tce): fossil fuels burnt or transformed, plus primary and traded power."""
    fossil = sum(v * m.FUELS[c[2]].tce_per_unit for c, v in county.items()
                 if c[0] in ("energy_final", "energy_transformation")
                 and c[2] not in ("电力", "热力"))
    power = (sum(county[("electricity", "generation", i)] for i in m.NONFOSSIL_ITEMS)
             + sum(county[("electricity", "import", i)] for i in ("火电", "非化石电力"))
             - sum(county[("electricity", "export", i)] for i in ("火电", "非化石电力")))
    return fossil + power * m.ELECTRICITY_TCE


def _series_pins() -> dict[tuple[str, str], dict[int, float]]:
    """(region, variable) → year → value, from the enforced level anchors of non-energy series."""
    pins: dict[tuple[str, str], dict[int, float]] = {}
    units = {s.variable: s.unit for s in m.NON_ENERGY}
    for a in m.anchors():
        if a.status == "enforced" and a.metric in ("forest_stock", "forest_area", "wetland_area"):
            value = a.value * conversion_factor(a.unit, units[a.metric])
            pins.setdefault((a.region_code, a.metric), {})[a.year] = value
    for a in m.anchors():  # "increase of X since base year" pins the base year
        if a.status == "enforced" and a.metric == "level_change":
            level = pins[(a.region_code, a.qualifier)][a.year]
            pins[(a.region_code, a.qualifier)][a.base_year] = level - a.value
    return pins


def _non_energy(w: Weights, county: dict[Cell, np.ndarray]) -> None:
    pins = _series_pins()
    for spec in m.NON_ENERGY:
        tag = f"{spec.variable}/{spec.item}"
        province = calibrate(path(spec.points) * np.exp(
            smooth_noise(w.seed, m.NOISE["province"], "province", tag)),
            pins.get((m.PROVINCE, spec.variable), {}))
        prior = province * w.city(spec.city_profile)
        fixed = {i: calibrate(prior[i], pins[(c, spec.variable)])
                 for i, c in enumerate(m.CITIES) if (c, spec.variable) in pins}
        county[(spec.variable, "", spec.item)] = w.down(split(province, prior, fixed),
                                                       spec.county_profile)
    total_p = path(m.MSW_TOTAL) * np.exp(smooth_noise(w.seed, m.NOISE["province"], "msw"))
    total_c = total_p * w.city("msw")
    shares = {item: np.array([path(pts) + smooth_noise(w.seed, 0.02, "msw", item, c)
                              for c in m.CITIES]) for item, pts in m.MSW_SHARES.items()}
    hz = _ci(m.HANGZHOU)
    zero_from = anchor("hz-2020-msw-share-landfill").year  # 零填埋 from 2020 on
    later = Y >= zero_from
    shares["焚烧"][hz, later] += shares["填埋"][hz, later]
    shares["填埋"][hz, later] = 0.0
    incineration = path(m.MSW_SHARES["焚烧"])
    incineration[_IY[2020]] = anchor("zj-2020-msw-share-incineration").value / 100
    others = np.arange(len(m.CITIES)) != hz
    gap = (incineration * total_p - (shares["焚烧"] * total_c).sum(axis=0)) / total_c[
        others].sum(axis=0)
    shares["焚烧"][others] += gap
    shares["填埋"][others] -= gap
    shares["其他"] = 1 - shares["填埋"] - shares["焚烧"]
    for item in ("填埋", "焚烧", "其他"):
        county[("waste_msw", "", item)] = w.down(total_c * shares[item], "population")


def units_of(cells: Sequence[Cell]) -> dict[Cell, str]:
    """The unit of every generated cell."""
    fixed = {"population": "万人", "gdp": "亿元", "value_added": "亿元",
             "electricity": "亿千瓦时", "energy_total": "万吨标准煤", "waste_msw": "万吨"}
    series = {(s.variable, s.item): s.unit for s in m.NON_ENERGY}
    return {c: fixed.get(c[0]) or series.get((c[0], c[2])) or m.FUELS[c[2]].unit for c in cells}


def generate_cells(regions: Sequence[Region], *, seed: int = m.DEMO_SEED
                   ) -> tuple[Tree, dict[Cell, np.ndarray]]:
    """Every generated series as full arrays (province, cities, counties × years)."""
    w = Weights(build_tree(regions, seed), seed)
    g = _gdp(w)
    e = _energy(w, g)
    county: dict[Cell, np.ndarray] = {}
    _population(w, county)
    _economy(w, g, county)
    _energy_cells(w, e, county)
    _electricity(w, e, county)
    county[("energy_total", "", "")] = energy_total(county)
    _non_energy(w, county)
    full = {}
    for cell, values in county.items():
        cities = w.to_cities(values)
        full[cell] = np.vstack([cities.sum(axis=0, keepdims=True), cities, values])
    return w.tree, full


def generate(regions: Sequence[Region], *, seed: int = m.DEMO_SEED) -> pd.DataFrame:
    """The demo dataset as a long frame (columns `FRAME_COLUMNS`), deterministic in `seed`.

    Synthetic rows carry dataset ``demo``; a row whose value a seed plan states carries the
    seed's dataset, ``synthetic=False`` and the quote; figures the model does not generate
    (ratios, CO2 totals for the inventory to calibrate against) are added as rows of their own.
    """
    tree, full = generate_cells(regions, seed=seed)
    codes = np.repeat(np.array(tree.codes, dtype=object), NY)
    years = np.tile(Y, len(tree.codes))
    units = units_of(list(full))
    parts = [pd.DataFrame({
        "region_code": codes, "year": years, "variable": cell[0], "sector": cell[1],
        "item": cell[2], "value": values.ravel(), "unit": units[cell]})
        for cell, values in full.items()]
    # The coal rate the synthetic balance converted electricity with, as a statistic (a rate:
    # the same in every region, not summed up the tree), so derived shares reproduce it.
    parts.append(pd.DataFrame({
        "region_code": codes, "year": years, "variable": COAL_RATE_VARIABLE, "sector": "",
        "item": COAL_RATE_ITEM, "value": m.DEMO_COAL_RATE, "unit": COAL_RATE_UNIT}))
    frame = pd.concat(parts, ignore_index=True)
    frame["dataset"] = m.SYNTHETIC_DATASET
    frame["synthetic"] = True
    frame["note"] = ""
    cell_metric = {"energy_total": ("energy_total", None), "forest_stock": ("forest_stock", ""),
                   "forest_area": ("forest_area", ""), "wetland_area": ("wetland_area", ""),
                   "value_added": ("value_added", None)}
    extra = []
    for a in m.anchors():
        if a.status == "not_used":
            continue
        note = f"{a.quote}（{a.locator}）" + (f" {a.note}" if a.note else "")
        if a.status == "enforced" and a.metric in cell_metric:
            variable, item = cell_metric[a.metric]
            sector = a.qualifier if a.metric == "value_added" else ""
            hit = ((frame["region_code"] == a.region_code) & (frame["year"] == a.year)
                   & (frame["variable"] == variable) & (frame["sector"] == sector)
                   & (frame["item"] == (item or "")))
            frame.loc[hit, ["dataset", "synthetic", "note"]] = [a.dataset, False, note]
            continue
        extra.append({
            "region_code": a.region_code, "year": a.year, "variable": a.metric,
            "sector": a.qualifier, "item": f"since {a.base_year}" if a.base_year else "",
            "value": a.value, "unit": "%" if a.unit == "百分点" else a.unit,
            "dataset": a.dataset, "synthetic": False, "note": note})
    frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    return frame[list(FRAME_COLUMNS)]

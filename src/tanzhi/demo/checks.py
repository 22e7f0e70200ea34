"""Checks of the demo data against the seed anchors: each anchor's metric recomputed."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from tanzhi.demo import model as m
from tanzhi.demo.model import Anchor
from tanzhi.kernel import conversion_factor

_FLOWS = ("energy_final", "energy_transformation")
_CELL_METRICS = {"energy_total": "energy_total", "forest_stock": "forest_stock",
                 "forest_area": "forest_area", "wetland_area": "wetland_area"}


class Lookup:
    """Sums of a long frame's values by (region, year, variable[, sector, item]), with units."""

    def __init__(self, frame: pd.DataFrame) -> None:
        data = frame[frame["dataset"] == m.SYNTHETIC_DATASET] if "dataset" in frame else frame
        # Rows flagged as anchors are cells of the model too: keep every generated variable.
        data = frame[frame["variable"].isin(set(data["variable"]))]
        self._cells = data.set_index(["region_code", "year", "variable", "sector", "item"])[
            "value"].to_dict()
        self._units = data.drop_duplicates(["variable", "sector", "item"]).set_index(
            ["variable", "sector", "item"])["unit"].to_dict()
        self._index: dict[tuple[str, int, str], list[tuple[str, str, float]]] = {}
        for (region, year, variable, sector, item), value in self._cells.items():
            self._index.setdefault((region, year, variable), []).append((sector, item, value))

    def cell(self, region: str, year: int, variable: str, sector: str = "", item: str = ""
             ) -> float:
        """One value (KeyError if absent)."""
        return self._cells[(region, year, variable, sector, item)]

    def unit(self, variable: str, sector: str = "", item: str = "") -> str:
        """Unit of a variable's cell."""
        return self._units[(variable, sector, item)]

    def total(self, region: str, year: int, variable: str, *, sector: str | None = None,
              items: tuple[str, ...] | None = None) -> float:
        """Sum over a variable's cells, optionally one sector and some items."""
        return sum(v for s, i, v in self._index.get((region, year, variable), [])
                   if (sector is None or s == sector) and (items is None or i in items))

    def tce(self, region: str, year: int, items: tuple[str, ...]) -> float:
        """Fuels burnt or transformed, in 万吨标准煤."""
        return sum(self.total(region, year, v, items=(f,)) * m.FUELS[f].tce_per_unit
                   for v in _FLOWS for f in items)

    def nonfossil(self, region: str, year: int) -> float:
        """Non-fossil energy consumed (万tce): local generation plus net inflow of such power."""
        power = (self.total(region, year, "electricity", sector="generation",
                            items=m.NONFOSSIL_ITEMS)
                 + self.cell(region, year, "electricity", "import", "非化石电力")
                 - self.cell(region, year, "electricity", "export", "非化石电力"))
        return power * m.ELECTRICITY_TCE

    def at_2015_prices(self, region: str, year: int) -> float:
        """GDP of `year` at 2015 prices: real growth since 2015 applied to 2015's current GDP."""
        real = self.cell(region, year, "gdp", item="constant_2020")
        return real * self.cell(region, 2015, "gdp", item="current") / self.cell(
            region, 2015, "gdp", item="constant_2020")


def _share(look: Lookup, a: Anchor, region: str, year: int, what: str) -> float:
    energy = look.cell(region, year, "energy_total")
    amount = {
        "coal": lambda: look.tce(region, year, ("原煤", "焦炭")),
        "gas": lambda: look.tce(region, year, ("天然气",)),
        "nonfossil": lambda: look.nonfossil(region, year),
        "clean": lambda: look.tce(region, year, ("天然气",)) + look.nonfossil(region, year),
    }[what]()
    return 100 * amount / energy


def _intensity(look: Lookup, region: str, year: int, prices: str) -> float:
    energy = look.cell(region, year, "energy_total")
    if prices == "current":
        return energy / look.cell(region, year, "gdp", item="current")
    if prices == "2015":
        return energy / look.at_2015_prices(region, year)
    return energy / look.cell(region, year, "gdp", item="constant_2020")


def observed(look: Lookup, a: Anchor) -> float:
    """The demo's value of an anchor's metric, in the anchor's unit."""
    r, y, b, q = a.region_code, a.year, a.base_year, a.qualifier
    metric = a.metric
    if metric in _CELL_METRICS:
        variable = _CELL_METRICS[metric]
        return look.cell(r, y, variable) * conversion_factor(look.unit(variable), a.unit)
    if metric == "value_added":
        return look.cell(r, y, "value_added", q) * conversion_factor(
            look.unit("value_added", q), a.unit)
    gdp = look.cell(r, y, "gdp", item="current")
    simple = {
        "urban_share": lambda: 100 * look.cell(r, y, "population", item="urban")
        / look.cell(r, y, "population", item="total"),
        "value_added_share": lambda: 100 * (
            gdp - look.cell(r, y, "value_added", "primary") - look.cell(r, y, "value_added",
                                                                         "tertiary")
            if q == "secondary" else look.cell(r, y, "value_added", q)) / gdp,
        "gdp_share_of": lambda: 100 * (a.param or 0) / gdp,
        "energy_share": lambda: _share(look, a, r, y, q),
        "energy_intensity": lambda: _intensity(look, r, y, q),
        "co2_intensity": lambda: (a.param or 0) / look.at_2015_prices(r, y),
        "coal_consumption": lambda: look.total(r, y, "energy_final", items=("原煤",))
        + look.total(r, y, "energy_transformation", items=("原煤",)),
        "coal_industrial": lambda: sum(look.cell(r, y, *c) for c in m.INDUSTRIAL_COAL),
        "gas_consumption": lambda: look.tce(r, y, ("天然气",)) / m.FUELS["天然气"].tce_per_unit,
        "clean_energy": lambda: look.tce(r, y, ("天然气",)) + look.nonfossil(r, y),
        "clean_energy_share": lambda: _share(look, a, r, y, "clean"),
        "nonfossil_generation": lambda: look.total(r, y, "electricity", sector="generation",
                                                   items=m.NONFOSSIL_ITEMS),
        "msw_share": lambda: 100 * look.cell(r, y, "waste_msw", item=q)
        / look.total(r, y, "waste_msw"),
        "energy_share_of_parent": lambda: 100 * look.cell(r, y, "energy_total")
        / look.cell(m.PROVINCE, y, "energy_total"),
    }
    if metric in simple:
        value = simple[metric]()
        if metric == "coal_consumption":
            value *= conversion_factor(look.unit("energy_final", "industry", "原煤"), a.unit)
        return value
    assert b is not None, f"{a.id}: {metric} needs a base year"
    n = y - b
    changes = {
        "gdp_growth_gap": lambda: (a.param or 0) - 100 * (
            (gdp / look.cell(r, b, "gdp", item="current")) ** (1 / n) - 1),
        "energy_growth_avg": lambda: 100 * ((look.cell(r, y, "energy_total")
                                             / look.cell(r, b, "energy_total")) ** (1 / n) - 1),
        "gas_growth_avg": lambda: 100 * ((look.tce(r, y, ("天然气",))
                                          / look.tce(r, b, ("天然气",))) ** (1 / n) - 1),
        "energy_intensity_decline": lambda: 100 * (
            1 - _intensity(look, r, y, q) / _intensity(look, r, b, q)),
        "share_rise": lambda: _share(look, a, r, y, q) - _share(look, a, r, b, q),
        "share_drop": lambda: _share(look, a, r, b, q) - _share(look, a, r, y, q),
        "level_change": lambda: look.cell(r, y, q) - look.cell(r, b, q),
        "level_growth": lambda: 100 * (look.cell(r, y, q) / look.cell(r, b, q) - 1),
    }
    return changes[metric]()


@dataclass(frozen=True)
class AnchorFinding:
    """An enforced anchor the data does not reproduce."""

    anchor_id: str
    expected: float
    observed: float

    def __str__(self) -> str:
        return (f"锚点 {self.anchor_id} 应为 {self.expected}，实为 {self.observed:.10g} / "
                f"anchor {self.anchor_id}: expected {self.expected}, got {self.observed:.10g}")


def reproduces(a: Anchor, value: float) -> bool:
    """Whether `value` meets the anchor: exactly (1e-9 relative) unless it states a tolerance."""
    if a.op == ">=":
        return value >= a.value - a.tolerance
    if a.op == "<=":
        return value <= a.value + a.tolerance
    return math.isclose(value, a.value, rel_tol=1e-9, abs_tol=max(a.tolerance, 1e-9))


def check_anchors(frame: pd.DataFrame) -> list[AnchorFinding]:
    """Every enforced anchor the frame fails to reproduce (empty when all hold)."""
    look = Lookup(frame)
    findings = []
    for a in m.anchors():
        if a.status != "enforced":
            continue
        value = observed(look, a)
        if not reproduces(a, value):
            findings.append(AnchorFinding(a.id, a.value, value))
    return findings

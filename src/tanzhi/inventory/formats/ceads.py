"""The provincial energy inventory in the layout CEADs publishes (中国碳核算数据库 能源清单).

CEADs (Shan et al., Scientific Data 2018, "China CO2 emission accounts 1997–2015", and 2020,
"… 2016–2017") publishes, per province and year, an energy inventory of 47 socioeconomic sectors
× 17 fossil fuels in physical units (10^4 t, 10^8 m3), with rows for the inputs of Thermal Power
and Heating Supply, Non-Energy Use and Loss, and an emission inventory (Mt CO2) in the same
sector × fuel layout.  `read_ceads_inventory` reads the energy inventory into ACTIVITY rows
(sectors mapped to IPCC 2006 categories by the packaged dataset ``mappings/ceads-sectors``,
fuels to factor-library items by ``mappings/ceads-fuels``), applying CEADs' accounting rules:

- the power sector (Production and Supply of Electric Power, Steam and Hot Water) burns its own
  final use *plus* the transformation inputs of thermal power (1.A.1.a.i) and heating supply
  (1.A.1.a.iii) (Shan et al. 2018, Methods);
- non-energy use (fuel used as raw material) is not combustion: deducted from the industrial
  rows in proportion to their use of the fuel (the total does not depend on the split);
- losses are not combustion.

`ceads_emission_table` puts computed CO2 back into CEADs' emission-inventory layout (Mt CO2,
sector × fuel, the power row = own use + thermal power + heating supply), so a run can be set
beside the published inventory cell by cell (docs/validation.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tanzhi.inventory.calc import compute_fuel_combustion
from tanzhi.inventory.formats.balance import UNIT_ALIASES, sheet_cells
from tanzhi.inventory.model import Estimate, FactorLookup
from tanzhi.kernel import (
    DataError,
    Location,
    Problem,
    UnitError,
    cell_text,
    column_letter,
    parse_unit,
    read_dataset,
)

SECTORS_DATASET = "mappings/ceads-sectors"
FUELS_DATASET = "mappings/ceads-fuels"
POWER_SECTOR = 39  # Production and Supply of Electric Power, Steam and Hot Water
# CEADs prints its units in English; normalised (lower case, no spaces or '^') → tanzhi unit.
CEADS_UNITS = {"104tonnes": "万吨", "104tons": "万吨", "104t": "万吨",
               "108cu.m": "亿立方米", "108cum": "亿立方米", "108m3": "亿立方米",
               "108cubicmeters": "亿立方米", "108cubicmetres": "亿立方米"}
_MISSING = {"", "-", "—", "–", "…", "...", "--"}
_FULL = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _key(text: object) -> str:
    # CEADs spells labels with spaces in some editions and underscores in others
    # ("Raw Coal", "Raw_Coal"), and pads sector labels with trailing spaces.
    return re.sub(r"[\s_]+", "", cell_text(text).translate(_FULL)).lower()


@dataclass(frozen=True)
class CeadsInventory:
    """A CEADs energy inventory read into tidy frames.

    Attributes
    ----------
    cells
        Long: ``row`` (sheet row), ``label``, ``number`` (CEADs sector number or NaN),
        ``role`` (sector, thermal_power, heating_supply, non_energy_use, loss, total),
        ``fuel`` (CEADs name), ``item``, ``value``, ``unit``.
    activity
        ACTIVITY rows (``region_code, year, category, item, value, unit, activity_id,
        flow_label, ceads_sector``): combustion only, non-energy use deducted.
        ``ceads_sector`` is the emission-inventory row the combustion belongs to.
    notes
        (Chinese, English) notes on what was left out and why.
    """

    region_code: str
    year: int
    source: str
    cells: pd.DataFrame
    activity: pd.DataFrame
    notes: tuple[tuple[str, str], ...] = field(default=())


def ceads_sectors() -> pd.DataFrame:
    """The packaged sector mapping (``mappings/ceads-sectors``), one row per CEADs row label."""
    frame, _meta = read_dataset(SECTORS_DATASET, dtype=str)
    frame = frame.fillna("")
    frame["industry"] = frame["industry"] == "true"
    return frame


def ceads_fuels() -> pd.DataFrame:
    """The packaged fuel mapping (``mappings/ceads-fuels``): CEADs fuel → item and unit."""
    frame, _meta = read_dataset(FUELS_DATASET, dtype=str)
    return frame.fillna("")


def _unit(text: object) -> str | None:
    raw = cell_text(text).translate(_FULL).strip()
    if not raw:
        return None
    norm = re.sub(r"[\s^]", "", raw).lower()
    if norm in CEADS_UNITS:
        return CEADS_UNITS[norm]
    unit = UNIT_ALIASES.get(raw, raw)
    try:
        parse_unit(unit)
    except UnitError:
        return None
    return unit


def _number(raw: object, where: Location) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = cell_text(raw).translate(_FULL).replace(",", "").strip()
        if text in _MISSING:
            return 0.0
        try:
            value = float(text)
        except ValueError:
            raise DataError(Problem(f"“{text}”不是数字", f"'{text}' is not a number",
                                    where)) from None
    if not np.isfinite(value):
        raise DataError(Problem("数值不是有限数", "value is not a finite number", where))
    return value


def read_ceads_inventory(
    source: Path | bytes, *, filename: str | None = None, region_code: str, year: int,
    sheet: str | None = None,
) -> CeadsInventory:
    """Read a CEADs provincial energy inventory (sheet or CSV: sector rows × fuel columns).

    The fuel header row holds CEADs' 17 fuel names (other columns such as Heat, Electricity or
    Other Energy are left out with a note); an optional row below it gives units (``10^4
    tonnes``, ``10^8 cu.m`` or tanzhi units), otherwise the units of ``mappings/ceads-fuels``
    apply.  Row labels must be CEADs' (``mappings/ceads-sectors``); any subset and order.

    Raises
    ------
    DataError
        No fuel header, an unknown row label, a non-numeric or negative sector cell, non-energy
        use larger than the industrial use of the fuel: each with file, row and column.
    """
    file, grid = sheet_cells(source, filename, sheet)
    fuels = ceads_fuels()
    fuel_by_key = {_key(f): r for f, r in zip(fuels["fuel_en"], fuels.to_dict("records"),
                                               strict=True)}
    header, columns = _header(grid, fuel_by_key, file)
    units, first = _units(grid, header, columns, fuel_by_key)
    sectors = ceads_sectors()
    by_label = {_key(s): r for s, r in zip(sectors["sector_en"], sectors.to_dict("records"),
                                            strict=True)}
    notes: list[tuple[str, str]] = []
    unused = [cell_text(c) for j, c in enumerate(grid[header]) if j > 0 and j not in columns
              and cell_text(c)]
    if unused:
        notes.append((f"未使用的列：{'、'.join(unused)}（不是 CEADs 的 17 种化石燃料）",
                      f"columns not used: {', '.join(unused)} (not one of CEADs' 17 fossil "
                      "fuels)"))
    records, problems, seen = [], [], {}
    for r in range(first, len(grid)):
        row = grid[r]
        label = cell_text(row[0]).strip() if row else ""
        if not label:
            continue
        spec = by_label.get(_key(label))
        if spec is None:
            problems.append(Problem(
                f"未知的 CEADs 行“{label}”（应为 47 个部门之一或 Thermal Power、Heating Supply、"
                "Non-Energy Use、Loss、Total Consumption）",
                f"unknown CEADs row '{label}' (expected one of the 47 sectors or Thermal Power, "
                "Heating Supply, Non-Energy Use, Loss, Total Consumption)",
                Location(file, r + 1, "A")))
            continue
        if spec["sector_en"] in seen:
            problems.append(Problem(f"行“{label}”重复（第 {seen[spec['sector_en']]} 行）",
                                    f"row '{label}' repeats row {seen[spec['sector_en']]}",
                                    Location(file, r + 1, "A")))
            continue
        seen[spec["sector_en"]] = r + 1
        for j, fuel in columns.items():
            where = Location(file, r + 1, cell_text(grid[header][j]) or column_letter(j))
            try:
                value = _number(row[j] if j < len(row) else "", where)
            except DataError as exc:
                problems += exc.problems
                continue
            if spec["role"] == "sector" and value < 0:
                problems.append(Problem("部门消费量为负数", "sector consumption is negative",
                                        where))
                continue
            # Transformation inputs and deductions may be printed negative (as the yearbook
            # prints inputs); their magnitude is what counts.
            records.append((r + 1, spec["sector_en"], spec["number"], spec["role"],
                            spec["category"], bool(spec["industry"]), fuel["fuel_en"],
                            fuel["item"], abs(value), units[j], where.column))
    if problems:
        raise DataError(problems)
    cells = pd.DataFrame(records, columns=["row", "label", "number", "role", "category",
                                           "industry", "fuel", "item", "value", "unit",
                                           "column"])
    activity, more = _activity(cells, region_code, int(year), file)
    return CeadsInventory(region_code, int(year), file, cells, activity, tuple(notes + more))


def _header(grid: list[list[object]], fuel_by_key: dict[str, dict],
            file: str) -> tuple[int, dict[int, dict]]:
    for r, row in enumerate(grid[:15]):
        columns = {j: fuel_by_key[_key(c)] for j, c in enumerate(row)
                   if j > 0 and _key(c) in fuel_by_key}
        if len(columns) >= 3:
            return r, columns
    raise DataError(Problem(
        "前 15 行中没有 CEADs 燃料表头（如 Raw Coal、Coke、Natural Gas）",
        "no CEADs fuel header row (e.g. Raw Coal, Coke, Natural Gas) in the first 15 rows",
        Location(file)))


def _units(grid: list[list[object]], header: int, columns: dict[int, dict],
           fuel_by_key: dict[str, dict]) -> tuple[dict[int, str], int]:
    """Each fuel column's unit: from a unit row under the header when there is one."""
    units = {j: str(f["unit"]) for j, f in columns.items()}
    if header + 1 < len(grid):
        row = grid[header + 1]
        found = {j: _unit(row[j]) for j in columns if j < len(row) and cell_text(row[j])}
        if found and all(u is not None for u in found.values()):
            units.update({j: str(u) for j, u in found.items()})
            return units, header + 2
    return units, header + 1


def _activity(cells: pd.DataFrame, region_code: str, year: int,
              file: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    notes: list[tuple[str, str]] = []
    work = cells.copy()
    burnt = work["role"].isin(["sector", "thermal_power", "heating_supply"])
    neu = work.loc[work["role"] == "non_energy_use"]
    problems = []
    for fuel_row in neu.itertuples(index=False):
        if fuel_row.value == 0:
            continue
        ind = burnt & work["industry"] & (work["item"] == fuel_row.item)
        total = float(work.loc[ind, "value"].sum())
        if fuel_row.value > total * (1 + 1e-9):
            problems.append(Problem(
                f"{fuel_row.fuel} 的非能源利用 {fuel_row.value:g} 大于工业各部门消费合计 "
                f"{total:g}",
                f"{fuel_row.fuel}: non-energy use {fuel_row.value:g} exceeds the industrial "
                f"sectors' use {total:g}",
                Location(file, int(fuel_row.row), fuel_row.column)))
            continue
        work.loc[ind, "value"] = work.loc[ind, "value"] * (1 - fuel_row.value / total)
    if problems:
        raise DataError(problems)
    if (neu["value"] > 0).any():
        notes.append(("非能源利用（用作原料、材料）不是燃烧，已按比例从工业各部门扣除",
                      "non-energy use is not combustion: deducted from the industrial sectors "
                      "in proportion to their use of each fuel"))
    for role, zh, en in (("loss", "损失量", "losses"),
                         ("total", "消费量合计", "Total Consumption")):
        if (work.loc[work["role"] == role, "value"] > 0).any():
            notes.append((f"{zh}不计入燃烧排放", f"{en} not counted as combustion"))
    power = work.loc[work["number"] == str(POWER_SECTOR), "label"]
    power_label = str(power.iloc[0]) if len(power) else (
        "Production and Supply of Electric Power, Steam and Hot Water")
    act = work.loc[burnt & (work["value"] > 0)].copy()
    act["ceads_sector"] = np.where(act["role"] == "sector", act["label"], power_label)
    key = np.where(act["role"] == "sector", act["number"], act["role"])
    out = pd.DataFrame({
        "region_code": region_code, "year": year, "category": act["category"].to_numpy(),
        "item": act["item"].to_numpy(), "value": act["value"].to_numpy(),
        "unit": act["unit"].to_numpy(),
        "activity_id": [f"ceads:{region_code}/{year}/{k}/{i}" for k, i in
                        zip(key, act["item"], strict=True)],
        "flow_label": act["label"].to_numpy(), "ceads_sector": act["ceads_sector"].to_numpy(),
        "_row": act["row"].to_numpy(),
    })
    return out.reset_index(drop=True), notes


def compute_ceads(inventory: CeadsInventory, factors: FactorLookup, *,
                  gases: tuple[str, ...] = ("CO2",)) -> Estimate:
    """Fuel-combustion emissions of a CEADs energy inventory (sectoral approach).

    With CEADs' own factors (NCV, carbon content, oxidation per fuel, given as a factor file)
    this is CEADs' method (Shan et al. 2018 Eq.1: CE = AD × NCV × CC × O); with the packaged
    defaults it is the Chinese guideline's.
    """
    return compute_fuel_combustion(inventory.activity, factors, gases=gases,
                                   source=inventory.source)


def ceads_emission_table(rows: pd.DataFrame, inventory: CeadsInventory) -> pd.DataFrame:
    """CO2 in CEADs' emission-inventory layout: Mt CO2, one row per sector, one column per fuel.

    The first row is Total Consumption (the sum of the sectors); the power sector's row adds
    the Thermal Power and Heating Supply inputs to its own use, as CEADs publishes it.
    """
    sectors = ceads_sectors()
    order = sectors.loc[sectors["role"] == "sector", "sector_en"].tolist()
    fuels = ceads_fuels()
    fuel_of = dict(zip(fuels["item"], fuels["fuel_en"], strict=True))
    sector_of = dict(zip(inventory.activity["activity_id"], inventory.activity["ceads_sector"],
                         strict=True))
    co2 = rows.loc[(rows["gas"] == "CO2") & ~rows["memo"].astype(bool)
                   & rows["emissions_t"].notna()]
    frame = pd.DataFrame({"sector": co2["activity_ids"].map(sector_of),
                          "fuel": co2["item"].map(fuel_of),
                          "mt": co2["emissions_t"].to_numpy() / 1e6})
    table = frame.pivot_table(index="sector", columns="fuel", values="mt", aggfunc="sum")
    table = table.reindex(index=order, columns=fuels["fuel_en"].tolist()).fillna(0.0)
    total = pd.DataFrame([table.sum()], index=["Total Consumption"])
    return pd.concat([total, table]).rename_axis("sector")

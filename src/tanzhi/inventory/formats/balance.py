"""The energy balance table (能源平衡表, 实物量) in the statistical bureau's layout.

Rows are flows as the provincial yearbooks print them (一、可供本地区消费的能源量
with 1.一次能源生产量, 2.外省(区、市)调入量, 3.进口量, 4.境内轮船和飞机在境外的加油量,
5.本省(区、市)调出量(-), 6.出口量(-), 7.境外轮船和飞机在境内的加油量(-), 8.库存增(-)减(+)量;
二、加工转换投入(-)产出(+)量 with 火力发电, 供热, 洗选煤, 炼焦, 炼油及煤制油 …; 三、损失量;
四、终端消费量 with 农、林、牧、渔业, 工业 (其中：用作原料、材料), 建筑业,
交通运输、仓储和邮政业, 批发和零售业、住宿和餐饮业, 其他, 居民生活; 五、平衡差额;
六、消费量合计), columns are fuels (原煤, 洗精煤, 焦炭, 原油, 汽油, 柴油, 天然气, 热力, 电力 …)
with their units in a
header row (or in brackets after the name).  Merged header cells, as the yearbook has them, are
read (python-calamine) and filled from their first cell.

`read_energy_balance` gives (a) tidy flows for the IPCC reference approach
(`tanzhi.inventory.calc.compute_reference_approach`, Vol.2 Ch.6) and (b) ACTIVITY rows for the
sectoral approach: fuel inputs to thermal power (1.A.1.a.i) and heat supply (1.A.1.a.iii), and
final consumption by sector (农林牧渔 1.A.4.c, 工业 1.A.2 less 用作原料、材料, 建筑业 1.A.2.k,
交通运输 1.A.3, 批发零售住宿餐饮 and 其他 1.A.4.a, 居民生活 1.A.4.b), international bunkers as memo
rows (1.A.3.a.i for kerosene, 1.A.3.d.i otherwise) and net imported electricity and heat.
Inputs to other transformation (洗选煤, 炼焦, 炼油, 制气 …) are conversions, not combustion (IPCC
2006 Vol.2 Ch.2 §2.3.3.1): their carbon reappears in the secondary fuels, and their losses are
part of the reference-sectoral difference, which `compare_balance` explains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tanzhi.inventory.calc import (
    compare_reference_sectoral,
    compute_fuel_combustion,
    compute_reference_approach,
)
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT, BalanceFlow
from tanzhi.kernel import (
    DataError,
    Location,
    Problem,
    UnitError,
    cell_text,
    column_letter,
    packaged_items,
    parse_unit,
    read_grid,
    resolve_item,
)

# Yearbook unit spellings that are not pint names: 百万千焦 = 10^6 kJ = 1 GJ.
UNIT_ALIASES = {"万百万千焦": "万吉焦", "百万千焦": "GJ", "万百万千焦耳": "万吉焦",
                "亿千焦": "万吉焦"}
_FULL = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SECTION = re.compile(r"^([一二三四五六七八九十]+)[、.]")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\d+[.、]|\(\d+\)|其中[:：]?|#)")
_BRACKETS = re.compile(r"\([^()]*\)")
_MISSING = {"", "-", "—", "–", "…", "...", "--", "——"}

# (keyword, flow key) by section; the first keyword found in the normalised label wins.
SUPPLY = (("一次能源生产", "production"), ("调入", "inflow"), ("进口", "imports"),
          ("境内轮船和飞机在境外", "refuel_abroad"), ("调出", "outflow"), ("出口", "exports"),
          ("境外轮船和飞机在境内", "bunkers"), ("库存", "stock"))
TRANSFORMATION = (("火力发电", "power"), ("供热", "heat_supply"), ("洗选煤", "coal_washing"),
                  ("炼焦", "coking"), ("炼油", "refining"), ("制气", "gas_making"),
                  ("天然气液化", "lng"), ("煤制品", "briquetting"), ("回收能", "recovered"))
FINAL = (("用作原料", "non_energy"), ("农", "agriculture"), ("工业", "industry"),
         ("建筑", "construction"), ("交通运输", "transport"), ("批发", "commerce"),
         ("居民生活", "residential"), ("城镇", "urban"), ("乡村", "rural"))
SECTION_KEYS = {"一": "available", "二": "transformation", "三": "losses", "四": "final",
                "五": "difference", "六": "total_consumption"}

# Flow key → IPCC category of the combustion it is (sectoral approach).
COMBUSTION_CATEGORIES = {
    "power": "1.A.1.a.i", "heat_supply": "1.A.1.a.iii", "agriculture": "1.A.4.c",
    "industry": "1.A.2", "construction": "1.A.2.k", "transport": "1.A.3",
    "commerce": "1.A.4.a", "other": "1.A.4.a", "residential": "1.A.4.b",
}
CONVERSIONS = ("coal_washing", "coking", "refining", "gas_making", "lng", "briquetting",
               "recovered", "transformation_other")
AVIATION_FUELS = frozenset({"kerosene", "jet_kerosene"})


@dataclass(frozen=True)
class BalanceTable:
    """An energy balance table read into tidy frames.

    Attributes
    ----------
    cells
        Long: ``row`` (sheet row), ``label``, ``section``, ``flow`` (key, see module tables),
        ``item``, ``column`` (header as written), ``value``, ``unit``.
    flows
        ``region_code, year, item, flow, value, unit`` (`BalanceFlow` values, magnitudes as the
        reference approach signs them: stock change positive for a build).
    activity
        ACTIVITY rows (``region_code, year, category, item, value, unit, activity_id,
        flow_label``) for the sectoral approach, memo items included.
    notes
        (Chinese, English) notes on what was excluded and why.
    """

    region_code: str
    year: int
    source: str
    cells: pd.DataFrame
    flows: pd.DataFrame
    activity: pd.DataFrame
    notes: tuple[tuple[str, str], ...] = field(default=())


def sheet_cells(source: Path | bytes, filename: str | None,
          sheet: str | None) -> tuple[str, list[list[object]]]:
    """Cells of a CSV or .xlsx file; merged ranges filled with their first cell's value.

    Read through `tanzhi.kernel.sheets.read_grid`, which bounds the file's size before any cell
    is loaded (issue #8, finding 3).
    """
    return read_grid(source, filename=filename, sheet=sheet, merged="fill")


def _norm_label(text: str) -> str:
    label = re.sub(r"\s+", "", text.translate(_FULL))
    while True:
        stripped = _NUMBERING.sub("", label)
        if stripped == label:
            break
        label = stripped
    return _BRACKETS.sub("", label)


def _classify(label: str, section: str | None) -> tuple[str | None, str | None]:
    """(section key, flow key) of a row label; a section header returns its own key."""
    text = re.sub(r"\s+", "", label.translate(_FULL))
    head = _SECTION.match(text)
    if head:
        key = SECTION_KEYS.get(head.group(1))
        return key, key
    norm = _norm_label(text)
    table = {"available": SUPPLY, "transformation": TRANSFORMATION, "final": FINAL}.get(
        section or "", ())
    for keyword, key in table:
        if keyword in norm:
            return section, key
    if section == "final" and norm == "其他":
        return section, "other"
    if section == "transformation":
        return section, "transformation_other"
    return section, None


def _item_and_unit(header: str) -> tuple[str | None, str | None]:
    text = header.translate(_FULL).replace("\n", "").strip()
    if not text:
        return None, None
    split = re.match(r"^(.*?)\(([^()]*)\)$", text)
    candidates = [(text, None)]
    if split and _unit(split.group(2)):
        candidates.insert(0, (split.group(1), split.group(2)))
    for candidate, unit in candidates:
        try:
            item = resolve_item(candidate)
        except DataError:
            continue
        if packaged_items()[item].kind in ("fuel", "electricity", "heat"):
            return item, unit
    return None, None


def _unit(text: str) -> str | None:
    raw = text.translate(_FULL).strip()
    unit = UNIT_ALIASES.get(raw, raw)
    try:
        parse_unit(unit)
    except UnitError:
        return None
    return unit


def _number(raw: object, where: Location) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    text = cell_text(raw).translate(_FULL).replace(",", "")
    if text in _MISSING:
        return 0.0
    try:
        return float(text)
    except ValueError:
        raise DataError(Problem(f"“{text}”不是数字", f"'{text}' is not a number", where)) from None


def read_energy_balance(
    source: Path | bytes, *, filename: str | None = None, region_code: str, year: int,
    sheet: str | None = None,
) -> BalanceTable:
    """Read a 能源平衡表（实物量） in the statistical bureau's layout.

    Raises
    ------
    DataError
        No fuel header row, a fuel column without a unit, a non-numeric cell, a missing
        section (二、加工转换 or 四、终端消费量): each with file, row and column.
    """
    file, grid = sheet_cells(source, filename, sheet)
    header_row, columns = _header(grid, file)
    units, first_data = _units(grid, header_row, columns, file)
    notes: list[tuple[str, str]] = []
    unused = [cell_text(c) for j, c in enumerate(grid[header_row])
              if j > 0 and j not in columns and cell_text(c)]
    if unused:
        notes.append((f"未使用的列：{'、'.join(unused)}（不是燃料品种）",
                      f"columns not used: {', '.join(unused)} (not fuel items)"))
    records, problems = [], []
    section: str | None = None
    seen_sections: set[str] = set()
    for r in range(first_data, len(grid)):
        row = grid[r]
        label = cell_text(row[0]) if row else ""
        if not label:
            continue
        section, flow = _classify(label, section)
        if section:
            seen_sections.add(section)
        if flow is None:
            notes.append((f"第 {r + 1} 行“{label}”未识别，未使用",
                           f"row {r + 1} '{label}' not recognised, not used"))
            continue
        for j, item in columns.items():
            raw = row[j] if j < len(row) else ""
            where = Location(file, r + 1, cell_text(grid[header_row][j]) or column_letter(j))
            try:
                value = _number(raw, where)
            except DataError as exc:
                problems += exc.problems
                continue
            records.append((r + 1, label, section, flow, item, where.column, value, units[j]))
    for key, zh in (("transformation", "二、加工转换投入(-)产出(+)量"),
                    ("final", "四、终端消费量")):
        if key not in seen_sections:
            problems.append(Problem(f"没有找到“{zh}”部分", f"section '{zh}' not found",
                                    Location(file, None, "A")))
    if problems:
        raise DataError(problems)
    cells = pd.DataFrame(records, columns=["row", "label", "section", "flow", "item", "column",
                                           "value", "unit"])
    flows = _reference_flows(cells, region_code, year)
    activity, more = _sectoral_activity(cells, region_code, year)
    return BalanceTable(region_code, int(year), file, cells, flows, activity,
                        tuple(notes + more))


def _header(grid: list[list[object]], file: str) -> tuple[int, dict[int, str]]:
    for r, row in enumerate(grid[:20]):
        columns = {}
        for j, raw in enumerate(row):
            if j == 0:
                continue
            item, _unit_text = _item_and_unit(cell_text(raw))
            if item is not None and item not in columns.values():
                columns[j] = item
        if len(columns) >= 3:
            return r, columns
    raise DataError(Problem("前 20 行中没有燃料品种表头（如 原煤、焦炭、天然气）",
                            "no fuel header row (e.g. 原煤, 焦炭, 天然气) in the first 20 rows",
                            Location(file, None, None)))


def _units(grid: list[list[object]], header_row: int, columns: dict[int, str],
           file: str) -> tuple[dict[int, str], int]:
    """Unit of each fuel column (in brackets in the header or in a row below), first data row."""
    units: dict[int, str] = {}
    for j in columns:
        _item, text = _item_and_unit(cell_text(grid[header_row][j]))
        if text and _unit(text):
            units[j] = _unit(text) or ""
    first = header_row + 1
    for r in range(header_row + 1, min(header_row + 3, len(grid))):
        row = grid[r]
        found = {j: _unit(cell_text(row[j])) for j in columns if j < len(row)
                 and cell_text(row[j])}
        if found and sum(u is not None for u in found.values()) >= len(found) / 2:
            units.update({j: u for j, u in found.items() if u and j not in units})
            first = r + 1
            break
    missing = [j for j in columns if j not in units]
    if missing:
        raise DataError([Problem("燃料列没有单位（表头括号内或表头下一行）",
                                 "fuel column has no unit (in brackets or in the row below)",
                                 Location(file, header_row + 1, cell_text(grid[header_row][j])))
                         for j in missing])
    return units, first


def _kind(item: str) -> str:
    return packaged_items()[item].kind


def _sum(cells: pd.DataFrame, flow: str) -> pd.DataFrame:
    return cells.loc[cells["flow"] == flow].groupby(["item", "unit"], sort=True)["value"].sum() \
        .reset_index()


def _reference_flows(cells: pd.DataFrame, region_code: str, year: int) -> pd.DataFrame:
    fuels = cells.loc[cells["item"].map(_kind) == "fuel"]
    parts = []
    signs = (("production", BalanceFlow.PRODUCTION, 1.0, False),
             ("inflow", BalanceFlow.IMPORTS, 1.0, False),
             ("imports", BalanceFlow.IMPORTS, 1.0, False),
             ("refuel_abroad", BalanceFlow.IMPORTS, 1.0, False),
             ("outflow", BalanceFlow.EXPORTS, 1.0, True),
             ("exports", BalanceFlow.EXPORTS, 1.0, True),
             ("bunkers", BalanceFlow.BUNKERS, 1.0, True),
             # 库存增(-)减(+): printed negative for a build; IPCC counts a build positive.
             ("stock", BalanceFlow.STOCK_CHANGE, -1.0, False),
             ("non_energy", BalanceFlow.NON_ENERGY_USE, 1.0, True))
    for key, flow, sign, magnitude in signs:
        part = _sum(fuels, key)
        value = part["value"].abs() if magnitude else part["value"] * sign
        parts.append(part.assign(flow=flow.value, value=value))
    out = pd.concat(parts, ignore_index=True)
    out = out.groupby(["item", "flow", "unit"], sort=True)["value"].sum().reset_index()
    out = out.loc[out["value"] != 0]
    return out.assign(region_code=region_code, year=int(year))[
        ["region_code", "year", "item", "flow", "value", "unit"]].reset_index(drop=True)


def _sectoral_activity(cells: pd.DataFrame, region_code: str,
                       year: int) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    notes: list[tuple[str, str]] = []
    fuels = cells.loc[cells["item"].map(_kind) == "fuel"]
    rows: list[dict[str, object]] = []
    for key, category in COMBUSTION_CATEGORIES.items():
        part = fuels.loc[fuels["flow"] == key]
        for (item, unit), sub in part.groupby(["item", "unit"], sort=True):
            # Transformation inputs are printed negative; consumption positive.
            value = float(-sub["value"].clip(upper=0).sum() if key in ("power", "heat_supply")
                          else sub["value"].sum())
            if key == "industry":
                value -= float(_flow_total(fuels, "non_energy", item))
            if value:
                rows.append({"category": category, "item": item, "value": value, "unit": unit,
                             "flow_label": "；".join(dict.fromkeys(sub["label"]))})
    bunkers = fuels.loc[fuels["flow"] == "bunkers"]
    for (item, unit), sub in bunkers.groupby(["item", "unit"], sort=True):
        value = float(sub["value"].abs().sum())
        if value:
            rows.append({"category": "1.A.3.a.i" if item in AVIATION_FUELS else "1.A.3.d.i",
                         "item": item, "value": value, "unit": unit,
                         "flow_label": "；".join(dict.fromkeys(sub["label"]))})
    for kind, category in (("electricity", NET_IMPORTED_ELECTRICITY), ("heat", NET_IMPORTED_HEAT)):
        part = cells.loc[cells["item"].map(_kind) == kind]
        for (item, unit), sub in part.groupby(["item", "unit"], sort=True):
            inflow = sub.loc[sub["flow"].isin(["inflow", "imports"]), "value"].sum()
            outflow = sub.loc[sub["flow"].isin(["outflow", "exports"]), "value"].abs().sum()
            if inflow or outflow:
                rows.append({"category": category, "item": item,
                             "value": float(inflow - outflow), "unit": unit,
                             "flow_label": "调入+进口−调出−出口"})
    frame = pd.DataFrame(rows, columns=["category", "item", "value", "unit", "flow_label"])
    frame = frame.groupby(["category", "item", "unit"], sort=True, as_index=False).agg(
        value=("value", "sum"), flow_label=("flow_label", lambda s: "；".join(dict.fromkeys(s))))
    frame.insert(0, "year", int(year))
    frame.insert(0, "region_code", region_code)
    frame["activity_id"] = [f"balance:{region_code}/{year}/{c}/{i}"
                            for c, i in zip(frame["category"], frame["item"], strict=True)]
    if (fuels["flow"] == "non_energy").any():
        notes.append(("工业“用作原料、材料”为非能源利用，已从 1.A.2 中扣除，参考方法中作为排除碳",
                      "industrial use as raw material (non-energy use) is excluded from 1.A.2 "
                      "and counted as excluded carbon in the reference approach"))
    used = sorted({str(f) for f in fuels["flow"] if f in CONVERSIONS})
    if used:
        notes.append((f"加工转换（{'、'.join(used)}）为能源转换而非燃烧，不计入部门法",
                      f"transformation ({', '.join(used)}) converts fuels and is not "
                      "combustion: not in the sectoral approach"))
    if (fuels["flow"] == "losses").any():
        notes.append(("损失量不计入部门法（参考方法中包含）",
                      "losses are not in the sectoral approach (the reference approach "
                      "includes them)"))
    notes.append(("电力、热力为二次能源，不计燃烧排放；净调入量列为信息项",
                  "electricity and heat are secondary energy with no combustion emissions; "
                  "their net imports are memo items"))
    return frame[["region_code", "year", "category", "item", "value", "unit", "activity_id",
                  "flow_label"]], notes


def _flow_total(cells: pd.DataFrame, flow: str, item: str) -> float:
    sel = cells.loc[(cells["flow"] == flow) & (cells["item"] == item), "value"]
    return float(sel.abs().sum())


def compare_balance(table: BalanceTable, factors) -> pd.DataFrame:
    """Reference against sectoral approach on a balance table, per fuel and in total, explained.

    Returns
    -------
    pandas.DataFrame
        `compare_reference_sectoral` columns plus ``conversion_net``, ``losses`` and
        ``balance_difference`` (physical quantities in the fuel's unit, from the table: what
        transformation other than power and heat consumed net, the losses row, the 平衡差额 row)
        and ``explanation_zh`` / ``explanation_en``.
    """
    reference = compute_reference_approach(table.flows, factors, source=table.source)
    sectoral = compute_fuel_combustion(table.activity, factors, gases=("CO2",),
                                       source=table.source)
    out = compare_reference_sectoral(reference, sectoral.rows)
    cells = table.cells
    conv = cells.loc[cells["flow"].isin(CONVERSIONS)].groupby("item")["value"].sum()
    losses = cells.loc[cells["flow"] == "losses"].groupby("item")["value"].sum()
    diff = cells.loc[cells["flow"] == "difference"].groupby("item")["value"].sum()
    unit = cells.groupby("item")["unit"].first()
    out["conversion_net"] = -out["item"].map(conv).fillna(0.0)
    out["losses"] = out["item"].map(losses).fillna(0.0)
    out["balance_difference"] = out["item"].map(diff).fillna(0.0)
    out["unit"] = out["item"].map(unit).fillna("")
    out.loc[out["item"] == "total", ["conversion_net", "losses", "balance_difference"]] = np.nan
    texts = [_explain(r) for r in out.to_dict("records")]
    out["explanation_zh"] = [t[0] for t in texts]
    out["explanation_en"] = [t[1] for t in texts]
    return out


def _explain(r: dict) -> tuple[str, str]:
    d, e, f = r["difference_t"], r["energy_gap_co2_t"], r["factor_gap_co2_t"]
    pct = r.get("difference_pct")
    pct_zh = f"（{pct:+.2f}%）" if pct == pct and pct is not None else ""
    zh = (f"参考方法{'高于' if d >= 0 else '低于'}部门法 {abs(d):,.0f} 吨 CO2{pct_zh}：能源量差异 "
          f"{e:,.0f} 吨，因子差异 {f:,.0f} 吨")
    en = (f"reference is {abs(d):,.0f} t CO2 {'above' if d >= 0 else 'below'} sectoral"
          f"{f' ({pct:+.2f} %)' if pct_zh else ''}: energy gap {e:,.0f} t, factor gap {f:,.0f} t")
    if r["item"] != "total":
        conv, loss, bal = r["conversion_net"], r["losses"], r["balance_difference"]
        u = r["unit"]
        parts_zh, parts_en = [], []
        if conv:
            parts_zh.append(f"加工转换净投入 {conv:g} {u}")
            parts_en.append(f"net transformation input {conv:g} {u}")
        if loss:
            parts_zh.append(f"损失量 {loss:g} {u}")
            parts_en.append(f"losses {loss:g} {u}")
        if bal:
            parts_zh.append(f"平衡差额 {bal:g} {u}")
            parts_en.append(f"statistical difference {bal:g} {u}")
        if parts_zh:
            zh += "；来自" + "、".join(parts_zh)
            en += "; from " + ", ".join(parts_en)
    else:
        zh += "；能源量差异来自加工转换（如炼焦：煤计入参考方法，焦炭计入部门法）、损失量与平衡差额"
        en += ("; the energy gap comes from transformation (e.g. coking: coal counts in the "
               "reference approach, coke in the sectoral), losses and the statistical difference")
    return zh, en

"""How an inventory report names and groups its rows: gas groups, guideline sectors, category
and item names in Chinese, and the number-or-notation-key cells of sector × gas tables."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import pandas as pd

from tanzhi.inventory import EXPECTED_CATEGORIES, compute_co2e
from tanzhi.kernel import DataError, ipcc_category, packaged_items

# The guideline summary table's gas columns: (group, Chinese name, unit shown).
GAS_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("CO2", "二氧化碳", "万吨"),
    ("CH4", "甲烷", "万吨"),
    ("N2O", "氧化亚氮", "万吨"),
    ("HFCs", "氢氟碳化物", "万吨二氧化碳当量"),
    ("PFCs", "全氟化碳", "万吨二氧化碳当量"),
    ("SF6", "六氟化硫", "万吨二氧化碳当量"),
)
MASS_GROUPS = frozenset({"CO2", "CH4", "N2O"})
PFC_GASES = frozenset({"CF4", "C2F6", "C3F8", "c-C4F8", "C4F10", "C5F12", "C6F14"})
SECTORS: tuple[str, ...] = ("能源活动", "工业生产过程", "农业", "土地利用变化和林业", "废弃物处理")
MEMO_SECTOR = "信息项"
BUNKERS = ("1.A.3.a.i", "1.A.3.d.i")


def wan(value_t: Any) -> float | None:
    """Tonnes to 万吨 (10⁴ t); None for missing values."""
    try:
        out = float(value_t)
    except (TypeError, ValueError):
        return None
    return out / 1e4 if math.isfinite(out) else None


def gas_label(group: str) -> str:
    """The formula shown in headers: CO2 → (CO2), HFCs → (HFCs)."""
    return f"（{group}）"


def gas_group(gas: str) -> str:
    """The summary-table column of a gas: CO2, CH4, N2O, HFCs, PFCs, SF6 (NF3 and others: gas)."""
    if gas.startswith("HFC"):
        return "HFCs"
    if gas in PFC_GASES or gas == "PFCs":
        return "PFCs"
    return gas


@lru_cache(maxsize=2048)
def category_name(code: str) -> str:
    """Chinese name of an IPCC 2006 category (memo items by their guideline label)."""
    if code.startswith("memo."):
        return memo_label(code)
    try:
        cat = ipcc_category(code)
    except DataError:
        return code
    return cat.name_zh or cat.name_en


@lru_cache(maxsize=2048)
def sector_of(code: str) -> str:
    """Guideline sector (Chinese) of a category; 信息项 for memo categories; "" if none."""
    if code.startswith("memo."):
        return MEMO_SECTOR
    try:
        return ipcc_category(code).sector_zh
    except DataError:
        return ""


_MEMO = {
    "memo.net_imported_electricity": "调入电力",
    "memo.net_imported_heat": "调入热力",
}


@lru_cache(maxsize=2048)
def memo_label(name: str) -> str:
    """Chinese label of a memo category or an activity item (fuel, product …)."""
    if name in _MEMO:
        return _MEMO[name]
    item = packaged_items().get(name)
    return item.name_zh if item and item.name_zh else name


def _memo_kind(category: str, memo: bool) -> str:
    if not memo:
        return ""
    if category in _MEMO:
        return _MEMO[category]
    if category in BUNKERS:
        return "国际燃料舱"
    return "生物质燃烧"


def prepare_rows(rows: pd.DataFrame, gwp: str) -> pd.DataFrame:
    """Result rows plus ``co2e_t`` (under `gwp` if absent), ``sector``, ``group``, ``memo_kind``."""
    out = rows.copy()
    out["year"] = out["year"].astype(int)
    out["category"] = out["category"].astype(str)
    out["memo"] = out["memo"].fillna(False).astype(bool) if "memo" in out else False
    if "notation" not in out:
        out["notation"] = None
    out["notation"] = out["notation"].where(out["notation"].notna() & (out["notation"] != ""))
    out["emissions_t"] = pd.to_numeric(out["emissions_t"], errors="coerce")
    if "co2e_t" not in out or out["co2e_t"].isna().all():
        out["co2e_t"] = compute_co2e(out, gwp=gwp).to_numpy()
    out["co2e_t"] = pd.to_numeric(out["co2e_t"], errors="coerce")
    out["sector"] = out["category"].map(sector_of)
    out["group"] = out["gas"].astype(str).map(gas_group)
    out["memo_kind"] = [_memo_kind(c, m) for c, m in zip(out["category"], out["memo"],
                                                        strict=True)]
    return out


@lru_cache(maxsize=1)
def _expected() -> tuple[tuple[str, str, str], ...]:
    """(category, group, sector) the provincial guideline expects a number or key for."""
    return tuple((c, gas_group(g), sector_of(c)) for c, g in EXPECTED_CATEGORIES)


def sector_gas_cell(part: pd.DataFrame, group: str, sector: str | None,
                    prefixes: tuple[str, ...]) -> Any:
    """One cell of a sector × gas table: a number (万吨 or 万吨 CO2e) or a notation key.

    Numbers when any row of the group has one; else the rows' notation keys; else NE when the
    guideline expects the gas in that sector (`tanzhi.inventory.EXPECTED_CATEGORIES`)
    and NA (not applicable) otherwise.
    """
    sub = part[part["group"] == group]
    num = sub[sub["emissions_t"].notna()]
    if len(num):
        column = "emissions_t" if group in MASS_GROUPS else "co2e_t"
        return wan(num[column].sum())
    keys = sorted(set(sub["notation"].dropna()))
    if keys:
        return "、".join(keys)
    for cat, g, sec in _expected():
        if g != group:
            continue
        if prefixes and any(cat == p or cat.startswith(p + ".") or p.startswith(cat + ".")
                            for p in prefixes):
            return "NE"
        if not prefixes and (sector is None or sec == sector):
            return "NE"
    return "NA"

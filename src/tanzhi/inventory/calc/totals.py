"""Totals in the two calibres (territorial CO2e, energy-activity CO2) and their reconciliation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT
from tanzhi.kernel import DataError, Problem, Sector, ipcc_category, to_co2e

Gwp = str | Mapping[str, float]


def gwp_weights(gases: pd.Series, gwp: Gwp) -> np.ndarray:
    """CO2e weight (t CO2e per t of gas) for each entry of `gases` under an explicit GWP set.

    A GWP set name (``"AR5"``, ``"AR6"`` …) goes through ``tanzhi.kernel.gwp.to_co2e``; a
    mapping gas → GWP is used as given (tests, or a set the kernel does not hold).
    """
    uniq = pd.Series(pd.unique(gases.astype(str)))
    if isinstance(gwp, str):
        frame = pd.DataFrame({"gas": uniq, "emissions_t": 1.0})
        per_gas = dict(zip(uniq, to_co2e(frame, gwp).to_numpy(dtype="float64"), strict=True))
    else:
        missing = sorted(set(uniq) - set(gwp))
        if missing:
            raise DataError(Problem(f"GWP 表中没有气体 {', '.join(missing)}",
                                    f"no GWP for gas(es) {', '.join(missing)}"))
        per_gas = {g: float(gwp[g]) for g in uniq}
    return gases.astype(str).map(per_gas).to_numpy(dtype="float64")


def compute_co2e(rows: pd.DataFrame, *, gwp: Gwp) -> pd.Series:
    """Each row's emissions in t CO2e (NaN stays NaN for notation-key rows)."""
    return pd.Series(rows["emissions_t"].to_numpy() * gwp_weights(rows["gas"], gwp),
                     index=rows.index, name="emissions_co2e_t")


def counted(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows that count in the territorial total: numeric and not memo items."""
    return rows.loc[rows["emissions_t"].notna() & ~rows["memo"].astype(bool)]


MEMO_SECTOR = "信息项"  # net imported electricity and heat (memo items of the guideline)


@lru_cache(maxsize=1024)
def sector_of(category: str) -> str:
    """The provincial-guideline sector (kernel `Sector` value) of a category code.

    Memo items give ``"信息项"``; an IPCC aggregate spanning two sectors (3.C.1) gives "".

    Examples
    --------
    >>> sector_of("3.C.7"), sector_of("3.B.1.a"), sector_of("memo.net_imported_heat")
    ('农业', '土地利用变化和林业', '信息项')
    """
    if category.startswith("memo."):
        return MEMO_SECTOR
    return ipcc_category(category).sector_zh


def with_sector(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` with a ``sector`` column (provincial-guideline sector of the category)."""
    cats = rows["category"].astype(str)
    per = {c: sector_of(c) for c in cats.unique()}
    return rows.assign(sector=cats.map(per))


def compute_totals(
    rows: pd.DataFrame, *, gwp: Gwp, by: Sequence[str] = ("region_code", "year", "sector")
) -> pd.DataFrame:
    """Territorial totals (全口径温室气体排放) in t CO2e under an explicit GWP set.

    Gases stay separate in the rows; only here are they weighted.  Memo items (biomass CO2,
    bunkers, net imported electricity and heat) and notation-key rows are left out.  Net
    removals (LULUCF) count with their sign.
    """
    frame = with_sector(counted(rows))
    frame = frame.assign(emissions_co2e_t=compute_co2e(frame, gwp=gwp))
    return frame.groupby(list(by), sort=True, dropna=False)["emissions_co2e_t"].sum().reset_index()


def compute_energy_co2(
    rows: pd.DataFrame, *, by: Sequence[str] = ("region_code", "year")
) -> pd.DataFrame:
    """Energy-activity CO2 including net imported electricity (能源活动二氧化碳排放, 含调入电力).

    The calibre of the CO2-intensity targets: fossil fuel combustion CO2 (1.A, without
    biomass and bunkers) plus the CO2 of net imported electricity and heat.

    Returns
    -------
    pandas.DataFrame
        `by` columns, ``combustion_co2_t``, ``net_electricity_co2_t``, ``net_heat_co2_t``,
        ``energy_co2_t``.
    """
    co2 = rows.loc[(rows["gas"] == "CO2") & rows["emissions_t"].notna()]
    cat = co2["category"].astype(str)
    combustion = (cat.eq("1.A") | cat.str.startswith("1.A.")) & ~co2["memo"].astype(bool)
    parts = {
        "combustion_co2_t": combustion,
        "net_electricity_co2_t": cat.eq(NET_IMPORTED_ELECTRICITY),
        "net_heat_co2_t": cat.eq(NET_IMPORTED_HEAT),
    }
    frame = co2[list(by)].copy()
    for name, mask in parts.items():
        frame[name] = np.where(mask, co2["emissions_t"], 0.0)
    out = frame.groupby(list(by), sort=True)[list(parts)].sum().reset_index()
    out["energy_co2_t"] = out[list(parts)].sum(axis=1)
    return out


# (step, Chinese label): from the territorial total to energy-activity CO2.
RECONCILIATION_STEPS: tuple[tuple[str, str], ...] = (
    ("territorial_co2e", "全口径温室气体排放总量"),
    ("less_non_co2_gases", "减：非二氧化碳温室气体"),
    ("less_lulucf_co2", "减：土地利用变化和林业二氧化碳（净）"),
    ("less_ippu_co2", "减：工业生产过程二氧化碳"),
    ("less_agriculture_co2", "减：农业二氧化碳"),
    ("less_waste_co2", "减：废弃物处理二氧化碳"),
    ("less_fugitive_co2", "减：能源逃逸及二氧化碳运输封存排放"),
    ("plus_net_electricity_co2", "加：调入电力二氧化碳"),
    ("plus_net_heat_co2", "加：调入热力二氧化碳"),
    ("energy_co2", "能源活动二氧化碳排放（含调入电力）"),
)


def compute_calibre_reconciliation(rows: pd.DataFrame, *, gwp: Gwp) -> pd.DataFrame:
    """Reconcile the territorial CO2e total with energy-activity CO2 (两种口径对账).

    Returns
    -------
    pandas.DataFrame
        Long: ``region_code, year, step, step_zh, value_t`` in `RECONCILIATION_STEPS` order;
        the first row plus the adjustments equals the last (t CO2e, t CO2 from step 3 on).
    """
    keys = ["region_code", "year"]
    terr = compute_totals(rows, gwp=gwp, by=keys).rename(columns={"emissions_co2e_t": "t"})
    base = with_sector(counted(rows))
    base = base.assign(co2e=compute_co2e(base, gwp=gwp))
    is_co2 = base["gas"] == "CO2"
    cat = base["category"].astype(str)
    parts = pd.DataFrame({
        "less_non_co2_gases": np.where(~is_co2, -base["co2e"], 0.0),
        "less_lulucf_co2": np.where(is_co2 & (base["sector"] == Sector.LUCF), -base["co2e"], 0.0),
        "less_ippu_co2": np.where(is_co2 & (base["sector"] == Sector.INDUSTRIAL_PROCESSES),
                                  -base["co2e"], 0.0),
        "less_agriculture_co2": np.where(is_co2 & (base["sector"] == Sector.AGRICULTURE),
                                         -base["co2e"], 0.0),
        "less_waste_co2": np.where(is_co2 & (base["sector"] == Sector.WASTE), -base["co2e"], 0.0),
        "less_fugitive_co2": np.where(is_co2 & cat.str.match(r"^1\.[BC](\.|$)"),
                                      -base["co2e"], 0.0),
    })
    parts[keys] = base[keys].to_numpy()
    adj = parts.groupby(keys, sort=True).sum().reset_index()
    energy = compute_energy_co2(rows, by=keys)
    wide = terr.merge(adj, on=keys, how="outer").merge(energy, on=keys, how="outer").fillna(0.0)
    wide = wide.rename(columns={"t": "territorial_co2e",
                                "net_electricity_co2_t": "plus_net_electricity_co2",
                                "net_heat_co2_t": "plus_net_heat_co2",
                                "energy_co2_t": "energy_co2"})
    steps = [s for s, _ in RECONCILIATION_STEPS]
    long = wide.melt(id_vars=keys, value_vars=steps, var_name="step", value_name="value_t")
    long["step_zh"] = long["step"].map(dict(RECONCILIATION_STEPS))
    long["_order"] = long["step"].map({s: i for i, s in enumerate(steps)})
    long = long.sort_values([*keys, "_order"], ignore_index=True).drop(columns="_order")
    return long[[*keys, "step", "step_zh", "value_t"]]

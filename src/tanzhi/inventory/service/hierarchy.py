"""Hierarchy residuals (上下级清单差异): each parent against the sum of its children.

Per parent, year, guideline sector and gas: ``residual = parent − Σ children`` of the rows
that count in the territorial total.  Every residual is explained from its largest
(category, item) contributions — rows only the parent reports, rows only the children report,
or statistics that do not add up — or as rounding when it is within `ROUNDING_REL`; LULUCF
residuals say whether the sector was estimated at all.  Nothing is absorbed: the parent's own
number is kept as computed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

ROUNDING_REL = 1e-6  # relative residual treated as floating-point / rounding noise
_TOP = 3


def _counted(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.loc[~rows["memo"].astype(bool) & rows["emissions_t"].notna()]


def hierarchy_residuals_frame(rows: pd.DataFrame, parents: Mapping[str, str]) -> pd.DataFrame:
    """Residuals of every parent with children among `rows`' regions.

    Parameters
    ----------
    rows
        Result rows of a run (region_code, year, category, sector, item, gas, emissions_t,
        memo, notation).
    parents
        region code → parent code for the regions of the run.

    Returns
    -------
    pandas.DataFrame
        ``parent_code, year, sector, gas, parent_t, children_t, residual_t, residual_pct,
        explanation_zh, explanation_en``.
    """
    cols = ["parent_code", "year", "sector", "gas", "parent_t", "children_t", "residual_t",
            "residual_pct", "explanation_zh", "explanation_en"]
    regions = set(rows["region_code"].unique())
    child_of = {c: p for c, p in parents.items() if c in regions and p in regions}
    if not child_of:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    all_rows = rows.copy()
    counted = _counted(all_rows)
    keys = ["year", "sector", "gas"]
    detail = ["category", "item"]
    own = counted.groupby(["region_code", *keys, *detail], sort=False)["emissions_t"].sum()
    own = own.reset_index()
    kids = own.loc[own["region_code"].isin(list(child_of))].copy()
    kids["parent_code"] = kids["region_code"].map(child_of)
    kid_sum = kids.groupby(["parent_code", *keys, *detail], sort=False)["emissions_t"].sum()
    par = own.loc[own["region_code"].isin(set(child_of.values()))].rename(
        columns={"region_code": "parent_code"})
    par = par.set_index(["parent_code", *keys, *detail])["emissions_t"]
    both = pd.concat([par.rename("parent_t"), kid_sum.rename("children_t")], axis=1)
    both = both.fillna({"parent_t": 0.0, "children_t": 0.0}).reset_index()
    # Which side reports a (category, item) at all (numbers or notation keys).
    reported = all_rows["emissions_t"].notna().groupby(
        [all_rows["region_code"], all_rows["year"], all_rows["category"], all_rows["item"]],
        sort=False).any()
    both["residual_t"] = both["parent_t"] - both["children_t"]
    summary = both.groupby(["parent_code", *keys], sort=True)[
        ["parent_t", "children_t", "residual_t"]].sum().reset_index()
    children_by_parent: dict[str, list[str]] = {}
    for c, p in child_of.items():
        children_by_parent.setdefault(p, []).append(c)
    scale = np.maximum(np.maximum(summary["parent_t"].abs(), summary["children_t"].abs()), 1.0)
    off = (summary["residual_t"].abs() > ROUNDING_REL * scale).to_numpy()
    summary["explanation_zh"] = "一致：差异在舍入误差以内（下级合计等于上级）"
    summary["explanation_en"] = ("consistent: the difference is rounding (children add up to "
                                 "the parent)")
    if off.any():
        wanted = summary.loc[off, ["parent_code", *keys]]
        detail = both.merge(wanted, on=["parent_code", *keys], how="inner")
        groups = dict(tuple(detail.groupby(["parent_code", *keys], sort=False)))
        for idx in summary.index[off]:
            row = summary.loc[idx]
            part = groups.get((row["parent_code"], row["year"], row["sector"], row["gas"]))
            zh, en = _explain(part, row, children_by_parent[row["parent_code"]], reported)
            summary.at[idx, "explanation_zh"] = zh
            summary.at[idx, "explanation_en"] = en
    with np.errstate(divide="ignore", invalid="ignore"):
        summary["residual_pct"] = np.where(summary["parent_t"] != 0,
                                           summary["residual_t"] / summary["parent_t"] * 100.0,
                                           np.nan)
    summary["sector"] = summary["sector"].astype("int64")
    summary["year"] = summary["year"].astype("int64")
    return summary[cols]


def _explain(part: pd.DataFrame | None, row: pd.Series, children: list[str],
             reported: pd.Series) -> tuple[str, str]:
    if part is None or part.empty:
        return ("无明细", "no detail")
    top = part.reindex(part["residual_t"].abs().sort_values(ascending=False).index).head(_TOP)
    zh, en = [], []
    for d in top.itertuples(index=False):
        if abs(d.residual_t) <= ROUNDING_REL * max(abs(d.parent_t), 1.0):
            continue
        what = f"{d.category} {d.item}"
        kid_reports = any(bool(reported.get((c, d.year, d.category, d.item), False))
                          for c in children)
        parent_reports = bool(reported.get((row["parent_code"], d.year, d.category, d.item),
                                           False))
        amount = f"{d.residual_t:,.1f} t"
        if parent_reports and not kid_reports:
            zh.append(f"{what}：仅上级有数（下级未报告或未估算），{amount}")
            en.append(f"{what}: reported only at the higher level, {amount}")
        elif kid_reports and not parent_reports:
            zh.append(f"{what}：仅下级有数（上级未估算），{amount}")
            en.append(f"{what}: reported only by the children, {amount}")
        else:
            zh.append(f"{what}：上级活动水平与下级合计不一致（统计口径或单独核定的数据），{amount}")
            en.append(f"{what}: the parent's activity data differ from the children's sum "
                      f"(separately stated or revised statistics), {amount}")
    if int(row["sector"]) == 4 and not zh:
        zh.append("土地利用变化和林业未分解到下级")
        en.append("LULUCF is not split to the lower level")
    if not zh:
        return ("差异由多项小额差异累积", "the difference accumulates from many small items")
    return ("；".join(zh), "; ".join(en))

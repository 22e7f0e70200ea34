"""Inventory QA/QC (质量保证与质量控制): completeness, implied factors, time series, lineage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.activity import prepare_activity
from tanzhi.inventory.model import (
    BUNKER_CATEGORIES,
    ID_SEPARATOR,
    NET_IMPORTED_ELECTRICITY,
    NET_IMPORTED_HEAT,
    Estimate,
    NotationKey,
)
from tanzhi.kernel import Finding, Location, Severity, conversion_factor

# What a city or county inventory under the provincial guideline reports, by IPCC 2006 code and
# gas (省级温室气体清单编制指南 five sectors).  Each needs a number or a notation key.
EXPECTED_CATEGORIES: tuple[tuple[str, str], ...] = (
    *((c, g) for c in ("1.A.1", "1.A.2", "1.A.3", "1.A.4") for g in ("CO2", "CH4", "N2O")),
    ("1.B", "CH4"),
    ("2.A.1", "CO2"), ("2.A.2", "CO2"), ("2.A.3", "CO2"), ("2.B.1", "CO2"), ("2.B.2", "N2O"),
    ("2.B.3", "N2O"), ("2.B.9", "HFC-23"), ("2.F", "HFCs"), ("2.G", "SF6"),
    ("3.A.1", "CH4"), ("3.A.2", "CH4"), ("3.A.2", "N2O"), ("3.C.4", "N2O"), ("3.C.5", "N2O"),
    ("3.C.7", "CH4"), ("3.B.1", "CO2"),
    ("4.A", "CH4"), ("4.C", "CO2"), ("4.C", "N2O"), ("4.D", "CH4"), ("4.D", "N2O"),
)
# Gas groups an expectation may name instead of one gas.
GAS_GROUPS = {"HFCs": ("HFC-",), "PFCs": ("CF4", "C2F6", "C3F8", "c-C4F8", "C4F10", "C6F14")}
# A year-on-year change this large (in %) is flagged for a second look; a QC screening
# threshold (IPCC 2006 Vol.1 Ch.6 Table 6.1 asks for time-series checks, not a fixed number).
DEFAULT_JUMP_PCT = 30.0


def finding(
    check: str, severity: Severity, message_zh: str, message_en: str,
    region_code: object = None, year: object = None, category: object = None,
    item: object = None, gas: object = None, *, row: int | None = None,
) -> Finding:
    """A kernel `Finding` coded ``inventory.<check>``; where it applies goes in `context`."""
    context = {k: v for k, v in (("region_code", region_code), ("year", year),
                                 ("category", category), ("item", item), ("gas", gas))
               if v is not None}
    if "year" in context:
        context["year"] = int(context["year"])
    return Finding(f"inventory.{check}", severity, message_zh, message_en,
                   location=Location(row=row), context=context)


def _matches(category: pd.Series, prefix: str) -> pd.Series:
    return (category == prefix) | category.str.startswith(prefix + ".")


def _gas_matches(gas: pd.Series, expected: str) -> pd.Series:
    if expected in GAS_GROUPS:
        return gas.str.startswith(GAS_GROUPS[expected])
    return gas == expected


def check_completeness(
    rows: pd.DataFrame, *, expected: Iterable[tuple[str, str]] = EXPECTED_CATEGORIES,
    notations: pd.DataFrame | None = None,
) -> list[Finding]:
    """Every expected category and gas has a number or a notation key (完整性).

    Parameters
    ----------
    rows
        Result rows of every region and year to check.
    expected
        (category prefix, gas or gas group) pairs; default `EXPECTED_CATEGORIES`.
    notations
        Declared keys: ``region_code, year, category, gas, notation`` (e.g. 2.B.9 HFC-23 NO).

    Returns
    -------
    list of Finding
        ERROR for a gap or an invalid notation key, WARNING for NE (not estimated) and for a
        numeric row that also carries a key.

    Method: IPCC 2006 Vol.1 Ch.8 §8.2.2 and Table 8.2 (notation keys NO, NE, NA, IE, C).
    """
    findings: list[Finding] = []
    valid = {k.value for k in NotationKey}
    frame = rows[["region_code", "year", "category", "gas", "emissions_t", "notation"]]
    if notations is not None:
        bad = ~notations["notation"].isin(valid)
        for r in notations.loc[bad].itertuples(index=False):
            findings.append(finding(
                "completeness", Severity.ERROR,
                f"注释符号“{r.notation}”无效，应为 NO/NE/NA/IE/C",
                f"invalid notation key '{r.notation}' (use NO, NE, NA, IE or C)",
                str(r.region_code), int(r.year), r.category, None, r.gas))
        frame = pd.concat([frame, notations.loc[~bad].assign(emissions_t=np.nan)[frame.columns]],
                          ignore_index=True)
    key = frame["notation"].where(frame["notation"].notna(), None)
    both = frame["emissions_t"].notna() & key.notna()
    for r in frame.loc[both].itertuples(index=False):
        findings.append(finding(
            "completeness", Severity.WARNING, "同一行既有数值又有注释符号",
            "row has both a number and a notation key",
            str(r.region_code), int(r.year), r.category, None, r.gas))
    blank = frame["emissions_t"].isna() & key.isna()
    for r in frame.loc[blank].itertuples(index=False):
        findings.append(finding(
            "completeness", Severity.ERROR, "缺少数值且无注释符号",
            "no number and no notation key", str(r.region_code), int(r.year), r.category,
            None, r.gas))
    ne = frame["notation"] == NotationKey.NE.value
    for (region, year, cat, gas), _ in frame.loc[ne].groupby(
            ["region_code", "year", "category", "gas"], sort=True):
        findings.append(finding(
            "completeness", Severity.WARNING, "未估算（NE）", "not estimated (NE)",
            str(region), int(year), cat, None, gas))
    for (region, year), sub in frame.groupby(["region_code", "year"], sort=True):
        cat = sub["category"].astype(str)
        gas = sub["gas"].astype(str)
        for prefix, g in expected:
            if not (_matches(cat, prefix) & _gas_matches(gas, g)).any():
                findings.append(finding(
                    "completeness", Severity.ERROR,
                    f"{prefix} {g} 既无数值也无注释符号（NO/NE/NA/IE/C）",
                    f"{prefix} {g} has neither a number nor a notation key (NO/NE/NA/IE/C)",
                    str(region), int(year), prefix, None, g))
    return findings


def check_implied_factors(rows: pd.DataFrame, ranges: pd.DataFrame) -> list[Finding]:
    """Implied emission factors (隐含排放因子) against plausible ranges.

    Parameters
    ----------
    rows
        Result rows; the implied factor is ``emissions_t / activity_value``.
    ranges
        ``category`` (prefix), ``item`` (``*`` for any), ``gas``, ``low``, ``high``, ``unit``
        (t of gas per activity unit, e.g. ``t/TJ``; plain mass, the gas is in ``gas``).

    Returns
    -------
    list of Finding
        WARNING for each row outside its range, naming the value and the range; ERROR when a
        range's unit does not fit the row's activity unit.

    Method: IPCC 2006 Vol.1 Ch.6 §6.7.1 (category-specific QC: compare implied factors with
    defaults and ranges).
    """
    findings: list[Finding] = []
    data = rows.loc[rows["emissions_t"].notna() & rows["activity_value"].notna()
                    & (rows["activity_value"] != 0)]
    for rng in ranges.itertuples(index=False):
        sel = data.loc[_matches(data["category"].astype(str), str(rng.category))
                       & (data["gas"] == rng.gas)]
        if rng.item != "*":
            sel = sel.loc[sel["item"] == rng.item]
        for unit, sub in sel.groupby("activity_unit", sort=True):
            try:
                scale = conversion_factor(f"t/({unit})", str(rng.unit))
            except Exception:  # noqa: BLE001 — any unit mismatch becomes one finding
                findings.append(finding(
                    "implied_factor", Severity.ERROR,
                    f"范围单位 {rng.unit} 与活动单位 {unit} 不匹配",
                    f"range unit {rng.unit} does not fit activity unit {unit}",
                    None, None, str(rng.category), str(rng.item), str(rng.gas)))
                continue
            ief = sub["emissions_t"] / sub["activity_value"] * scale
            out = (ief < rng.low) | (ief > rng.high)
            for r, v in zip(sub.loc[out].itertuples(index=False), ief[out], strict=True):
                findings.append(finding(
                    "implied_factor", Severity.WARNING,
                    f"隐含排放因子 {v:.4g} {rng.unit} 超出合理范围 [{rng.low:g}, {rng.high:g}]",
                    f"implied factor {v:.4g} {rng.unit} outside [{rng.low:g}, {rng.high:g}]",
                    str(r.region_code), int(r.year), r.category, r.item, r.gas))
    return findings


def check_time_series(
    rows: pd.DataFrame, *, max_change_pct: float = DEFAULT_JUMP_PCT,
    by: Sequence[str] = ("region_code", "category", "item", "gas"),
) -> list[Finding]:
    """Time-series consistency (时间序列一致性): jumps, sign changes and missing years.

    Flags (WARNING) a year-on-year change above `max_change_pct`, a change of sign, and a year
    missing inside a series.  Memo and notation rows are compared like any other.

    Method: IPCC 2006 Vol.1 Ch.5 (time-series consistency) and Ch.6 Table 6.1 (general QC).
    """
    findings: list[Finding] = []
    data = rows.loc[rows["emissions_t"].notna()]
    data = data.groupby([*by, "year"], sort=True)["emissions_t"].sum().reset_index()
    data = data.sort_values([*by, "year"], kind="stable").reset_index(drop=True)
    same = np.ones(len(data), dtype=bool)
    for col in by:
        same &= (data[col] == data[col].shift()).to_numpy()
    prev = data["emissions_t"].shift().to_numpy()
    gap = data["year"].to_numpy() - data["year"].shift().fillna(0).to_numpy()
    cur = data["emissions_t"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (cur - prev) / np.abs(prev) * 100.0
    jump = same & (np.abs(change) > max_change_pct) & (prev != 0)
    flip = same & (np.sign(cur) * np.sign(prev) < 0)
    missing = same & (gap > 1)
    ctx = list(by)
    for i in np.flatnonzero(jump | flip | missing):
        r = data.iloc[i]
        where = dict(zip(ctx, (r[c] for c in ctx), strict=True))
        if missing[i]:
            zh, en = (f"{int(r['year'] - gap[i] + 1)}–{int(r['year']) - 1} 年缺失",
                      f"years {int(r['year'] - gap[i] + 1)}–{int(r['year']) - 1} missing")
        elif flip[i]:
            zh, en = "排放量正负号改变", "emissions changed sign"
        else:
            zh = f"较上年变化 {change[i]:+.1f}%（阈值 ±{max_change_pct:g}%）"
            en = (f"change of {change[i]:+.1f} % on the previous year "
                  f"(threshold ±{max_change_pct:g} %)")
        findings.append(finding("time_series", Severity.WARNING, zh, en,
                                str(where.get("region_code")), int(r["year"]),
                                where.get("category"), where.get("item"), where.get("gas")))
    return findings


def check_lineage(rows: pd.DataFrame) -> list[Finding]:
    """Every numeric row names its method and activity rows, and its factors where it has any.

    Rows whose method takes no factor (recovered CH4 entered as measured) may have none.
    """
    findings: list[Finding] = []
    numeric = rows.loc[rows["emissions_t"].notna()]
    no_method = numeric["method"].isna() | (numeric["method"].astype(str) == "")
    no_act = numeric["activity_ids"].isna() | (numeric["activity_ids"].astype(str) == "")
    no_fac = ((numeric["factor_ids"].isna() | (numeric["factor_ids"].astype(str) == ""))
              & ~numeric["method"].astype(str).str.contains("− R", regex=False))
    for mask, zh, en in ((no_method, "缺少方法说明", "method missing"),
                         (no_act, "缺少活动数据来源", "activity lineage missing"),
                         (no_fac, "缺少因子来源", "factor lineage missing")):
        for r in numeric.loc[mask].itertuples(index=False):
            findings.append(finding("lineage", Severity.ERROR, zh, en, str(r.region_code),
                                    int(r.year), r.category, r.item, r.gas))
    return findings


def check_unused_activity(activity: pd.DataFrame, estimate: Estimate) -> list[Finding]:
    """Activity rows no method used (a mistyped category or item shows up here)."""
    act = prepare_activity(activity)
    used: set[str] = set()
    for ids in estimate.rows["activity_ids"].dropna().astype(str):
        used.update(ids.split(ID_SEPARATOR))
    unused = act.loc[~act["activity_id"].isin(used)].rename(columns={"_row": "sheet_row"})
    return [finding("unused_activity", Severity.WARNING,
                    f"第 {int(r.sheet_row)} 行活动数据未被任何方法使用",
                    f"activity row {int(r.sheet_row)} was not used by any method",
                    str(r.region_code), int(r.year), r.category, r.item, row=int(r.sheet_row))
            for r in unused.itertuples(index=False)]


def check_categories(activity: pd.DataFrame) -> list[Finding]:
    """Activity categories are IPCC 2006 codes (climate-categories) or the engine's memo items."""
    import climate_categories

    act = prepare_activity(activity)
    known = set(climate_categories.IPCC2006.keys())
    memo = {NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT, *BUNKER_CATEGORIES}
    bad = act.loc[~act["category"].isin(known | memo)].rename(columns={"_row": "sheet_row"})
    return [finding("category", Severity.ERROR,
                    f"第 {int(r.sheet_row)} 行类别代码“{r.category}”不是 IPCC 2006 代码",
                    f"row {int(r.sheet_row)}: category '{r.category}' is not an IPCC 2006 code",
                    str(r.region_code), int(r.year), r.category, r.item, row=int(r.sheet_row))
            for r in bad.itertuples(index=False)]


def check_uncertainty_inputs(estimate: Estimate) -> list[Finding]:
    """Sources without an uncertainty (they count as exact in Approach 1 and 2)."""
    missing = estimate.sources.loc[estimate.sources["uncertainty_pct"].isna()]
    if missing.empty:
        return []
    kinds = missing["kind"].value_counts().to_dict()
    return [finding("uncertainty", Severity.WARNING,
                    f"{len(missing)} 个数据源缺少不确定性（按零计）：{kinds}",
                    f"{len(missing)} sources lack an uncertainty (taken as exact): {kinds}")]


def check_reference_approach(
    comparison: pd.DataFrame, *, tolerance_pct: float = 5.0
) -> list[Finding]:
    """Reference vs sectoral approach totals further apart than `tolerance_pct` (configurable
    QC threshold); the comparison's gap columns say where the difference comes from."""
    total = comparison.loc[(comparison["item"] == "total")
                           & (comparison["difference_pct"].abs() > tolerance_pct)]
    return [finding(
        "reference_approach", Severity.WARNING,
        f"参考方法与部门方法相差 {r.difference_pct:+.1f}%（能源量差异 {r.energy_gap_co2_t:,.0f} t，"
        f"因子差异 {r.factor_gap_co2_t:,.0f} t）",
        f"reference and sectoral approach differ by {r.difference_pct:+.1f} % (energy gap "
        f"{r.energy_gap_co2_t:,.0f} t, factor gap {r.factor_gap_co2_t:,.0f} t)",
        str(r.region_code), int(r.year), "1.A", None, "CO2")
        for r in total.itertuples(index=False)]


def check_hierarchy(residuals: pd.DataFrame, *, tolerance_pct: float = 0.01) -> list[Finding]:
    """Hierarchy residuals (上下级差异) beyond `tolerance_pct` of the parent, each with its
    explanation: county sums against the city and city sums against the province, per
    guideline sector and gas.  A residual is reported, never absorbed into either level.

    Parameters
    ----------
    residuals
        ``parent_code, year, sector, gas, parent_t, children_t, residual_t, residual_pct,
        explanation_zh, explanation_en`` (inventory.service.hierarchy_residuals).

    Method: IPCC 2006 Vol.1 Ch.6 §6.10 (verification: comparisons between levels of
    aggregation); the provincial guideline's consistency of city and county inventories.
    """
    if residuals.empty:
        return []
    pct = residuals["residual_pct"].abs()
    undefined = residuals["residual_pct"].isna() & (residuals["residual_t"].abs() > 1e-6)
    over = residuals.loc[(pct > tolerance_pct) | undefined]
    return [finding(
        "hierarchy", Severity.WARNING,
        f"{r.parent_code} {r.year} 年第 {r.sector} 部分 {r.gas}：上级 {r.parent_t:,.1f} t，"
        f"下级合计 {r.children_t:,.1f} t，差 {r.residual_t:,.1f} t。{r.explanation_zh}",
        f"{r.parent_code} {r.year} sector {r.sector} {r.gas}: parent {r.parent_t:,.1f} t, "
        f"children {r.children_t:,.1f} t, residual {r.residual_t:,.1f} t. {r.explanation_en}",
        str(r.parent_code), int(r.year), None, None, str(r.gas))
        for r in over.itertuples(index=False)]

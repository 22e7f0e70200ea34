"""What the inventory pages show, shaped from service frames (pure: frames in, dicts out).

Totals follow the provincial guideline's five sectors (能源活动, 工业生产过程, 农业, 土地利用变化和
林业, 废弃物处理); memo items (biomass CO2, international bunkers, net imported electricity) stay
out of every total, as IPCC 2006 Vol.1 Ch.8 reports them.  Charts are in 10⁴ t CO2e.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pandas as pd

from tanzhi.inventory.checks import EXPECTED_CATEGORIES, GAS_GROUPS
from tanzhi.inventory.model import NET_IMPORTED_ELECTRICITY, NET_IMPORTED_HEAT, NotationKey
from tanzhi.kernel import (
    DataError,
    Finding,
    NotFound,
    categories_dataset,
    dataset_dir,
    ipcc_category,
    load_meta,
    packaged_items,
)

# The guideline's five sectors by code, with the English names the IPCC uses.
SECTORS: dict[str, tuple[str, str]] = {
    "1": ("能源活动", "Energy"),
    "2": ("工业生产过程", "Industrial processes"),
    "3": ("农业", "Agriculture"),
    "4": ("土地利用变化和林业", "Land use, land-use change and forestry"),
    "5": ("废弃物处理", "Waste"),
}
_SECTOR_ALIASES = {"energy": "1", "ippu": "2", "industrial_processes": "2", "agriculture": "3",
                   "lulucf": "4", "lucf": "4", "waste": "5"}
LULUCF = "4"
CHART_SCALE = 1e4  # charts in 万吨 / 10⁴ t
NOTATION_MEANING = {
    NotationKey.NO: ("未发生", "not occurring"),
    NotationKey.NE: ("未估算", "not estimated"),
    NotationKey.NA: ("不适用", "not applicable"),
    NotationKey.IE: ("已计入其他类别", "included elsewhere"),
    NotationKey.C: ("保密", "confidential"),
}
_MEMO_NAMES = {
    NET_IMPORTED_ELECTRICITY: ("净调入电力", "Net imported electricity"),
    NET_IMPORTED_HEAT: ("净调入热力", "Net imported heat"),
}
CHECK_NAMES = {
    "completeness": ("完整性", "completeness"), "lineage": ("数据溯源", "lineage"),
    "time_series": ("时间序列一致性", "time-series consistency"),
    "implied_factors": ("隐含排放因子", "implied emission factors"),
    "reference_approach": ("参考方法对比", "reference approach"),
    "hierarchy": ("层级核对", "hierarchy check"),
}
MAX_SERIES = 8
MAX_FINDINGS = 60


def sector_key(value: object) -> str:
    """The guideline sector code ``"1"``–``"5"`` of a sector value (code, int or alias)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return _SECTOR_ALIASES.get(text.lower(), text)


def sector_name(value: object, zh: bool) -> str:
    """Sector name in the reader's language."""
    key = sector_key(value)
    names = SECTORS.get(key)
    return (names[0] if zh else names[1]) if names else key


@lru_cache(maxsize=2048)
def category_name(code: str, zh: bool) -> str:
    """``1.A.1 能源工业`` (the code and its name; memo items by name)."""
    if code in _MEMO_NAMES:
        return _MEMO_NAMES[code][0 if zh else 1]
    try:
        cat = ipcc_category(code)
    except DataError:
        return code
    name = (cat.name_zh or cat.name_en) if zh else cat.name_en
    return f"{cat.code} {name}"


@lru_cache(maxsize=1)
def _items() -> dict[str, tuple[str, str]]:
    return {k: (i.name_zh, i.name_en) for k, i in packaged_items().items()}


def item_name(item: object, zh: bool) -> str:
    """Fuel, product or animal name in the reader's language."""
    key = str(item)
    names = _items().get(key)
    if not names:
        return key
    return (names[0] or names[1]) if zh else (names[1] or names[0])


def node_name(value: object, zh: bool) -> str:
    """A Sankey sector node: IPCC category, guideline sector, or the raw value."""
    text = str(value)
    if text in SECTORS or text.lower() in _SECTOR_ALIASES:
        return sector_name(text, zh)
    named = category_name(text, zh)
    return named


def _num(value: object) -> float | None:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def counted(rows: pd.DataFrame) -> pd.DataFrame:
    """Numeric, non-memo rows with a `skey` (sector code) column: what totals add up."""
    if rows.empty:
        return rows.assign(skey=pd.Series(dtype=object))
    memo = rows["memo"].fillna(False).astype(bool) if "memo" in rows else False
    out = rows.loc[~memo & rows["co2e_t"].notna()].copy()
    out["skey"] = out["sector"].map(sector_key)
    return out


def _pct(new: float | None, old: float | None) -> float | None:
    if new is None or old is None or old == 0:
        return None
    return (new - old) / abs(old) * 100.0


# ---- overview ------------------------------------------------------------------------------

def overview_figures(rows: pd.DataFrame, energy: pd.DataFrame, *, year: int, years: list[int],
                     zh: bool) -> dict[str, Any]:
    """Headline totals of `year` (both calibres) and the sector table."""
    data = counted(rows)
    by_year = data.groupby("year")["co2e_t"].sum()
    lulucf = data.loc[data["skey"] == LULUCF].groupby("year")["co2e_t"].sum()
    prev = year - 1 if (year - 1) in years else None

    def total(y: int | None) -> float | None:
        return _num(by_year.get(y)) if y is not None else None

    def gross(y: int | None) -> float | None:
        t = total(y)
        return None if t is None else t - float(lulucf.get(y, 0.0))

    calib = energy.set_index("year") if not energy.empty else pd.DataFrame()
    row = calib.loc[year] if year in calib.index else None
    prev_row = calib.loc[prev] if prev is not None and prev in calib.index else None
    energy_total = _num(row["total_t"]) if row is not None else None
    headline = {
        "net": total(year), "net_change": _pct(total(year), total(prev)),
        "gross": gross(year), "gross_change": _pct(gross(year), gross(prev)),
        "lulucf": _num(lulucf.get(year)) if year in lulucf.index else None,
        "energy_total": energy_total,
        "energy_change": _pct(energy_total,
                              _num(prev_row["total_t"]) if prev_row is not None else None),
        "energy_co2": _num(row["co2_t"]) if row is not None else None,
        "electricity": _num(row["electricity_co2_t"]) if row is not None else None,
        "prev_year": prev,
    }
    cur = data.loc[data["year"] == year]
    gases = cur.groupby("gas")["co2e_t"].sum().sort_values(ascending=False)
    gross_now = headline["gross"] or 0.0
    gas_rows = [{"gas": g, "co2e_t": float(t),
                 "share": float(t) / gross_now * 100 if gross_now else None}
                for g, t in gases.items()]
    return {"headline": headline, "gas_rows": gas_rows}


def compare_years(rows: pd.DataFrame, a: int, b: int, *, zh: bool) -> list[dict[str, Any]]:
    """Year A against year B by sector, with the totals excluding and including LULUCF."""
    data = counted(rows)
    table = data.loc[data["year"].isin([a, b])].pivot_table(
        index="skey", columns="year", values="co2e_t", aggfunc="sum")
    out: list[dict[str, Any]] = []

    def line(label: str, va: float | None, vb: float | None, kind: str) -> dict[str, Any]:
        change = None if va is None or vb is None else vb - va
        return {"label": label, "a": va, "b": vb, "change": change, "pct": _pct(vb, va),
                "kind": kind}

    for key in SECTORS:
        va = _num(table.at[key, a]) if key in table.index and a in table.columns else None
        vb = _num(table.at[key, b]) if key in table.index and b in table.columns else None
        out.append(line(sector_name(key, zh), va, vb, "sector"))
    gross_a = sum(r["a"] or 0 for r in out if r["label"] != sector_name(LULUCF, zh))
    gross_b = sum(r["b"] or 0 for r in out if r["label"] != sector_name(LULUCF, zh))
    net_a = sum(r["a"] or 0 for r in out)
    net_b = sum(r["b"] or 0 for r in out)
    out.append(line("合计（不含土地利用变化和林业）" if zh else "Total excluding LULUCF",
                    gross_a, gross_b, "total"))
    out.append(line("净排放合计（含土地利用变化和林业）" if zh else "Net total including LULUCF",
                    net_a, net_b, "total"))
    return out


def residual_rows(frame: pd.DataFrame, code: str, year: int, *, zh: bool) -> list[dict]:
    """The hierarchy check of `code` in `year`: children's sum against the region's own."""
    if frame is None or frame.empty:
        return []
    sub = frame.loc[(frame["parent_code"].astype(str) == code) & (frame["year"] == year)]
    out = []
    for r in sub.itertuples(index=False):
        out.append({
            "sector": sector_name(r.sector, zh) if str(r.sector) else "", "gas": r.gas,
            "parent_t": _num(r.parent_t), "children_t": _num(r.children_t),
            "residual_t": _num(r.residual_t), "residual_pct": _num(r.residual_pct),
            "explanation": r.explanation_zh if zh else r.explanation_en,
        })
    return out


def findings(found: Iterable[Finding], *, year: int, zh: bool) -> dict[str, Any]:
    """The run's QA/QC findings that concern `year` (or no year), errors first."""
    order = {"error": 0, "warning": 1, "info": 2}
    kept = [f for f in found if f.context.get("year") in (None, year)]
    kept.sort(key=lambda f: (order.get(str(f.severity), 3), f.code,
                             str(f.context.get("category", ""))))
    counts: dict[str, int] = {}
    for f in kept:
        counts[str(f.severity)] = counts.get(str(f.severity), 0) + 1
    items = []
    for f in kept[:MAX_FINDINGS]:
        ctx = f.context
        check = f.code.removeprefix("inventory.")
        items.append({
            "severity": str(f.severity),
            "check": CHECK_NAMES.get(check, (check, check))[0 if zh else 1],
            "region": str(ctx.get("region_code") or ctx.get("parent_code") or ""),
            "category": category_name(str(ctx["category"]), zh) if ctx.get("category") else "",
            "item": item_name(ctx["item"], zh) if ctx.get("item") else "",
            "gas": ctx.get("gas") or "", "message": f.message_zh if zh else f.message_en,
        })
    return {"items": items, "counts": counts, "total": len(kept)}


def reconciliation_rows(frame: pd.DataFrame | None, year: int, *, zh: bool) -> list[dict]:
    """Territorial CO2e → energy CO2 with net imported electricity, step by step, for `year`."""
    if frame is None or frame.empty:
        return []
    sub = frame.loc[frame["year"] == year]
    return [{"step": r.step_zh if zh else r.step, "value_t": _num(r.value_t)}
            for r in sub.itertuples(index=False)]


def notation_table(rows: pd.DataFrame, year: int, *, zh: bool) -> dict[str, Any]:
    """Each expected category × gas of the guideline: estimated (with CO2e) or its notation key."""
    cur = rows.loc[rows["year"] == year] if not rows.empty else rows
    # One line per (category, gas) first: the expectations then scan a few hundred keys.
    keys = pd.DataFrame({
        "category": cur["category"].astype(str), "gas": cur["gas"].astype(str),
        "numeric": cur["emissions_t"].notna(), "co2e": cur["co2e_t"].where(
            cur["emissions_t"].notna(), 0.0).fillna(0.0),
        "notation": cur["notation"].where(cur["notation"].astype(bool), None)
        if len(cur) else pd.Series(dtype=object)})
    per = keys.groupby(["category", "gas"], sort=False).agg(
        numeric=("numeric", "sum"), co2e=("co2e", "sum"),
        notation=("notation", lambda s: "|".join(sorted({str(x) for x in s.dropna()}))),
    ).reset_index()
    cats, gases = per["category"], per["gas"]
    counts = {k.value: 0 for k in NotationKey} | {"estimated": 0, "missing": 0}
    out = []
    for prefix, gas in EXPECTED_CATEGORIES:
        match = (cats == prefix) | cats.str.startswith(prefix + ".")
        gmatch = gases.str.startswith(GAS_GROUPS[gas]) if gas in GAS_GROUPS else gases == gas
        sub = per.loc[match & gmatch]
        found = sorted({k for text in sub["notation"] for k in text.split("|") if k})
        if sub["numeric"].sum() > 0:
            status, value = "estimated", float(sub["co2e"].sum())
        elif found:
            status, value = found[0], None
        else:
            status, value = "missing", None
        counts[status] = counts.get(status, 0) + 1
        meaning = ""
        if status in NotationKey.__members__:
            meaning = NOTATION_MEANING[NotationKey(status)][0 if zh else 1]
        out.append({"category": category_name(prefix, zh), "gas": gas, "status": status,
                    "keys": found, "co2e_t": value, "meaning": meaning})
    return {"rows": out, "counts": counts}


def _pivot(data: pd.DataFrame, key: str, years: list[int]) -> pd.DataFrame:
    table = data.pivot_table(index=key, columns="year", values="co2e_t", aggfunc="sum")
    return table.reindex(columns=years)


def _groups(table: pd.DataFrame, names: dict[str, str], other: str) -> list[dict[str, Any]]:
    """Largest series first; beyond MAX_SERIES, the rest as one "other" series."""
    if table.empty:
        return []
    order = table.abs().sum(axis=1).sort_values(ascending=False).index
    keep, rest = list(order[:MAX_SERIES]), list(order[MAX_SERIES:])
    out = []
    for key in keep:
        vals = [None if pd.isna(x) else float(x) for x in table.loc[key]]
        out.append({"key": str(key), "name": names.get(str(key), str(key)), "values": vals})
    if rest:
        summed = table.loc[rest].sum(axis=0, min_count=1)
        out.append({"key": "other", "name": other,
                    "values": [None if pd.isna(x) else float(x) for x in summed]})
    return out


def chart_data(rows: pd.DataFrame, flows: pd.DataFrame, totals: pd.DataFrame, *, region: str,
               year: int, years: list[int], zh: bool, locale: str) -> dict[str, Any]:
    """The JSON the overview's charts draw (workspace.js): series, treemap, Sankey, map."""
    data = counted(rows)
    other = "其他" if zh else "Other"
    sector_table = _pivot(data, "skey", years).reindex([k for k in SECTORS
                                                        if k in set(data["skey"])])
    by_sector = [{"key": k, "name": sector_name(k, zh),
                  "values": [None if pd.isna(x) else float(x) for x in sector_table.loc[k]]}
                 for k in sector_table.index]
    by_gas = _groups(_pivot(data, "gas", years), {}, other)
    fuel = data.loc[data["category"].astype(str).str.startswith("1.A")]
    fuel_names = {str(i): item_name(i, zh) for i in fuel["item"].unique()}
    by_fuel = _groups(_pivot(fuel, "item", years), fuel_names, other)
    cur = data.loc[(data["year"] == year) & (data["co2e_t"] > 0)]
    treemap = []
    for key in SECTORS:
        part = cur.loc[cur["skey"] == key].groupby("category")["co2e_t"].sum()
        part = part.loc[part > 0].sort_values(ascending=False)
        if len(part):
            treemap.append({"key": key, "name": sector_name(key, zh), "children": [
                {"name": category_name(str(c), zh), "value": float(t)} for c, t in part.items()]})
    nodes: dict[str, str] = {}
    links = []
    if flows is not None and not flows.empty:
        # The service names energy sub-sectors in Chinese (`sector`) and English (`sector_en`).
        column = "sector" if zh or "sector_en" not in flows else "sector_en"
        agg = flows.groupby(["fuel", column])["co2_t"].sum().reset_index()
        for fuel, sector, co2 in agg.loc[agg["co2_t"] > 0].itertuples(index=False):
            f, s = item_name(fuel, zh), node_name(sector, zh)
            if f == s:
                s = f"{s} "
            nodes.setdefault(f, "fuel")
            nodes.setdefault(s, "sector")
            links.append({"source": f, "target": s, "value": float(co2)})
    items = []
    if totals is not None and not totals.empty:
        for r in totals.itertuples(index=False):
            items.append({"code": str(r.region_code), "name": r.name_zh,
                          "value": _num(r.co2e_t)})
    labels = {
        "series_sector": "分领域温室气体排放" if zh else "GHG emissions by sector",
        "series_gas": "分气体温室气体排放" if zh else "GHG emissions by gas",
        "series_fuel": "分燃料化石燃料燃烧排放" if zh else "Fuel combustion emissions by fuel",
        "treemap": f"{year} 年分类别排放" if zh else f"Emissions by category, {year}",
        "sankey": f"{year} 年燃料→部门二氧化碳流向" if zh else f"Fuel → sector CO₂, {year}",
        "map": f"{year} 年下辖地区净排放" if zh else f"Net emissions of sub-regions, {year}",
        "net_total": "净排放合计" if zh else "Net total",
        "loading": "正在加载地图…" if zh else "Loading map…",
        "high": "高" if zh else "high", "low": "低" if zh else "low",
    }
    return {
        "locale": locale, "scale": CHART_SCALE,
        "unit": "万吨 CO₂e" if zh else "10⁴ t CO₂e",
        "years": years, "year": year, "region": region, "labels": labels,
        "series": {"sector": by_sector, "gas": by_gas, "fuel": by_fuel},
        "treemap": treemap,
        "sankey": {"nodes": [{"name": n, "side": side} for n, side in nodes.items()],
                   "links": links},
        "map": {"region": region, "items": items},
    }


# ---- runs ----------------------------------------------------------------------------------

def _frame_rows(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict(orient="records")


def frame_records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Records of a small frame for a template (NaN → None)."""
    return _frame_rows(frame)


def uncertainty_rows(frame: pd.DataFrame, *, zh: bool) -> list[dict[str, Any]]:
    """Uncertainty table rows with category names; the total (no IPCC code) first."""
    out = []
    for r in _frame_rows(frame):
        code = str(r.get("category") or "")
        is_total = code.lower() in {"total", "合计", ""}
        r["name"] = ("合计" if zh else "Total") if is_total else category_name(code, zh)
        r["total"] = is_total
        out.append(r)
    return sorted(out, key=lambda r: not r["total"])


def uncertainty_compare_rows(a1: pd.DataFrame, a2: pd.DataFrame, *,
                             zh: bool) -> list[dict[str, Any]]:
    """Approach 1 and Approach 2 side by side per category × gas (total first), each row
    marking whether its interval rests on default uncertainties (issue #9)."""
    keys = ["category", "gas"]
    left = a1.reindex(columns=[*keys, "co2e_t", "pct", "activity_pct", "factor_pct",
                               "default_ids", "exact_sources"])
    right = a2.reindex(columns=[*keys, "low", "high", "pct", "mean_t"]).rename(
        columns={"low": "mc_low", "high": "mc_high", "pct": "mc_pct"})
    both = left.merge(right, on=keys, how="outer") if not a2.empty else left.assign(
        mc_low=None, mc_high=None, mc_pct=None, mean_t=None)
    out = uncertainty_rows(both, zh=zh)
    for r in out:
        r["defaults"] = [i for i in str(r.get("default_ids") or "").split("|") if i]
    return out


def key_rows(frame: pd.DataFrame, *, zh: bool) -> list[dict[str, Any]]:
    """Key category rows with names, key ones first in level order."""
    out = []
    for r in _frame_rows(frame):
        r["name"] = category_name(str(r.get("category") or ""), zh)
        out.append(r)
    return out


REASONS = {"added": ("新增", "added"), "removed": ("删除", "removed"),
           "activity": ("活动水平", "activity"), "factor": ("排放因子", "factor"),
           "method": ("方法", "method"), "notation": ("注释符号", "notation key")}


def diff_rows(frame: pd.DataFrame | None, *, zh: bool) -> list[dict[str, Any]]:
    """What the recalculation changed, largest absolute change first."""
    out = []
    for r in _frame_rows(frame):
        reason = str(r.get("reason") or "")
        said = "+".join(REASONS.get(p, (p, p))[0 if zh else 1] for p in reason.split("+") if p)
        out.append({
            "year": r.get("year"), "category": category_name(str(r.get("category") or ""), zh),
            "item": item_name(r.get("item"), zh) if r.get("item") else "",
            "gas": r.get("gas") or "", "a": _num(r.get("co2e_a")), "b": _num(r.get("co2e_b")),
            "diff": _num(r.get("diff_co2e_t")), "reason": said,
        })
    return sorted(out, key=lambda r: -abs(r["diff"] or 0.0))


def lineage(info: Any) -> dict[str, Any]:
    """The run's lineage as the workbook's cover sheet records it."""
    return {"run_id": info.id, "created_at": str(info.created_at), "actor": info.actor,
            "label": info.label, "gwp": info.gwp, "source": info.source,
            "method": info.method, "method_zh": method_zh(info.method),
            "factor_datasets": dict(info.factor_datasets or {}),
            "supersedes": info.supersedes}


def _dataset_entry(name: str, edition: str) -> dict[str, str]:
    for candidate in (name, f"factors/{name}", f"categories/{name}"):
        try:
            meta = load_meta(dataset_dir(candidate, edition or None))
        except (NotFound, OSError, ValueError):
            continue
        return {"title": meta.title, "title_zh": meta.title_zh, "edition": meta.edition,
                "publisher": meta.publisher, "licence": meta.licence}
    return {"title": name, "title_zh": name, "edition": edition, "publisher": "—",
            "licence": "—"}


def method_zh(method: str) -> str:
    """A run's stored method (``tanzhi 0.1.0 inventory engine: IPCC 2006 Guidelines …``) in
    Chinese words (issue #11 item 7); another method text as stored."""
    words = str(method).split()
    if len(words) > 3 and words[0] == "tanzhi" and words[2:4] == ["inventory", "engine:"]:
        return (f"碳智清单计算引擎 {words[1]}：《2006年IPCC国家温室气体清单指南》（第2—5卷，"
                "方法1、方法2）与《省级温室气体清单编制指南（试行）》（2011）")
    return str(method)


def provenance(info: Any, *, zh: bool) -> list[dict[str, str]]:
    """Footer sources: the run itself (id, method, GWP), each factor dataset, the categories."""
    if info is None:
        return []
    gwp = str(info.gwp)
    label = str(info.label or info.source)
    out = [{
        "title": f"Inventory run #{info.id} ({info.label or info.source}) — method: "
                 f"{info.method}; GWP: IPCC {gwp} 100-year",
        "title_zh": f"清单运行 #{info.id}（{label.split(' / ')[0]}）— "
                    f"方法：{method_zh(info.method)}；全球增温潜势：IPCC {gwp} 100 年",
        "edition": f"run {info.id}, {str(info.created_at)[:16]}",
        # the platform computed the run; who started it is in the run bar and the audit log
        "publisher": "tanzhi", "licence": "—"}]
    for name, edition in sorted(dict(info.factor_datasets or {}).items()):
        out.append(_dataset_entry(str(name), str(edition)))
    cats = categories_dataset()
    out.append(_dataset_entry(cats.id, cats.edition))
    return out


def item_provenance() -> list[dict[str, str]]:
    """Sources of the upload page: the item list and the category codes it validates against."""
    cats = categories_dataset()
    return [_dataset_entry("factors/items", ""), _dataset_entry(cats.id, cats.edition)]


def activity_summary(frame: pd.DataFrame, *, zh: bool) -> dict[str, Any]:
    """A validated activity set at a glance: regions × years, categories, and its first rows."""
    regions = sorted(frame["region_code"].astype(str).unique())
    years = sorted(int(y) for y in frame["year"].unique())
    by_cat = (frame.groupby("category").size().sort_index()
              if len(frame) else pd.Series(dtype=int))
    preview = []
    for r in frame.head(20).itertuples(index=False):
        preview.append({"region_code": r.region_code, "year": int(r.year),
                        "category": category_name(str(r.category), zh),
                        "item": item_name(r.item, zh), "value": _num(r.value), "unit": r.unit})
    return {"rows": len(frame), "regions": regions, "years": years,
            "categories": [{"name": category_name(str(c), zh), "rows": int(n)}
                           for c, n in by_cat.items()],
            "preview": preview}


def years_of(values: Iterable[object]) -> list[int]:
    """Sorted distinct years."""
    return sorted({int(y) for y in values})

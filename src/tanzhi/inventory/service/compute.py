"""Compile a whole region tree in one vectorised pass, with a missing factor reported NE.

`compute_rows` runs the engine (`calc.compute_inventory`) once per sector group over every
region and year at once.  A group the factor library cannot serve (a missing factor, an
ambiguous variant) is split into its (category, item) parts and then into years, so only the
rows that truly lack a factor come out as NE — each with the library's own explanation in
``note``.  Activity rows no engine method reads come out NE too, and the international bunkers
the statistics cannot separate come out IE.  `hierarchy_residuals_frame` compares each parent
with the sum of its children per sector and gas.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tanzhi.inventory.calc import compute_inventory
from tanzhi.inventory.calc.activity import (
    FactorCache,
    ScopedLookup,
    prepare_activity,
)
from tanzhi.inventory.calc.totals import gwp_weights, sector_of
from tanzhi.inventory.checks import EXPECTED_CATEGORIES
from tanzhi.inventory.formats.factors import FactorOverrides, check_overrides_used
from tanzhi.inventory.model import (
    BUNKER_CATEGORIES,
    ID_SEPARATOR,
    Estimate,
    FactorLike,
    FactorLookup,
    InventoryOptions,
    NotationKey,
)
from tanzhi.kernel import DataError, NotFound, Sector, UnitError, canonical_parameter, region_chain

SECTOR_CODE = {Sector.ENERGY.value: 1, Sector.INDUSTRIAL_PROCESSES.value: 2,
               Sector.AGRICULTURE.value: 3, Sector.LUCF.value: 4, Sector.WASTE.value: 5}
SECTOR_NAMES = {1: ("能源活动", "Energy"), 2: ("工业生产过程", "Industrial processes"),
                3: ("农业", "Agriculture"), 4: ("土地利用变化和林业", "LULUCF"),
                5: ("废弃物处理", "Waste")}
# Sector groups the engine is run on, one call each (category prefixes).
GROUPS: tuple[tuple[str, ...], ...] = (
    ("1.A",), ("1.B",), ("memo.",), ("2.A",), ("2.B",), ("2.C", "2.D", "2.E", "2.F", "2.G", "2.H"),
    ("3.A",), ("3.C",), ("3.B",), ("4.A",), ("4.B", "4.C"), ("4.D",),
)
_FAILURES = (DataError, NotFound, UnitError, LookupError)
NO_METHOD_ZH = "引擎无此类别的方法（未估算）"
NO_METHOD_EN = "the engine has no method for this category (not estimated)"
BUNKER_NOTE = ("统计数据未区分国际航班/航线用油，国际燃料舱已包含在国内航空/水运中（IE） / "
               "the statistics do not separate international trips: bunkers are included "
               "in domestic aviation/navigation (IE)")


@dataclass
class Compiled:
    """Result rows of a compilation (store layout) and the notes gathered on the way."""

    rows: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    estimates: list[Estimate] = field(default_factory=list)


@dataclass(frozen=True)
class MissingFactor:
    """Stands in for a factor the library cannot give: NaN value, so the rows that need it
    come out NaN (reported NE with `reason`) while every other row is computed in the same
    vectorised pass."""

    id: str
    reason: str
    value: float = float("nan")
    unit: str = "1"
    uncertainty_pct: float | None = None


MISSING_PREFIX = "NE:"


class CompileLookup:
    """The FactorLookup a compilation uses: region-collapsed, memoised, never raising.

    The library resolves a region through `region_chain` (county → city → province → grid →
    China → anywhere); codes of that chain for which the library holds no factor at all cannot
    change the answer, so a county asks as its province does and 102 regions cost the lookups
    of one.  A lookup the library refuses (absent, ambiguous) returns a `MissingFactor` whose
    id starts ``NE:`` and whose reason is the library's own message.
    """

    def __init__(self, library: FactorLookup) -> None:
        self._library = library
        factors = getattr(library, "factors", None)
        self._regions: set[str] | None = (
            {str(f.region_code) for f in factors()} if callable(factors) else None)
        # Parameters some factor of which is limited to years: for the others every year gets
        # the same answer, so the keyed join asks once, not once per year (issue #9 item 10).
        self._dated: set[str] | None = (
            {f.parameter for f in factors() if f.year_from is not None or f.year_to is not None}
            if callable(factors) else None)
        self._effective: dict[str | None, str | None] = {}
        self._memo: dict[tuple, FactorLike] = {}
        self.missing: dict[str, str] = {}

    def _region(self, code: str | None) -> str | None:
        if self._regions is None or not code:
            return code
        if code not in self._effective:
            chain = region_chain(code)
            chosen = chain[-1]
            for c in chain:
                if c in self._regions or (c.isdigit() and c.endswith("0000")):
                    chosen = c
                    break
            self._effective[code] = chosen
        return self._effective[code]

    def year_matters(self, parameter: str) -> bool:
        """Whether the library's answer for `parameter` can differ between years."""
        return self._dated is None or canonical_parameter(parameter) in self._dated

    @property
    def scoped(self) -> bool:
        """Whether the library limits user rows to their scope (`ScopedLookup`)."""
        return isinstance(self._library, ScopedLookup)

    def lookup(self, **key: object) -> FactorLike:
        """`FactorLookup.lookup` with the region collapsed, memoised; `MissingFactor` if none."""
        return self.lookup_in_scope(**key)

    def lookup_in_scope(self, **key: object) -> FactorLike:
        """Like `lookup`, passing ``scope_category``/``scope_item`` to a `ScopedLookup`."""
        key = dict(key)
        if "region_code" in key:
            key["region_code"] = self._region(key["region_code"])  # type: ignore[arg-type]
        memo_key = tuple(sorted(key.items()))
        found = self._memo.get(memo_key)
        if found is None:
            scope = {k: key.pop(k) for k in ("scope_category", "scope_item") if k in key}
            try:
                if scope and self.scoped:
                    found = self._library.lookup_in_scope(**scope, **key)  # type: ignore[attr-defined]
                else:
                    found = self._library.lookup(**key)  # type: ignore[arg-type]
            except _FAILURES as exc:
                parts = [str(key.get("item")), str(key.get("parameter"))]
                parts += [str(key[k]) for k in ("gas", "variant") if key.get(k)]
                fid = MISSING_PREFIX + "/".join(parts)
                self.missing.setdefault(fid, str(exc).replace("\n", " "))
                found = MissingFactor(fid, self.missing[fid])
            self._memo[memo_key] = found
        return found


class FastCache(FactorCache):
    """FactorCache over a `CompileLookup`: rows' regions collapse to the region the library
    answers for before the key table is built, so 102 regions cost the lookups of one."""

    def __init__(self, lookup: CompileLookup, variants: dict[str, str] | None) -> None:
        super().__init__(lookup, variants)
        self._compile = lookup
        self.scoped = lookup.scoped

    def region_keys(self, codes: pd.Series) -> pd.Series:  # noqa: D102
        index, uniques = pd.factorize(codes.to_numpy(dtype=object), use_na_sentinel=False)
        mapped = np.array([self._compile._region(c) for c in uniques], dtype=object)
        return pd.Series(mapped[index], index=codes.index, dtype=object)

    def year_matters(self, parameter: str) -> bool:  # noqa: D102
        return self._compile.year_matters(parameter)


def _in_group(category: pd.Series, prefixes: Sequence[str]) -> pd.Series:
    mask = pd.Series(False, index=category.index)
    for p in prefixes:
        mask |= category.str.startswith(p) if p.endswith(".") else (
            (category == p) | category.str.startswith(p + "."))
    return mask


def expected_gases(category: str) -> list[str]:
    """Gases a category reports (EXPECTED_CATEGORIES; CO2 when it lists none)."""
    gases = [g for c, g in EXPECTED_CATEGORIES
             if (category == c or category.startswith(c + ".") or c.startswith(category + "."))
             and g not in ("HFCs", "PFCs")]
    return list(dict.fromkeys(gases)) or ["CO2"]


def _not_estimated(act: pd.DataFrame, note: str) -> pd.DataFrame:
    """NE rows for activity rows: one per (region, year, category, item) and expected gas."""
    if act.empty:
        return pd.DataFrame()
    keys = ["region_code", "year", "category", "item"]
    # Ids joined per group in one pass over the rows sorted by group: a groupby with a Python
    # aggregation built a Series per group and was a tenth of a province compile (issue #9
    # item 10).
    group = act.groupby(keys, sort=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")
    ids = act["activity_id"].astype(str).to_numpy(dtype=object)[order]
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    ends = np.r_[starts[1:], len(order)]
    first = order[starts]
    grouped = act.iloc[first][keys].reset_index(drop=True)
    grouped["activity_ids"] = [ID_SEPARATOR.join(ids[a:b])
                               for a, b in zip(starts, ends, strict=True)]
    grouped["activity_value"] = np.add.reduceat(
        act["value"].to_numpy(dtype="float64")[order], starts)
    grouped["activity_unit"] = act["unit"].to_numpy(dtype=object)[first]
    parts = []
    for cat, sub in grouped.groupby("category", sort=False):
        for gas in expected_gases(str(cat)):
            parts.append(sub.assign(gas=gas))
    out = pd.concat(parts, ignore_index=True)
    return out.assign(emissions_t=np.nan, method="", factor_ids="", memo=False,
                      notation=NotationKey.NE.value, note=note)


def _run(act: pd.DataFrame, cache: FactorCache, options: InventoryOptions,
         compiled: Compiled, *, level: int = 0) -> list[pd.DataFrame]:
    """Engine rows for `act`; on a factor failure split by (category, item), then by year."""
    try:
        est = compute_inventory(act, cache, options=options)
    except _FAILURES as exc:
        if level == 0 and act[["category", "item"]].drop_duplicates().shape[0] > 1:
            parts = [g for _, g in act.groupby(["category", "item"], sort=True)]
        elif level <= 1 and act["year"].nunique() > 1:
            parts = [g for _, g in act.groupby("year", sort=True)]
            level = 1
        else:
            reason = str(exc).replace("\n", " ")
            return [_not_estimated(act, f"未估算 / not estimated: {reason}")]
        out: list[pd.DataFrame] = []
        for part in parts:
            out.extend(_run(part, cache, options, compiled, level=level + 1))
        return out
    compiled.estimates.append(est)
    return [est.rows.assign(note=""), _unused(act, est.rows)]


def _run_once(act: pd.DataFrame, cache: FactorCache, options: InventoryOptions,
              compiled: Compiled) -> list[pd.DataFrame]:
    est = compute_inventory(act, cache, options=options)
    compiled.estimates.append(est)
    return [est.rows.assign(note=""), _unused(act, est.rows)]


def _unused(act: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """NE rows for activity rows no engine method read."""
    ids = rows["activity_ids"].dropna().astype(str)
    used = set(ID_SEPARATOR.join(ids.tolist()).split(ID_SEPARATOR)) if len(ids) else set()
    return _not_estimated(act.loc[~act["activity_id"].isin(used)],
                          f"{NO_METHOD_ZH} / {NO_METHOD_EN}")


def _bunker_rows(act: pd.DataFrame) -> pd.DataFrame:
    """IE memo rows for bunkers where domestic aviation/navigation fuel is reported."""
    domestic = {"1.A.3.a.ii": "1.A.3.a.i", "1.A.3.d.ii": "1.A.3.d.i"}
    sub = act.loc[act["category"].isin(list(domestic))]
    if sub.empty:
        return pd.DataFrame()
    out = sub[["region_code", "year", "category", "item"]].drop_duplicates().copy()
    out["category"] = out["category"].map(domestic)
    out = out.loc[out["category"].isin(BUNKER_CATEGORIES)]
    return out.assign(gas="CO2", emissions_t=np.nan, method="", factor_ids="", activity_ids="",
                      activity_value=np.nan, activity_unit="", memo=True,
                      notation=NotationKey.IE.value, note=BUNKER_NOTE)


def _explain_missing(rows: pd.DataFrame, missing: dict[str, str]) -> pd.DataFrame:
    """Rows left NaN by a `MissingFactor`: notation NE, the missing factor and the library's
    reason in ``note`` (the ``NE:`` id stays in ``factor_ids`` as lineage of what is lacking)."""
    out = rows.copy()
    out["note"] = out["note"].fillna("") if "note" in out.columns else ""
    nan = out["emissions_t"].isna()
    no_key = out["notation"].isna() | (out["notation"] == "")
    ids = out["factor_ids"].fillna("").astype(str)
    lacking = nan & _per_distinct(ids, lambda t: MISSING_PREFIX in t)
    if lacking.any():
        def reason(text: str) -> str:
            gone = [i for i in text.split(ID_SEPARATOR) if i.startswith(MISSING_PREFIX)]
            return "；".join(f"{i[len(MISSING_PREFIX):]}: {missing.get(i, '')}" for i in gone)
        per = {t: reason(t) for t in ids[lacking].unique()}
        out.loc[lacking, "note"] = "未估算：因子库缺少因子 / not estimated, factor missing — " + \
            ids[lacking].map(per)
    out.loc[nan & no_key, "notation"] = NotationKey.NE.value
    plain = nan & (out["note"] == "")
    out.loc[plain, "note"] = ("因子库中没有该气体的排放因子 / "
                              "the factor library has no factor for this gas")
    return out


def _per_distinct(text: pd.Series, test: Callable[[str], bool]) -> pd.Series:
    """`test` of each row's text, decided once per distinct value (string methods per row over
    150,000 rows were a visible share of a compilation, issue #9 item 10)."""
    codes, uniq = pd.factorize(text.to_numpy(dtype=object), use_na_sentinel=False)
    hit = np.array([test(str(u)) for u in uniq], dtype=bool)
    return pd.Series(hit[codes] if len(codes) else np.zeros(0, dtype=bool), index=text.index)


def finish_rows(rows: pd.DataFrame, gwp: str) -> pd.DataFrame:
    """Add ``sector`` (1–5) and ``co2e_t`` under `gwp`; store column order."""
    cats = rows["category"].astype(str)
    per = {c: SECTOR_CODE.get(sector_of(c), 1) for c in cats.unique()}
    out = rows.assign(sector=cats.map(per).astype("int64"))
    out["co2e_t"] = out["emissions_t"].to_numpy() * gwp_weights(out["gas"], gwp)
    out["notation"] = out["notation"].where(out["notation"].notna(), "")
    # Memo categories stay memo when the engine reports them NE (its NE helper drops the flag).
    out["memo"] = out["memo"].fillna(False).astype(bool) | _per_distinct(
        cats, lambda c: c.startswith("memo.") or c in BUNKER_CATEGORIES)
    out["note"] = out["note"].fillna("")
    cols = ["region_code", "year", "category", "sector", "item", "gas", "emissions_t", "co2e_t",
            "memo", "notation", "method", "factor_ids", "activity_ids", "activity_value",
            "activity_unit", "note"]
    return out[cols].sort_values(["region_code", "year", "category", "item", "gas"],
                                 ignore_index=True)


def compute_rows(activity: pd.DataFrame, factors: FactorLookup, *, gwp: str,
                 options: InventoryOptions | None = None,
                 cache_type: type[FastCache] | None = None) -> Compiled:
    """Every region and year of `activity` through the engine, in one pass per sector group.

    `activity` needs ``activity_id`` (stored row ids keep lineage across runs).  `cache_type`
    replaces `FastCache` (the compile benchmark passes its per-row baseline).
    """
    opts = options or InventoryOptions()
    lookup = CompileLookup(factors)
    cache = (cache_type or FastCache)(lookup, opts.variants)
    act = prepare_activity(activity)
    compiled = Compiled(rows=pd.DataFrame())
    try:
        # Missing factors do not raise (CompileLookup), so one engine pass serves all sectors.
        parts = _run_once(act, cache, opts, compiled)
    except _FAILURES:
        parts = []
        cat = act["category"]
        for prefixes in GROUPS:
            mask = _in_group(cat, prefixes)
            if mask.any():
                parts.extend(_run(act.loc[mask], cache, opts, compiled))
    parts.append(_bunker_rows(act))
    rows = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    compiled.rows = finish_rows(_explain_missing(rows, lookup.missing), gwp)
    if isinstance(factors, FactorOverrides):
        # A user's factor file is applied or refused, never ignored (issue #9, item 1).
        check_overrides_used(factors, compiled.rows, act)
    return compiled

"""Activity × factor for every sector: input checks, factor joins, units, lineage, terms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.estimate import EstimateBuilder
from tanzhi.inventory.model import (
    ACTIVITY_COLUMNS,
    FactorLike,
    FactorLookup,
    NotationKey,
)
from tanzhi.kernel import (
    DataError,
    FactorUnitMismatch,
    Location,
    NotFound,
    Problem,
    unit_scale,
)

# Stoichiometric mass ratios (IPCC 2006 Vol.2 Ch.1 §1.4.1, Vol.4 Ch.11 Eq.11.1, Vol.5 Ch.3 Eq.3.5).
C_TO_CO2 = 44.0 / 12.0
N2ON_TO_N2O = 44.0 / 28.0
C_TO_CH4 = 16.0 / 12.0
# N2O-N per N as openscm-units spells it ("kg N2ON/kg N" would parse as kg·N2ON/kg·N).
N2ON_UNITS = ("kgN2ON/kgN", "kgN2ON/kg", "1")


# ---------------------------------------------------------------------------------------------
# Activity input

# Marks a frame `prepare_activity` already checked, so sector functions called from
# `compute_inventory` do not check it again (pandas keeps `attrs` through copies and slices).
_PREPARED = "tanzhi.inventory.prepared"
_PREPARED_COLUMNS = frozenset({*ACTIVITY_COLUMNS, "uncertainty_pct", "activity_id", "_row"})


def prepare_activity(activity: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check and normalise a long activity table.

    Parameters
    ----------
    activity
        Columns ``region_code, year, category, item, value, unit`` and optionally
        ``uncertainty_pct`` (95 % half-width, % of the value), ``activity_id`` and
        ``variant`` (the variant of the row item's factors: technology, cement type …).
    source
        File name used in error locations.

    Returns
    -------
    pandas.DataFrame
        Same rows with typed columns, ``uncertainty_pct`` (NaN when unknown), ``activity_id``
        (the frame index as text when absent) and ``_row`` (1-based sheet row, header = row 1).

    Raises
    ------
    DataError
        Every missing column, blank key, non-numeric value and duplicate id, with its row.
    """
    if activity.attrs.get(_PREPARED) and _PREPARED_COLUMNS <= set(activity.columns):
        return activity
    missing = [c for c in ACTIVITY_COLUMNS if c not in activity.columns]
    if missing:
        raise DataError(
            [Problem(f"活动水平表缺少“{c}”列", f"activity table lacks column '{c}'",
                     Location(source, None, c)) for c in missing]
        )
    frame = activity.copy()
    if "_row" not in frame.columns:
        frame["_row"] = np.arange(len(frame)) + 2
    problems: list[Problem] = []

    def flag(mask: pd.Series, column: str, zh: str, en: str) -> None:
        for row in frame.loc[mask, "_row"]:
            problems.append(Problem(zh, en, Location(source, int(row), column)))

    for col in ("region_code", "category", "item", "unit"):
        text = _stripped(frame[col])
        flag(pd.Series(text == "", index=frame.index), col, f"“{col}”为空", f"'{col}' is blank")
        frame[col] = pd.Series(text, index=frame.index).astype(str)
    year = pd.to_numeric(frame["year"], errors="coerce")
    flag(year.isna() | (year != year.round()), "year", "年份不是整数", "year is not an integer")
    value = pd.to_numeric(frame["value"], errors="coerce")
    flag(value.isna(), "value", "数值缺失或不是数字", "value is missing or not a number")
    if "uncertainty_pct" in frame.columns:
        unc = pd.to_numeric(frame["uncertainty_pct"], errors="coerce")
        bad = frame["uncertainty_pct"].notna() & (unc.isna() | (unc < 0))
        flag(bad, "uncertainty_pct", "不确定性须为非负百分数",
             "uncertainty must be a non-negative %")
    else:
        unc = pd.Series(np.nan, index=frame.index)
    if "activity_id" in frame.columns:
        ids = frame["activity_id"].astype("string").fillna("").astype(str)
    else:
        ids = pd.Series(frame.index.astype(str), index=frame.index)
    flag(ids.duplicated(keep=False) | (ids == ""), "activity_id",
         "活动数据编号重复或为空", "activity id is duplicated or blank")
    if problems:
        raise DataError(problems)
    frame["year"] = year.astype("int64")
    frame["value"] = value.astype("float64")
    frame["uncertainty_pct"] = unc.astype("float64")
    frame["activity_id"] = ids.astype(str)
    if "variant" in frame.columns:
        frame["variant"] = pd.Series(_stripped(frame["variant"]), index=frame.index).astype(str)
    frame.attrs[_PREPARED] = True
    return frame


def _stripped(column: pd.Series) -> np.ndarray:
    """The column as stripped text, "" where missing; each distinct value stripped once (a
    province has a few hundred distinct codes over 60,000 rows; per-cell string methods were
    a tenth of a compilation, issue #9 item 10)."""
    codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=True)
    clean = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    return clean[codes]  # code -1 (missing) takes the trailing ""


def select_categories(activity: pd.DataFrame, prefixes: Iterable[str]) -> pd.DataFrame:
    """Rows whose category is one of `prefixes` or below one (``1.A`` takes ``1.A.1.a``)."""
    return activity.loc[in_categories(activity["category"], prefixes)]


def in_categories(category: pd.Series, prefixes: Iterable[str]) -> np.ndarray:
    """Boolean mask: the category is one of `prefixes` or below one (IPCC code prefixes).

    Decided once per distinct code and mapped back (a province has ~60 codes over 60,000
    rows; string tests per row were a large share of a compilation).
    """
    wanted = tuple(prefixes)
    codes, uniques = pd.factorize(category.astype(str), use_na_sentinel=False)
    hit = np.array([any(c == p or c.startswith(p + ".") for p in wanted) for c in uniques],
                   dtype=bool)
    return hit[codes] if len(codes) else np.zeros(0, dtype=bool)


# ---------------------------------------------------------------------------------------------
# Units


def scale_to_options(
    units: pd.Series, options: Sequence[str], *, fill: pd.Series | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row multiplier to the first option whose dimension matches, and that option.

    Options may contain ``{activity_unit}``, filled per row from `fill`.  Rows matching no
    option get NaN and an empty option (the caller raises with its own context).
    """
    u_codes, u_uniq = pd.factorize(units.astype(str), use_na_sentinel=False)
    if fill is not None:
        f_codes, f_uniq = pd.factorize(fill.astype(str), use_na_sentinel=False)
    else:
        f_codes, f_uniq = np.zeros(len(u_codes), dtype="int64"), np.array([""], dtype=object)
    pair = u_codes.astype("int64") * (len(f_uniq) + 1) + f_codes
    uniq_pairs, inverse = np.unique(pair, return_inverse=True)
    mults = np.full(len(uniq_pairs), np.nan)
    chosen_of = np.full(len(uniq_pairs), "", dtype=object)
    for k, code in enumerate(uniq_pairs):
        u = str(u_uniq[code // (len(f_uniq) + 1)])
        f = str(f_uniq[code % (len(f_uniq) + 1)])
        for option in options:
            target = option.replace("{activity_unit}", f"({f})" if f else "1")
            mult = unit_scale(u, target)
            if mult is not None:
                mults[k], chosen_of[k] = mult, option.replace("{activity_unit}", f)
                break
    return mults[inverse], chosen_of[inverse]


def canonical_activity(
    frame: pd.DataFrame, options: Sequence[str], *, what_zh: str, what_en: str,
    source: str | None = None,
) -> pd.DataFrame:
    """Add ``activity_value``/``activity_unit``: the value in the first matching canonical unit.

    The unit's dimension decides (never a guess from the number): e.g. fuel given in 万吨 goes
    to ``t`` and needs a calorific value, fuel in 亿立方米 goes to ``m**3``.

    Raises
    ------
    DataError
        Rows whose unit matches none of `options`, with their row and unit.
    """
    mult, chosen = scale_to_options(frame["unit"], options)
    bad = np.isnan(mult)
    if bad.any():
        rows = frame.loc[bad]
        raise DataError([
            Problem(f"{what_zh}的单位“{u}”不可用，应为 {' / '.join(options)} 之一",
                    f"unit '{u}' cannot be used for {what_en}; "
                    f"expected one of {', '.join(options)}",
                    Location(source, int(r), "unit"))
            for u, r in zip(rows["unit"], rows["_row"], strict=True)
        ])
    out = frame.copy()
    out["activity_value"] = frame["value"].to_numpy() * mult
    out["activity_unit"] = chosen.astype(str)
    return out


# ---------------------------------------------------------------------------------------------
# Factors


@runtime_checkable
class ScopedLookup(Protocol):
    """A FactorLookup that limits user rows to the category and item they were written for.

    The engine asks on behalf of one activity row: `scope_category` is that row's category and
    `scope_item` its item, also when the method reads a fixed item (``managed_soils``,
    ``rice``, ``landfill`` …).  A user row written for ``1.A.1`` then reaches ``1.A.1.a`` but
    never ``1.A.2``, and a row written for the activity's item (氮肥 under 3.C.4) reaches the
    factor the method reads for that item (issue #9, item 1).
    """

    def lookup_in_scope(self, *, scope_category: str, scope_item: str,
                        **key: object) -> FactorLike: ...  # noqa: D102


_SCOPE_KEYS = ("scope_category", "scope_item")


class FactorCache:
    """A memoising FactorLookup: one library call per distinct key within a compilation.

    Parameters
    ----------
    library
        The factor library (kernel `FactorLibrary` or any `FactorLookup`).
    variants
        Variant choices for parameters the activity rows do not determine (climate class,
        technology, landfill type …), keyed ``"<item>/<parameter>"`` or ``"<parameter>"``;
        e.g. ``{"OX": "uncovered", "swine/EF_enteric_CH4": "developing"}``.
    """

    def __init__(self, library: FactorLookup,
                 variants: Mapping[str, str] | None = None) -> None:
        self._library = library
        self.variants: dict[str, str] = dict(variants or {})
        self._memo: dict[tuple, FactorLike | str] = {}
        self.scoped = isinstance(library, ScopedLookup)

    def lookup(self, **key: object) -> FactorLike:
        """Like `FactorLookup.lookup`; raises NotFound for an absent factor.

        ``variant`` is passed on only when set, so libraries without variants work too; the
        scope keys (`ScopedLookup`) only to a library that takes them.
        """
        scope = {k: key.pop(k) for k in _SCOPE_KEYS if k in key}
        if key.get("variant") is None:
            key.pop("variant", None)
        memo_key = tuple(sorted(key.items()))
        if self.scoped:
            memo_key += tuple(sorted(scope.items()))
        if memo_key not in self._memo:
            try:
                if self.scoped and scope:
                    found = self._library.lookup_in_scope(**scope, **key)  # type: ignore[attr-defined]
                else:
                    found = self._library.lookup(**key)  # type: ignore[arg-type]
                self._memo[memo_key] = found
            except (NotFound, LookupError) as exc:
                self._memo[memo_key] = str(exc) or f"no factor for {dict(key)}"
        found = self._memo[memo_key]
        if isinstance(found, str):
            raise NotFound(found)
        return found

    def region_keys(self, codes: pd.Series) -> pd.Series:
        """The region each row's lookup is made for (a subclass may collapse codes that
        cannot change the answer, so the key table stays small)."""
        return codes.astype(object)

    def year_matters(self, parameter: str) -> bool:
        """Whether lookups of `parameter` must be keyed by year (a subclass that knows the
        library holds no year-limited factor of it answers False: one lookup for all years)."""
        return True

    def variant_for(self, item: str, parameter: str) -> str | None:
        """The configured variant of `parameter` for `item`, if any."""
        return self.variants.get(f"{item}/{parameter}") or self.variants.get(parameter)


def as_cache(factors: FactorLookup, variants: Mapping[str, str] | None = None) -> FactorCache:
    """Wrap a factor library once, so several sector functions share the lookups."""
    if isinstance(factors, FactorCache):
        return factors
    return FactorCache(factors, variants)


@dataclass(frozen=True)
class FactorSpec:
    """Which factor a method needs and in which unit it computes with it.

    Attributes
    ----------
    name
        Column prefix in the working frame (``name``, ``name_id``, ``name_u``).
    parameter
        The library's parameter name (e.g. ``net_calorific_value``).
    units
        Canonical unit options, first match wins; ``{activity_unit}`` is filled per row.
    item
        A fixed item id; None uses each row's own item.
    gas
        Passed to the lookup.
    by_category
        Pass the row's category to the lookup (factors that differ by sector).
    optional
        A missing factor gives NaN (the caller reports NE) instead of an error.
    variant
        A fixed variant.  Otherwise the variant comes from the cache's configured choices,
        then (``variant_from_item``) the row's item, then, for factors of the row's own item,
        the activity's optional ``variant`` column.
    variant_from_item
        The row's item names the variant of a fixed item (rice water regime → variant of
        item ``rice``).
    """

    name: str
    parameter: str
    units: tuple[str, ...]
    item: str | None = None
    gas: str | None = None
    by_category: bool = False
    optional: bool = False
    variant: str | None = None
    variant_from_item: bool = False


def attach_factors(
    frame: pd.DataFrame, factors: FactorLookup, specs: Sequence[FactorSpec],
    *, item_column: str = "item", scope_category: str | None = None,
) -> pd.DataFrame:
    """Add each spec's factor value (in its canonical unit), id and uncertainty to `frame`.

    A keyed join: the rows' lookup keys (item, category, region, year, variant, the activity
    unit the factor must serve and, for a `ScopedLookup`, the row's own category and item) are
    reduced to their distinct values, each distinct key is resolved once, and the answers join
    back to the rows.  Regions go through `FactorCache.region_keys` first, so a library that
    answers a county as its province is asked once for all of them (issue #9, item 10).
    `scope_category` replaces the rows' category as the scope of user rows (the reference
    approach reads flows).

    Which factor a key gets is the library's precedence (`tanzhi.kernel.factor_precedence`,
    ``PRECEDENCE_RULES``: dataset, longest category, region, year, variant); the spec's unit
    options, filled with the row's activity unit, go with the key as ``units`` so a factor
    whose dimension cannot serve the row is skipped, not taken and then failed.

    Raises
    ------
    NotFound
        A required factor is absent (message names item, parameter, region, year and the
        first activity row that needs it).
    DataError
        A factor's unit fits none of the spec's canonical units (located at the first row).
    """
    cache = as_cache(factors)
    out = frame.copy()
    n = len(out)
    sheet_row = (out["_row"].to_numpy() if "_row" in out.columns
                 else np.arange(n) + 2)
    # Key columns shared by every spec are factorised once per call (issue #9, item 10).
    region = _Coded(cache.region_keys(out["region_code"]).to_numpy(dtype=object))
    year = _Coded(out["year"].to_numpy(dtype="int64"))
    own_item = _Coded(out[item_column].to_numpy(dtype=object))
    own_category = _Coded(out["category"].astype(str).to_numpy(dtype=object))
    blank = _Coded.constant("", n)
    if cache.scoped:
        scat = (_Coded.constant(scope_category, n) if scope_category is not None
                else own_category)
        sitem = _Coded(out[item_column].astype(str).to_numpy(dtype=object))
    else:
        scat = sitem = blank
    fill = out["activity_unit"] if "activity_unit" in out.columns else None
    filled_unit = _Coded(fill.astype(str).to_numpy(dtype=object)) if fill is not None else blank
    for spec in specs:
        item = _Coded.constant(spec.item, n) if spec.item else own_item
        category = own_category if spec.by_category else blank
        variant = _Coded(_variants(out, spec, item, cache, item_column))
        per_unit = fill is not None and any("{activity_unit}" in o for o in spec.units)
        aunit = filled_unit if per_unit else blank
        years = year if cache.year_matters(spec.parameter) else _Coded.constant(
            int(year.values[0]) if n else 0, n)
        columns = (item, category, region, years, variant, scat, sitem, aunit)
        codes, first = _combine(columns, n)
        found = []
        for k, at in enumerate(first):
            it, cat, reg, yr, var, sc, si, au = (c.value_at(at) for c in columns)
            key: dict[str, object] = {
                "item": it, "parameter": spec.parameter, "gas": spec.gas,
                "category": cat or None, "region_code": reg, "year": int(yr),
                "variant": var or None, "units": _filled(spec.units, au)}
            if cache.scoped:
                key.update(scope_category=sc, scope_item=si)
            try:
                f = cache.lookup(**key)
            except FactorUnitMismatch as exc:
                # Factors exist but none in a usable unit: a wrong input, refused even where a
                # missing optional factor would be NE (issue #9 item 1: never silently ignored).
                row = int(sheet_row[first[k]])
                raise FactorUnitMismatch([
                    Problem(p.message_zh, p.message_en,
                            Location(p.location.file, row, p.location.column))
                    for p in exc.problems]) from exc
            except NotFound as exc:
                if not spec.optional:
                    row = int(sheet_row[first[k]])
                    raise NotFound(
                        f"第 {row} 行缺少排放因子/参数 {spec.parameter}"
                        f"（{it}，{spec.gas or ''}，{reg}，{yr}）"
                        f" / row {row}: missing factor {spec.parameter} for item '{it}'"
                        f"{' gas ' + spec.gas if spec.gas else ''}, region {reg}, year {yr}"
                        f"{' variant ' + var if var else ''} ({exc})"
                    ) from exc
                found.append((np.nan, "1", None, np.nan))
                continue
            u = f.uncertainty_pct
            found.append((float(f.value), str(f.unit), str(f.id),
                          np.nan if u is None else float(u)))
        # Unit scales per distinct key (the key holds the activity unit the factor serves).
        scales = [_scale(str(x[1]), spec.units, str(aunit.value_at(at)))
                  for x, at in zip(found, first, strict=True)]
        bad_keys = [k for k, x in enumerate(found)
                    if scales[k][0] is None and not np.isnan(x[0])]
        if bad_keys:
            k = bad_keys[0]
            at = int(first[k])
            row = int(sheet_row[at])
            shown = _filled(spec.units, str(aunit.value_at(at)))
            fid, unit = found[k][2], found[k][1]
            raise DataError(Problem(
                f"第 {row} 行：因子 {fid}（{spec.parameter}）的单位“{unit}”不可用，"
                f"应为 {' / '.join(shown)} 之一",
                f"row {row}: factor {fid} ({spec.parameter}) has unit "
                f"'{unit}'; expected one of {', '.join(shown)}",
                Location(None, row, "unit"),
            ))
        value_k = np.array([x[0] * (1.0 if m is None else m)
                            for x, (m, _) in zip(found, scales, strict=True)], dtype="float64")
        out[spec.name] = value_k[codes]
        out[spec.name + "_id"] = np.array([x[2] for x in found], dtype=object)[codes]
        out[spec.name + "_unit"] = np.array([c for _, c in scales], dtype=object)[codes]
        out[spec.name + "_u"] = np.array([x[3] for x in found], dtype="float64")[codes]
    return out


def _scale(unit: str, options: Sequence[str], activity_unit: str) -> tuple[float | None, str]:
    """Multiplier from a factor's `unit` to the first option it converts to, and that option as
    the row reads it (``{activity_unit}`` filled); (None, "") when none fits."""
    for option, target in zip(options, _filled(options, activity_unit), strict=True):
        mult = unit_scale(unit, target)
        if mult is not None:
            return mult, option.replace("{activity_unit}", activity_unit)
    return None, ""


def _filled(options: Sequence[str], activity_unit: str) -> tuple[str, ...]:
    """The unit options with ``{activity_unit}`` filled as `scale_to_options` fills them."""
    unit = f"({activity_unit})" if activity_unit else "1"
    return tuple(o.replace("{activity_unit}", unit) for o in options)


class _Coded:
    """A key column as integer codes into its distinct values (factorised once)."""

    def __init__(self, values: np.ndarray) -> None:
        self.codes, self.uniques = pd.factorize(values, use_na_sentinel=False)
        self.values = values

    @classmethod
    def constant(cls, value: object, n: int) -> _Coded:
        """One value on every row, without factorising anything."""
        coded = cls.__new__(cls)
        coded.codes = np.zeros(n, dtype="int64")
        coded.uniques = np.array([value], dtype=object)
        coded.values = None
        return coded

    def value_at(self, row: int) -> object:
        """The key value of one row."""
        return self.uniques[self.codes[row]]


def _combine(columns: Sequence[_Coded], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the position of its key among the distinct keys; and the first row of each
    distinct key.  The columns' integer codes are combined arithmetically (constant columns
    skipped), so the distinct keys come from one `numpy.unique` over integers."""
    if n == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    combined = np.zeros(n, dtype="int64")
    bound = 1
    for col in columns:
        size = len(col.uniques)
        if size <= 1:
            continue
        if bound * size >= 2**62:
            # Re-number before the product could overflow int64.
            uniq, combined = np.unique(combined, return_inverse=True)
            bound = len(uniq)
        combined = combined * size + col.codes
        bound *= size
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return inverse.astype("int64"), first


def _variants(frame: pd.DataFrame, spec: FactorSpec, item: _Coded, cache: FactorCache,
              item_column: str) -> np.ndarray:
    """The variant of `spec`'s factor for each row ("" for none); see `FactorSpec.variant`."""
    n = len(frame)
    if spec.variant:
        return np.full(n, spec.variant, dtype=object)
    per_item = np.array([cache.variant_for(str(i), spec.parameter) or "" for i in item.uniques],
                        dtype=object)
    chosen = per_item[item.codes] if n else np.zeros(0, dtype=object)
    if spec.variant_from_item:
        own = frame[item_column].fillna("").to_numpy(dtype=object)
        chosen = np.where(chosen != "", chosen, own)
    elif spec.item is None and "variant" in frame.columns:
        own = frame["variant"].fillna("").to_numpy(dtype=object)
        chosen = np.where(chosen != "", chosen, own)
    return chosen.astype(object)


# ---------------------------------------------------------------------------------------------
# Activity × factor


def gas_unit(gas: str) -> str:
    """The gas as openscm-units spells it in a unit ("HFC-134a" → "HFC134a")."""
    return gas.replace("-", "")


def ef_units(gas: str, per: str = "{activity_unit}") -> tuple[str, ...]:
    """Canonical units of an emission factor: t gas per activity unit, or per unit and year.

    An annual rate (e.g. kg CH4/head/yr) times the year's activity is the year's emission, so
    a "/a" factor is read as per inventory year (IPCC 2006 Vol.4 Eq.10.19).
    """
    g = gas_unit(gas)
    return (f"t {g}/{per}", f"t {g}/{per}/a", f"t/{per}", f"t/{per}/a")


def add_activity_times_factor(
    builder: EstimateBuilder, frame: pd.DataFrame, factors: FactorLookup, *, parameter: str,
    gas: str, method: str, item: str | None = None, by_category: bool = False,
    optional: bool = False, memo: bool = False, extra: Sequence[FactorSpec] = (),
) -> None:
    """Emissions = activity × EF [× dimensionless extras], one row per activity row.

    The EF is taken in t of `gas` per the row's canonical activity unit (a plain-mass EF is
    read as mass of `gas`); `extra` factors must be pure numbers.  A missing optional EF makes
    the row NE.  Method: IPCC 2006 Tier 1 "AD × EF" (e.g. Vol.4 Eq.10.19, Vol.3 Eq.3.5).
    """
    if frame.empty:
        return
    spec = FactorSpec("ef", parameter, ef_units(gas), item=item, gas=gas,
                      by_category=by_category, optional=optional)
    work = attach_factors(frame, factors, [spec, *extra])
    emissions = work["activity_value"].to_numpy() * work["ef"].to_numpy()
    for x in extra:
        emissions = emissions * work[x.name].to_numpy()
    found = ~np.isnan(emissions)
    names = ["ef", *[x.name for x in extra]]
    sub = work.loc[found]
    pos = builder.add_rows(sub, category=sub["category"], item=sub["item"], gas=gas,
                           emissions_t=emissions[found], method=method, factor_names=names,
                           memo=memo)
    builder.add_product(sub, pos, emissions[found], names)
    add_not_estimated(builder, work.loc[~found], gas=gas, method=method)


def add_not_estimated(builder: EstimateBuilder, frame: pd.DataFrame, *, gas: str,
                      method: str, memo: object = False) -> None:
    """Report rows whose optional factor is absent as NE (not estimated), without terms."""
    if not frame.empty:
        builder.add_rows(frame, category=frame["category"], item=frame["item"], gas=gas,
                         emissions_t=np.full(len(frame), np.nan), method=method,
                         notation=NotationKey.NE.value, memo=memo)

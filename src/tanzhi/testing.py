"""Assertions users and tests share (DESIGN.md Layout: `testing.py`; issue #10 item 5).

Each raises `AssertionError` with a located, bilingual message (the offending key, node or
account, both values and the tolerance), so a failing check says where the numbers part. Values
are compared in units through pint (`tanzhi.kernel.convert`): 1 万吨 equals 10 000 t, and a unit of
another dimension is a failure, never a silent mismatch. Tolerances are keyword-only and have no
defaults: every caller states how close is close enough.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from tanzhi.kernel import UnitError, convert

_SHOWN = 10


def _key_text(cols: Sequence[str], key: object) -> str:
    values = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{c}={v}" for c, v in zip(cols, values, strict=True))


def _fail(title_zh: str, title_en: str, lines: list[str]) -> None:
    shown = lines[:_SHOWN] + ([f"… (+{len(lines) - _SHOWN})"] if len(lines) > _SHOWN else [])
    raise AssertionError("\n  ".join([f"{title_zh} / {title_en}:", *shown]))


def _factors(frame: pd.DataFrame, unit: str, target: str, cols: Sequence[str]) -> pd.Series:
    """Per row, the multiplier taking frame[unit] into frame[target] (one pint call per pair)."""
    pairs = frame[[unit, target]].astype(str).drop_duplicates()
    factor = {}
    for i, u, t in pairs.itertuples(name=None):
        try:
            factor[(u, t)] = 1.0 if u == t else convert(1.0, u, t)
        except UnitError as exc:
            where = _key_text(cols, tuple(frame.loc[i, list(cols)]))
            raise AssertionError(f"单位无法换算 / units do not convert ({where}): {exc}") from exc
    keys = pd.MultiIndex.from_frame(frame[[unit, target]].astype(str))
    return pd.Series(pd.Series(factor).reindex(keys).to_numpy(), index=frame.index, dtype=float)


def _far(got: pd.Series, want: pd.Series, rtol: float, atol: float) -> pd.Series:
    """Not math.isclose, elementwise (NaN is never close)."""
    tol = np.maximum(rtol * np.maximum(got.abs(), want.abs()), atol)
    return ~((got - want).abs() <= tol)


def assert_frames_equal(
    actual: pd.DataFrame,
    expected: pd.DataFrame,
    *,
    keys: Sequence[str],
    rtol: float,
    atol: float,
    value: str = "value",
    unit: str | None = "unit",
) -> None:
    """Assert two long frames hold the same rows and, per row, the same quantity.

    Rows are matched on `keys` (each key must be unique in both frames). With a `unit` column
    the actual value is converted into the expected row's unit before comparing; pass
    ``unit=None`` for frames without one. `atol` is in the expected row's unit.

    Examples
    --------
    >>> exp = pd.DataFrame({"region_code": ["330100"], "year": [2020],
    ...                     "unit": ["t CO2"], "value": [15000.0]})
    >>> got = exp.assign(unit=["万吨 CO2"], value=[1.5])
    >>> assert_frames_equal(got, exp, keys=["region_code", "year"], rtol=1e-12, atol=0)
    >>> assert_frames_equal(got.assign(value=[1.6]), exp, keys=["region_code", "year"],
    ...                     rtol=1e-6, atol=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: 数值不相等 / values differ (1 of 1 rows):
      region_code=330100, year=2020: 16000 t CO2 (from 1.6 万吨 CO2) vs expected 15000 t CO2 ...
    """
    keys = list(keys)
    for name, frame in (("actual", actual), ("expected", expected)):
        dup = frame[frame.duplicated(keys, keep=False)]
        if len(dup):
            rows = [_key_text(keys, tuple(k)) for k in dup[keys].drop_duplicates().itertuples(
                index=False, name=None)]
            _fail("键重复", f"{name} has duplicate keys {keys}", rows)
    merged = actual.merge(expected, on=keys, how="outer", suffixes=("_got", "_want"),
                          indicator=True)
    missing = merged[merged["_merge"] != "both"]
    if len(missing):
        lines = [
            f"{_key_text(keys, tuple(r[k] for k in keys))}: "
            + ("only in actual / 仅实际有" if r["_merge"] == "left_only"
               else "only in expected / 仅预期有")
            for _, r in missing.iterrows()
        ]
        _fail("行不一致", f"rows differ ({len(missing)} unmatched)", lines)
    got = merged[f"{value}_got"].astype(float)
    want = merged[f"{value}_want"].astype(float)
    if unit is not None:
        got = got * _factors(merged, f"{unit}_got", f"{unit}_want", keys)
    far = _far(got, want, rtol, atol)
    bad = []
    for i in merged.index[far]:
        r = merged.loc[i]
        shown_unit, source = "", ""
        if unit is not None:
            shown_unit = f" {r[f'{unit}_want']}"
            if r[f"{unit}_got"] != r[f"{unit}_want"]:
                source = f" (from {r[f'{value}_got']:g} {r[f'{unit}_got']})"
        bad.append(f"{_key_text(keys, tuple(r[k] for k in keys))}: {got[i]:g}{shown_unit}{source}"
                   f" vs expected {want[i]:g}{shown_unit} (|diff| {abs(got[i] - want[i]):.3g}; "
                   f"rtol {rtol:g}, atol {atol:g})")
    if bad:
        _fail("数值不相等", f"values differ ({len(bad)} of {len(merged)} rows)", bad)


def assert_hierarchy_sums(
    frame: pd.DataFrame,
    *,
    parent_of: Mapping[str, str | None] | Callable[[str], str | None],
    keys: Sequence[str],
    rtol: float,
    atol: float,
    node: str = "region_code",
    value: str = "value",
    unit: str | None = "unit",
    min_children: int = 1,
) -> None:
    """Assert each parent node's value equals the sum of its children's, per series.

    `parent_of` maps a node to its parent (None or absent at the root); `keys` are the columns
    naming one series besides the node (e.g. variable, sector, year). Children's values are
    converted to the parent row's unit. A parent with children but no row of its own, or fewer
    than `min_children` children, is a failure too. `atol` is in the parent's unit.

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": ["33", "3301", "3302"], "year": [2020] * 3,
    ...                   "unit": ["万吨", "t", "t"], "value": [3.0, 10000.0, 20000.0]})
    >>> parents = {"3301": "33", "3302": "33"}
    >>> assert_hierarchy_sums(f, parent_of=parents, keys=["year"], rtol=1e-12, atol=0)
    >>> assert_hierarchy_sums(f.assign(value=[3.0, 10000.0, 25000.0]), parent_of=parents,
    ...                       keys=["year"], rtol=1e-9, atol=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: 下级之和不等于上级 / children do not sum to their parent (1):
      region_code=33, year=2020: children 3301, 3302 sum to 3.5 万吨, parent 3 万吨 ...
    """
    parent = parent_of.get if isinstance(parent_of, Mapping) else parent_of
    keys = list(keys)
    rows = frame.assign(_parent=frame[node].map(lambda n: parent(n)))
    dup = rows[rows.duplicated([node, *keys], keep=False)]
    if len(dup):
        _fail("键重复", f"duplicate rows for {[node, *keys]}",
              [_key_text([node, *keys], tuple(k)) for k in
               dup[[node, *keys]].drop_duplicates().itertuples(index=False, name=None)])
    own = rows[[node, *keys, value, *([unit] if unit else [])]].rename(
        columns={node: "_parent", value: "_want", **({unit: "_unit"} if unit else {})})
    kids = rows[rows["_parent"].notna()].merge(own, on=["_parent", *keys], how="left",
                                                indicator=True)
    group = ["_parent", *keys]

    def names(k: object) -> str:  # the children of one group, spelled only for failures
        ks = k if isinstance(k, tuple) else (k,)
        hit = np.logical_and.reduce([kids[c] == v for c, v in zip(group, ks, strict=True)])
        return ", ".join(map(str, kids.loc[hit, node]))

    orphan = kids[kids["_merge"] == "left_only"].groupby(group, sort=True).size()
    bad = [f"{_key_text([node, *keys], k)}: children {names(k)} but no parent row"
           for k in orphan.index]
    kids = kids[kids["_merge"] == "both"]
    v = kids[value].astype(float)
    if unit is not None:
        v = v * _factors(kids, unit, "_unit", [node, *keys])
    agg = kids.assign(_v=v).groupby(group, sort=True).agg(
        total=("_v", "sum"), n=(node, "size"), want=("_want", "first"),
        unit=("_unit" if unit else "_want", "first"))
    far = _far(agg["total"], agg["want"].astype(float), rtol, atol) | (agg["n"] < min_children)
    for k, r in agg[far].iterrows():
        where = _key_text([node, *keys], k)
        shown = f" {r['unit']}" if unit else ""
        if r["n"] < min_children:
            bad.append(f"{where}: {int(r['n'])} children ({names(k)}), expected ≥ {min_children}")
        else:
            bad.append(f"{where}: children {names(k)} sum to {r['total']:g}{shown}, parent "
                       f"{r['want']:g}{shown} (|diff| {abs(r['total'] - r['want']):.3g}; "
                       f"rtol {rtol:g}, atol {atol:g})")
    if bad:
        _fail("下级之和不等于上级", f"children do not sum to their parent ({len(bad)})", bad)


def assert_ledger_balances(
    entries: pd.DataFrame,
    *,
    atol: float,
    by: Sequence[str] = ("account",),
    amount: str = "amount",
    unit: str | None = "unit",
) -> None:
    """Assert a ledger's entries sum to zero per `by` group (an account, a transaction …).

    With a `unit` column each entry is converted to the unit of its group's first entry, so a
    debit in t and a credit in kg of the same account net out; entries whose units do not
    convert fail. `atol` is in that first entry's unit.

    Examples
    --------
    >>> ledger = pd.DataFrame({"account": ["A", "A", "B", "B"],
    ...                        "unit": ["t CO2", "kg CO2", "t CO2", "t CO2"],
    ...                        "amount": [1.0, -1000.0, 2.0, -1.5]})
    >>> assert_ledger_balances(ledger.iloc[:2], atol=1e-9)
    >>> assert_ledger_balances(ledger, atol=1e-9)
    Traceback (most recent call last):
    AssertionError: 账目不平 / ledger does not balance (1 of 2 groups):
      account=B: 2 entries sum to 0.5 t CO2 (atol 1e-09)
    """
    by = list(by)
    v = entries[amount].astype(float)
    if unit is not None:
        first = entries.groupby(by, sort=False)[unit].transform("first")
        v = v * _factors(entries.assign(_first=first), unit, "_first", by)
    rows = entries.assign(_v=v)
    agg = rows.groupby(by, sort=True).agg(
        total=("_v", "sum"), n=("_v", "size"), unit=(unit or "_v", "first"))
    # a NaN entry poisons its sum, as it should: a missing amount is not a zero
    agg.loc[rows["_v"].isna().groupby([rows[c] for c in by], sort=True).any(), "total"] = np.nan
    far = ~(agg["total"].abs() <= atol)
    bad = [f"{_key_text(by, k if isinstance(k, tuple) else (k,))}: {int(r['n'])} entries sum to "
           f"{r['total']:g}{' ' + str(r['unit']) if unit else ''} (atol {atol:g})"
           for k, r in agg[far].iterrows()]
    if bad:
        _fail("账目不平", f"ledger does not balance ({len(bad)} of {len(agg)} groups)", bad)

"""Result rows and the uncertainty terms behind them: building, combining and slicing Estimates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tanzhi.inventory.model import ID_SEPARATOR, RESULT_COLUMNS, Estimate


def join_ids(columns: Sequence[pd.Series]) -> np.ndarray:
    """Row-wise "|"-join of id columns, skipping missing and empty ids.

    Id columns hold few distinct values (a factor id per fuel and sector), so the columns are
    factorised, each distinct combination joined once and the result taken back by position
    (pandas string arithmetic over 150,000 rows was a tenth of a compilation, issue #9 item 10).
    """
    if not columns:
        return np.array([], dtype=object)
    n = len(columns[0])
    combined = np.zeros(n, dtype="int64")
    for k, col in enumerate(columns):
        codes, uniq = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=True)
        if k:
            # Re-number the running key so the product stays small.
            _, combined = np.unique(combined, return_inverse=True)
        combined = combined * (len(uniq) + 1) + np.where(codes < 0, len(uniq), codes)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    parts = [np.asarray(col, dtype=object)[first] for col in columns]
    texts = [[t for t in ("" if pd.isna(x) else str(x) for x in row) if t]
             for row in zip(*parts, strict=True)]
    joined = np.array([ID_SEPARATOR.join(t) for t in texts], dtype=object)
    return joined[inverse.reshape(-1)]


def group_join(group: np.ndarray, values: pd.Series | np.ndarray, sep: str, *,
               distinct: bool = False) -> list[str]:
    """Per group 0, 1, … (`group`: each row's group number, every group present), the
    `sep`-join of its rows' values in row order; with `distinct`, each value's tokens (split on
    `sep`) once, in order of first appearance.

    What ``groupby(...).agg(lambda s: ...)`` gave, without a Series per group: rows are ordered
    by group once and cut at the group boundaries (issue #9 item 10).
    """
    group = np.asarray(group, dtype="int64")
    vals = np.asarray(values, dtype=object)
    if distinct:  # one row per distinct (group, value), first appearance kept
        codes, uniq = pd.factorize(vals, use_na_sentinel=False)
        _, first = np.unique(group * (len(uniq) + 1) + codes, return_index=True)
        first.sort()
        group, vals = group[first], vals[first]
    order = np.argsort(group, kind="stable")
    cuts = np.flatnonzero(np.diff(group[order])) + 1
    parts = np.split(vals[order], cuts)
    if not distinct:
        return [sep.join(p) for p in parts]
    return [p[0] if len(p) == 1 else sep.join(dict.fromkeys(sep.join(p).split(sep)))
            for p in parts]


def _prefixed(prefix: str, ids: pd.Series) -> pd.Series:
    """``prefix + id`` per row, None where the id is missing; built per distinct id."""
    codes, uniq = pd.factorize(ids.to_numpy(dtype=object), use_na_sentinel=True)
    keys = np.array([prefix + str(u) for u in uniq] + [None], dtype=object)
    return pd.Series(keys[codes], index=ids.index, dtype=object)


class EstimateBuilder:
    """Collects result rows, their terms and sources; `build` returns one Estimate."""

    def __init__(self) -> None:
        self._rows: list[pd.DataFrame] = []
        self._terms: list[pd.DataFrame] = []
        self._links: list[pd.DataFrame] = []
        self._sources: list[pd.DataFrame] = []
        self._n_rows = 0
        self._n_terms = 0

    def add_rows(
        self, frame: pd.DataFrame, *, category: object, item: object, gas: object,
        emissions_t: np.ndarray, method: object, factor_names: Sequence[str] = (),
        activity_ids: object = None, memo: object = False, notation: object = None,
        activity_value: object = None, activity_unit: object = None,
        factor_ids: object = None,
    ) -> np.ndarray:
        """Append one result row per row of `frame`; return their positions.

        Scalars broadcast; `factor_names` are spec names whose ``*_id`` columns give lineage
        (or pass joined `factor_ids` directly when a row draws on several factor rows).
        """
        n = len(frame)
        if n == 0:
            return np.array([], dtype="int64")
        ids = activity_ids if activity_ids is not None else frame["activity_id"]
        rows = pd.DataFrame({
            "region_code": frame["region_code"].to_numpy(dtype=object),
            "year": frame["year"].to_numpy(dtype="int64"),
            "category": _broadcast(category, n),
            "item": _broadcast(item, n),
            "gas": _broadcast(gas, n),
            "emissions_t": np.asarray(emissions_t, dtype="float64"),
            "activity_value": _broadcast(
                frame["activity_value"] if activity_value is None else activity_value, n,
                dtype="float64"),
            "activity_unit": _broadcast(
                frame["activity_unit"] if activity_unit is None else activity_unit, n),
            "method": _broadcast(method, n),
            "factor_ids": _broadcast(factor_ids, n) if factor_ids is not None
            else join_ids([frame[name + "_id"] for name in factor_names])
            if factor_names else np.full(n, "", dtype=object),
            "activity_ids": _broadcast(ids, n),
            "memo": _broadcast(memo, n, dtype=bool),
            "notation": _broadcast(notation, n),
        })
        self._rows.append(rows)  # built in RESULT_COLUMNS order: no reindexing copy
        pos = np.arange(self._n_rows, self._n_rows + n)
        self._n_rows += n
        return pos

    def add_terms(
        self, rows: np.ndarray, coefficient_t: np.ndarray, sources: Sequence[pd.Series | np.ndarray]
    ) -> None:
        """Append one term per entry of `rows`; `sources` are aligned source-key columns."""
        n = len(rows)
        if n == 0:
            return
        term = np.arange(self._n_terms, self._n_terms + n)
        self._n_terms += n
        self._terms.append(pd.DataFrame({"term": term, "row": np.asarray(rows, dtype="int64"),
                                         "coefficient_t": np.asarray(coefficient_t, float)}))
        for keys in sources:
            arr = np.asarray(keys, dtype=object)
            ok = pd.notna(arr) & (arr != "")
            if ok.any():
                self._links.append(pd.DataFrame({"term": term[ok], "source": arr[ok]}))

    def add_activity_sources(self, frame: pd.DataFrame) -> pd.Series:
        """Register activity rows as sources; return their keys (``a:<activity id>``)."""
        keys = "a:" + frame["activity_id"].astype(str)
        self._sources.append(pd.DataFrame({"source": keys.to_numpy(dtype=object),
                                           "kind": "activity",
                                           "uncertainty_pct": frame["uncertainty_pct"].to_numpy()}))
        return keys

    def add_factor_sources(self, frame: pd.DataFrame, name: str) -> pd.Series:
        """Register the factors in column `name` as sources; return keys (``f:<factor id>``)."""
        keys = _prefixed("f:", frame[name + "_id"])
        # One source row per distinct factor (its first row, as `build` keeps): a factor is one
        # draw however many rows use it, and 60,000 copies cost the build (issue #9 item 10).
        arr = keys.to_numpy(dtype=object)
        _, first = np.unique(pd.factorize(arr, use_na_sentinel=False)[0], return_index=True)
        first.sort()
        self._sources.append(pd.DataFrame({
            "source": arr[first], "kind": "factor",
            "uncertainty_pct": frame[name + "_u"].to_numpy()[first]}))
        return keys

    def add_complement_sources(self, frame: pd.DataFrame, name: str) -> pd.Series:
        """Register 1 − x of the fractions in column `name` as sources (``f:<id>~1-x``).

        A relative error σ on x is a relative error σ·x/(1 − x) on 1 − x, with the opposite
        sign; used where only the complement enters (landfill oxidation, Vol.5 Eq.3.1).
        """
        ids = frame[name + "_id"]
        x = frame[name].to_numpy(dtype="float64")
        keys = ("f:" + ids.astype(str) + "~1-x").where(ids.notna() & (x != 0), None)
        with np.errstate(divide="ignore", invalid="ignore"):
            u = frame[name + "_u"].to_numpy() * x / (1.0 - x)
        self._sources.append(pd.DataFrame({"source": keys.to_numpy(dtype=object),
                                           "kind": "factor", "uncertainty_pct": u}))
        return keys

    def add_product(
        self, frame: pd.DataFrame, rows: np.ndarray, coefficient_t: np.ndarray,
        factor_names: Sequence[str], *, activity: bool = True,
    ) -> None:
        """One term per row: the activity times the named factors (Eq.3.1-type product)."""
        keys: list[pd.Series] = []
        if activity:
            keys.append(self.add_activity_sources(frame))
        keys.extend(self.add_factor_sources(frame, name) for name in factor_names)
        self.add_terms(rows, coefficient_t, keys)

    def extend(self, estimate: Estimate) -> None:
        """Append a finished Estimate (its rows, terms and sources)."""
        if estimate.rows.empty:
            return
        self._rows.append(estimate.rows[list(RESULT_COLUMNS)])
        terms = estimate.terms.copy()
        term_offset = self._n_terms
        terms["term"] += term_offset
        terms["row"] += self._n_rows
        links = estimate.links.copy()
        links["term"] += term_offset
        self._terms.append(terms)
        self._links.append(links)
        self._sources.append(estimate.sources)
        self._n_rows += len(estimate.rows)
        self._n_terms += len(estimate.terms)

    def build(self) -> Estimate:
        """The collected Estimate; sources are de-duplicated by key (shared draws)."""
        # An empty Estimate only for the parts that are missing (building one costs as much
        # as a small sector, issue #9 item 10).
        base = (None if self._rows and self._terms and self._links and self._sources
                else Estimate())
        rows = (pd.concat(self._rows, ignore_index=True) if self._rows else base.rows)
        terms = pd.concat(self._terms, ignore_index=True) if self._terms else base.terms
        links = pd.concat(self._links, ignore_index=True) if self._links else base.links
        sources = (pd.concat(self._sources, ignore_index=True) if self._sources
                   else base.sources)
        sources = sources.loc[sources["source"].notna()].drop_duplicates("source")
        # A hash join on the column (building a Python set of ~400,000 keys per build was a
        # visible share of a province compile, issue #9 item 10).
        used = links["source"].unique()
        sources = sources.loc[sources["source"].isin(used)].reset_index(drop=True)
        rows["memo"] = rows["memo"].astype(bool)
        return Estimate(rows=rows, terms=terms, links=links, sources=sources)


def _broadcast(value: object, n: int, *, dtype: object = object) -> np.ndarray:
    if isinstance(value, (pd.Series, np.ndarray, list)):
        arr = np.asarray(value.to_numpy() if isinstance(value, pd.Series) else value)
        return arr.astype(dtype) if dtype is not object else arr.astype(object)
    return np.full(n, value, dtype=dtype)


def combine_estimates(estimates: Iterable[Estimate]) -> Estimate:
    """One Estimate from several (e.g. one per sector); shared factor ids stay one source."""
    builder = EstimateBuilder()
    for est in estimates:
        builder.extend(est)
    return builder.build()


def select_rows(estimate: Estimate, mask: pd.Series | np.ndarray) -> Estimate:
    """The Estimate restricted to the rows where `mask` holds, terms and sources pruned."""
    keep = np.asarray(mask, dtype=bool)
    new_pos = np.full(len(estimate.rows), -1, dtype="int64")
    new_pos[keep] = np.arange(int(keep.sum()))
    rows = estimate.rows.loc[keep].reset_index(drop=True)
    terms = estimate.terms.loc[keep[estimate.terms["row"].to_numpy()]].copy()
    terms["row"] = new_pos[terms["row"].to_numpy()]
    links = estimate.links.loc[estimate.links["term"].isin(terms["term"])]
    sources = estimate.sources.loc[estimate.sources["source"].isin(links["source"])]
    return Estimate(rows=rows, terms=terms.reset_index(drop=True),
                    links=links.reset_index(drop=True), sources=sources.reset_index(drop=True))

"""Default uncertainties for inputs that carry none (issue #9: "±0.0 %" for every category).

An Estimate's sources are activity rows (``a:<activity id>``) and factors (``f:<factor id>``,
``f:<factor id>~1-x`` for a complement).  Statistics and most packaged factors state no
uncertainty, so Approach 1 and 2 saw them as exact.  `fill_default_uncertainty` gives each such
source the default of its family — a factor's canonical parameter within its category, an
activity row's IPCC category (the statistics series kind) — from a defaults table (the packaged
``uncertainty`` dataset), and says which default it used: column ``uncertainty_basis`` is
``given`` (the input's own), ``default`` or ``none`` (no default matched; the source stays exact
and the outputs list it), column ``default_id`` the default's id.

Method: IPCC 2006 Vol.1 Ch.3 §3.2.2 (sources of uncertainty data: defaults from the sectoral
volumes where no measured data exist; expert judgement, §3.2.2.4, where neither exists).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tanzhi.inventory.calc.activity import unit_scale
from tanzhi.inventory.model import Estimate

GIVEN, DEFAULT, NONE = "given", "default", "none"
COMPLEMENT_SUFFIX = "~1-x"
DEFAULT_COLUMNS = ("id", "kind", "parameter", "category", "uncertainty_pct")
FACTOR_INFO_COLUMNS = ("id", "parameter", "category", "value", "unit")


def _best_default(defaults: pd.DataFrame, kind: str, parameter: str,
                  category: str) -> tuple[str, float] | None:
    """The default of `kind` for `parameter` whose category is the longest prefix of
    `category` (blank matches any), as (id, U %); None if nothing matches."""
    rows = defaults.loc[defaults["kind"] == kind]
    if kind == "factor":
        rows = rows.loc[rows["parameter"] == parameter]
    best: tuple[int, str, float] | None = None
    for did, cat, u in rows[["id", "category", "uncertainty_pct"]].itertuples(index=False):
        cat = "" if pd.isna(cat) else str(cat)
        if cat and not (category == cat or category.startswith(cat + ".")):
            continue
        if best is None or len(cat) > best[0]:
            best = (len(cat), str(did), float(u))
    return None if best is None else (best[1], best[2])


def fill_default_uncertainty(
    estimate: Estimate, *, defaults: pd.DataFrame, activity: pd.DataFrame,
    factors: pd.DataFrame,
) -> Estimate:
    """The Estimate with every source lacking an uncertainty given its family's default.

    Parameters
    ----------
    defaults
        `DEFAULT_COLUMNS`: ``kind`` "activity" (matched on ``category``) or "factor" (matched
        on ``parameter`` and ``category``); the longest category prefix wins.
    activity
        ``activity_id``, ``category`` of the activity rows behind the ``a:`` sources.
    factors
        `FACTOR_INFO_COLUMNS` of the factors behind the ``f:`` sources (``parameter``
        canonical; ``value``/``unit`` give x for a complement source 1 − x).

    Returns
    -------
    Estimate
        Sources with ``uncertainty_pct`` filled where a default matched, plus
        ``uncertainty_basis`` (given/default/none) and ``default_id``.  A complement source
        takes the default of x scaled by x/(1 − x), as `EstimateBuilder.add_complement_sources`
        scales a given one.

    Examples
    --------
    >>> est = Estimate(sources=pd.DataFrame({"source": ["a:1", "f:x"],
    ...     "kind": ["activity", "factor"], "uncertainty_pct": [float("nan"), 3.0]}))
    >>> d = pd.DataFrame({"id": ["act/1.A"], "kind": ["activity"], "parameter": [""],
    ...                   "category": ["1.A"], "uncertainty_pct": [5.0]})
    >>> out = fill_default_uncertainty(est, defaults=d,
    ...     activity=pd.DataFrame({"activity_id": ["1"], "category": ["1.A.2"]}),
    ...     factors=pd.DataFrame(columns=list(FACTOR_INFO_COLUMNS))).sources
    >>> out[["uncertainty_pct", "uncertainty_basis", "default_id"]].values.tolist()
    [[5.0, 'default', 'act/1.A'], [3.0, 'given', '']]
    """
    src = estimate.sources.reset_index(drop=True)
    u = src["uncertainty_pct"].to_numpy(dtype="float64").copy()
    basis = np.where(np.isnan(u), NONE, GIVEN).astype(object)
    default_id = np.full(len(src), "", dtype=object)
    key = src["source"].astype(str)
    missing = np.isnan(u)

    memo: dict[tuple[str, str, str], tuple[str, float] | None] = {}

    def family_default(kind: str, parameter: str, category: str) -> tuple[str, float] | None:
        k = (kind, parameter, category)
        if k not in memo:
            memo[k] = _best_default(defaults, kind, parameter, category)
        return memo[k]

    # Activity sources: their row's category, one default per distinct category.
    is_act = missing & key.str.startswith("a:").to_numpy()
    if is_act.any():
        cat_of = dict(zip(activity["activity_id"].astype(str), activity["category"].astype(str),
                          strict=True))
        cats = key[is_act].str[2:].map(cat_of)
        for category, idx in cats.groupby(cats, sort=False).groups.items():
            found = family_default("activity", "", str(category))
            if found is not None:
                pos = key.index.get_indexer(idx)
                default_id[pos], u[pos], basis[pos] = found[0], found[1], DEFAULT
    # Factor sources (a few hundred): parameter and category from the library's rows.
    info = factors.drop_duplicates("id").set_index("id")
    for i in np.flatnonzero(missing & key.str.startswith("f:").to_numpy()):
        fid = key.iat[i][2:]
        complement = fid.endswith(COMPLEMENT_SUFFIX)
        fid = fid[: -len(COMPLEMENT_SUFFIX)] if complement else fid
        if fid not in info.index:
            continue
        row = info.loc[fid]
        cat = "" if pd.isna(row["category"]) else str(row["category"])
        found = family_default("factor", str(row["parameter"]), cat)
        scale = 1.0
        if complement:
            to_one = unit_scale(str(row["unit"]), "1")
            x = float(row["value"]) * to_one if to_one is not None else np.nan
            scale = x / (1.0 - x) if np.isfinite(x) and x != 1.0 else np.nan
        if found is not None and np.isfinite(scale):
            default_id[i], u[i], basis[i] = found[0], found[1] * scale, DEFAULT
    src["uncertainty_pct"] = u
    src["uncertainty_basis"] = basis
    src["default_id"] = default_id
    return Estimate(rows=estimate.rows, terms=estimate.terms, links=estimate.links,
                    sources=src)

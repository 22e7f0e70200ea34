"""Allocation methods (equal rate, historical intensity, weighted index); pure maths.

A parent region's target is split over its children so that the children's targets, aggregated
with each child's projected GDP and emissions (or energy), meet the parent's target exactly.
Three kinds of target are handled (see ``docs/decomposition.md`` for the formulas):

``intensity``
    A reduction of CO2 (or energy) per unit of GDP, in %, over the plan period. The parent's
    required end intensity is ``I_T = (1 − r_p) · ΣE_i,0 / ΣGDP_i,0``. A child with reduction
    ``r_i`` emits ``E_i,T = (1 − r_i) · I_i,0 · GDP_i,T`` at the end of the period; the children
    meet the parent when ``ΣE_i,T / ΣGDP_i,T ≤ I_T``. Because GDP grows at different speeds in
    different children, the same rate ``r_i = r_p`` for all children does **not** in general
    meet the parent (fast-growing high-intensity children raise the aggregate): every method
    therefore solves for a scale ``s`` with `scipy.optimize.brentq` so the aggregate meets
    ``I_T`` exactly.
``total``
    A cap on the end-year quantity (energy use in 万tce or CO2 in t). Child caps are
    ``C_i = (1 − r_i) · E_i,0 · GDP_i,T / GDP_i,0`` — the intensity path the method assigns
    applied to the child's projected GDP, as the dual-control (双控) practice derives the total
    from the intensity target — scaled so that ``ΣC_i = C_p`` exactly.
``share``
    A non-fossil share of energy use, in %. Child shares ``σ_i = σ_i,0 + s · w_i`` (percentage
    points added in proportion to the method's profile) such that
    ``Σσ_i · E_i,T / ΣE_i,T = σ_p``.

Methods give each child a profile ``w_i ≥ 0`` (the burden it carries relative to the others):

``equal`` (等比例)
    ``w_i = 1``: one rate (or one percentage-point rise) for every child, the rate solved so the
    aggregate meets the parent. This is the uniform decomposition of the 十一五 energy-intensity
    assignment before differentiation, and the usual starting round.
``intensity`` (按历史强度)
    ``w_i = (I_i,0 / I_0)^α``: children above the parent's intensity take larger reductions.
    The 十二五/十三五 provincial carbon-intensity assignments (国发〔2011〕41号, 国发〔2016〕61号)
    grouped provinces by development level and intensity; this is the continuous form.
``weighted`` (多指标综合指数)
    ``w_i = Σ_k ω_k · n_ik`` over normalised criteria — equity (GDP per person), capacity (share
    of GDP), potential (intensity, coal share) and industrial structure (secondary-sector share,
    a higher share lowering the burden) — after Yi et al. (2011), *Energy Policy* 39(5):
    2407-2415, who build a comprehensive index from capacity, responsibility and potential
    indicators to allocate China's 2020 intensity target to provinces. Every normalised
    criterion is strictly positive (`normalise_criterion`), so no criterion freezes a child.

Every profile is strictly positive: no method leaves a child without burden (issue #11). A
child's rate is ``r_i = s · w_i``, so all rates share the sign of the scale ``s``; ``s`` is
positive whenever the parent's target asks for more than the children reach with no cut at all
(for an intensity target, uneven GDP growth alone moves the aggregate; a note says so when that
alone meets the target).

Optional floors and caps per child bound ``r_i`` (or ``σ_i``). Only they can make a round
infeasible (or make the aggregate exceed the target, when every child at its floor already
does better); the bilingual `DataError` or note then names the children and bounds that cause
it. Without floors and caps the aggregate meets the parent's target exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from tanzhi.kernel import DataError, Problem
from tanzhi.plan.decompose.calc.solve import (
    TOLERANCE,
    Infeasible,
    bound_labels,
    floors_note,
    infeasible_error,
    problem,
    root_meeting,
    solve_scale,
)

Kind = Literal["intensity", "total", "share"]
Method = Literal["equal", "intensity", "weighted"]
KINDS: tuple[Kind, ...] = ("intensity", "total", "share")
METHODS: tuple[Method, ...] = ("equal", "intensity", "weighted")



@dataclass(frozen=True)
class Criterion:
    """One criterion of the weighted index: the input column and whether more means more burden."""

    column: str
    sign: int  # +1: a larger value → a larger reduction; −1: a smaller one
    label_zh: str
    label_en: str


# Criteria of the weighted index (Yi et al. 2011 use capacity = GDP per person, responsibility =
# cumulative emissions, potential = energy per unit of industrial value added; Chinese practice
# adds industrial structure). The weights file names them by these keys.
CRITERIA: dict[str, Criterion] = {
    "equity": Criterion("gdp_per_capita", +1, "公平（人均GDP）", "equity (GDP per person)"),
    "capacity": Criterion("gdp_share", +1, "能力（GDP占比）", "capacity (share of GDP)"),
    "potential_intensity": Criterion("intensity", +1, "潜力（排放强度）",
                                     "potential (emission intensity)"),
    "potential_coal": Criterion("coal_share", +1, "潜力（煤炭占比）", "potential (coal share)"),
    "structure": Criterion("secondary_share", -1, "产业结构（二产占比）",
                           "industrial structure (secondary share)"),
}

# Default weights (documented in docs/decomposition.md): potential first, as the 十三五
# assignments leaned on intensity; equity and capacity next; structure as a moderating term.
DEFAULT_WEIGHTS: dict[str, float] = {
    "equity": 0.25,
    "capacity": 0.20,
    "potential_intensity": 0.30,
    "potential_coal": 0.10,
    "structure": 0.15,
}


@dataclass(frozen=True)
class Allocation:
    """The result of one allocation.

    ``children`` has one row per child: ``region_code``, ``profile`` (w_i), ``target`` (in the
    indicator's unit: % for intensity and share, the quantity for a total), ``rate`` (the
    fraction r_i or σ_i), ``bound`` ("floor", "cap" or ""), and the inputs it was computed from.
    """

    kind: Kind
    method: Method
    parent_target: float
    scale: float
    children: pd.DataFrame
    parent_base: float  # base intensity, base quantity or base share of the children together
    required: float  # what the aggregate must reach: end intensity, cap, or share (fraction)
    achieved: float  # what the children's targets aggregate to
    aggregate_target: float  # achieved, in the indicator's unit (%, or the quantity)
    meets: bool
    equal_rate_aggregate: float | None = None  # intensity kind: aggregate % if all took r_p
    notes: list[tuple[str, str]] = field(default_factory=list)


def normalised_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Weights over `CRITERIA`, checked (known keys, ≥ 0, positive sum) and scaled to sum to 1."""
    raw = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = sorted(set(raw) - set(CRITERIA))
    if unknown:
        raise problem(f"未知的分解依据：{', '.join(unknown)}（可用：{', '.join(CRITERIA)}）",
                       f"unknown criteria: {', '.join(unknown)} (known: {', '.join(CRITERIA)})")
    bad = sorted(k for k, v in raw.items() if not math.isfinite(float(v)) or float(v) < 0)
    if bad:
        raise problem(f"权重须为非负数：{', '.join(bad)}",
                       f"weights must be ≥ 0: {', '.join(bad)}")
    total = sum(float(v) for v in raw.values())
    if total <= 0:
        raise problem("权重之和须大于 0", "the weights must sum to more than 0")
    return {k: float(raw.get(k, 0.0)) / total for k in CRITERIA}


def normalise_criterion(x: np.ndarray, sign: int) -> np.ndarray:
    """A criterion's values as strictly positive burden factors, 1 at the children's mean.

    More means more burden (``sign`` +1): ``n = (x̄ + x) / (2 x̄)``, in [½, ∞). More means less
    burden (``sign`` −1, industrial structure): the reciprocal, ``n = 2 x̄ / (x̄ + x)``, in
    (0, 2]. Both keep the children's order, equal 1 at the mean and are never 0 or negative for
    x ≥ 0, so no criterion takes a child's burden away. The linear reflection used before,
    ``max(0, 2 − x / x̄)``, reached 0 at twice the mean and left such a child at its base value
    (issue #11). The ratio to the mean is the "distance to a reference" normalisation of the
    OECD/JRC *Handbook on Constructing Composite Indicators* (2008, section 5); the half-shift
    and the reciprocal for the reversed direction are tanzhi's choice (docs/decomposition.md).
    A criterion that is (numerically) zero everywhere says nothing: every child gets 1.
    """
    mean = float(x.mean())
    if mean <= 1e-12:
        return np.ones_like(x, dtype=float)
    shifted = (mean + x) / (2.0 * mean)
    return shifted if sign > 0 else 1.0 / shifted


def weighted_index(children: pd.DataFrame, weights: Mapping[str, float] | None = None
                   ) -> pd.DataFrame:
    """Normalised criteria and the comprehensive index of each child (index mean 1).

    Each criterion is normalised by `normalise_criterion` (strictly positive, 1 at the mean);
    the index is ``Σ ω_k n_k`` with weights summing to 1, rescaled to mean 1. Every index is
    therefore > 0: each child carries part of the burden whatever the weights.
    """
    omega = normalised_weights(weights)
    out = pd.DataFrame({"region_code": children["region_code"].to_numpy()})
    index = np.zeros(len(children))
    for key, crit in CRITERIA.items():
        if omega[key] == 0:
            continue
        if crit.column not in children.columns:
            raise problem(f"缺少分解依据数据：{crit.label_zh}",
                           f"missing input for criterion {crit.label_en}")
        x = children[crit.column].to_numpy(dtype=float)
        if not np.all(np.isfinite(x)) or np.any(x < 0):
            bad = ~np.isfinite(x) | (np.nan_to_num(x, nan=-1.0) < 0)
            codes = ", ".join(children.loc[bad, "region_code"].astype(str).tolist()[:5])
            raise problem(f"分解依据“{crit.label_zh}”有缺失或负值（地区 {codes}）",
                           f"criterion '{crit.label_en}' has missing or negative values "
                           f"(regions {codes})")
        norm = normalise_criterion(x, crit.sign)
        out[key] = norm
        index += omega[key] * norm
    out["index"] = index / float(index.mean())
    return out


# The intensity method's exponent: beyond this a ratio of intensities of 1:100 would give
# profiles 10^-20 apart, which freezes the lighter child in practice.
MAX_ALPHA = 5.0


def profile(children: pd.DataFrame, method: Method, *, alpha: float = 1.0,
            weights: Mapping[str, float] | None = None) -> np.ndarray:
    """The burden profile ``w_i > 0`` of each child under `method` (see the module docstring)."""
    n = len(children)
    if method == "equal":
        return np.ones(n)
    if method == "intensity":
        if not math.isfinite(alpha) or not 0 <= alpha <= MAX_ALPHA:
            raise problem(f"强度指数 α 须在 0 到 {MAX_ALPHA:g} 之间",
                           f"the intensity exponent α must lie between 0 and {MAX_ALPHA:g}")
        e0 = children["emissions0"].to_numpy(dtype=float)
        g0 = children["gdp0"].to_numpy(dtype=float)
        rel = (e0 / g0) / (e0.sum() / g0.sum())
        return _checked_profile(rel**alpha, children)
    if method == "weighted":
        return _checked_profile(weighted_index(children, weights)["index"].to_numpy(float),
                                children)
    raise problem(f"未知的分解方法：{method}",
                   f"unknown method: {method!r} ({', '.join(METHODS)})")


def _checked_profile(w: np.ndarray, children: pd.DataFrame) -> np.ndarray:
    """`w` if every entry is finite and > 0; a located `DataError` naming the children if not.

    No silent zeroing: a child whose profile vanished would keep its base value (issue #11).
    """
    w = np.asarray(w, dtype=float)
    bad = ~np.isfinite(w) | (np.nan_to_num(w, nan=0.0) <= 0)
    if bad.any():
        codes = ", ".join(children.loc[bad, "region_code"].astype(str).tolist()[:5])
        raise problem(f"分解系数无法计算或为零（地区 {codes}），请检查输入数据或强度指数 α",
                       f"the burden profile is undefined or zero for {codes}; check the inputs "
                       "or the intensity exponent α")
    return w


def projected(value0: np.ndarray | float, growth: np.ndarray | float, years: int) -> np.ndarray:
    """Value after `years` of compound annual `growth` (fraction per year)."""
    return np.asarray(value0, dtype=float) * (1.0 + np.asarray(growth, dtype=float)) ** years


def _check_children(children: pd.DataFrame, columns: tuple[str, ...]) -> None:
    if len(children) == 0:
        raise problem("没有下级地区可分解", "there are no child regions to allocate to")
    missing = [c for c in columns if c not in children.columns]
    if missing:
        raise problem(f"缺少输入列：{', '.join(missing)}", f"missing inputs: {', '.join(missing)}")
    problems = []
    for column in columns:
        values = children[column].to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values <= 0 if column != "share0" else values < 0)
        if bad.any():
            codes = ", ".join(children.loc[bad, "region_code"].astype(str).tolist()[:5])
            problems.append(Problem(f"“{column}”须为正数（地区 {codes}）",
                                    f"'{column}' must be positive (regions {codes})"))
    if problems:
        raise DataError(problems)


def _bounds(children: pd.DataFrame, floors: Mapping[str, float] | None,
            caps: Mapping[str, float] | None, lo_default: float, hi_default: float
            ) -> tuple[np.ndarray, np.ndarray]:
    codes = children["region_code"].astype(str).tolist()
    lo = np.array([float((floors or {}).get(c, lo_default)) for c in codes])
    hi = np.array([float((caps or {}).get(c, hi_default)) for c in codes])
    bad = [c for c, a, b in zip(codes, lo, hi, strict=True) if a > b]
    if bad:
        raise problem(f"下限高于上限：{', '.join(bad)}", f"floor above cap for {', '.join(bad)}")
    return lo, hi


def allocate(
    children: pd.DataFrame,
    *,
    kind: Kind,
    parent_target: float,
    method: Method,
    years: int,
    weights: Mapping[str, float] | None = None,
    alpha: float = 1.0,
    floors: Mapping[str, float] | None = None,
    caps: Mapping[str, float] | None = None,
) -> Allocation:
    """Allocate `parent_target` over `children` so that their aggregate meets it.

    Parameters
    ----------
    children
        One row per child: ``region_code``, ``gdp0`` (base-year GDP, constant prices),
        ``gdp_growth`` (projected annual growth, fraction), ``emissions0`` (base-year CO2 or
        energy); for ``share`` also ``energy0``, ``energy_growth`` and ``share0`` (fraction);
        for ``weighted`` the criterion columns of `CRITERIA`.
    kind
        ``intensity`` (parent_target = % reduction), ``total`` (the cap, in the unit of
        ``emissions0``) or ``share`` (%).
    years
        Years from the base year to the target year (5 for a Five-Year Plan).
    floors, caps
        Bounds per child code, in the target's unit (% for intensity and share, quantity for a
        total).

    Raises
    ------
    DataError
        Missing or non-positive inputs, unknown method or criteria, or an infeasible round.
    """
    if kind not in KINDS:
        raise problem(f"未知的目标类型：{kind}", f"unknown target kind: {kind!r}")
    if not math.isfinite(parent_target):
        raise problem("上级目标须为数值", "the parent's target must be a number")
    children = children.reset_index(drop=True)
    if kind == "share":
        return _allocate_share(children, parent_target=parent_target, method=method, years=years,
                               weights=weights, alpha=alpha, floors=floors, caps=caps)
    _check_children(children, ("gdp0", "emissions0"))
    w = profile(children, method, alpha=alpha, weights=weights)
    codes = children["region_code"].astype(str)
    g0 = children["gdp0"].to_numpy(dtype=float)
    e0 = children["emissions0"].to_numpy(dtype=float)
    growth = children.get("gdp_growth", pd.Series(0.0, index=children.index)).to_numpy(float)
    gT = projected(g0, growth, years)
    i0 = e0 / g0
    base_intensity = e0.sum() / g0.sum()
    if kind == "intensity":
        if parent_target >= 100:
            raise problem("强度降低目标须小于 100%", "an intensity reduction must be below 100 %")
        required = (1.0 - parent_target / 100.0) * base_intensity
        lo, hi = _bounds(children, _pct(floors), _pct(caps), -np.inf, 1.0)
        # A floor bounds the cut from below, a cap from above.
        user_lo, user_hi = codes.isin(list(floors or {})), codes.isin(list(caps or {}))
        lo_name, hi_name = "floor", "cap"
    else:
        if parent_target <= 0:
            raise problem("总量目标须为正数", "a total cap must be positive")
        _bounds(children, floors, caps, 0.0, np.inf)  # floor ≤ cap per child
        required = parent_target / gT.sum()
        bau = e0 * gT / g0  # each child's end quantity at constant intensity
        # A cap C_i bounds the rate from below, r_i ≥ 1 − C_i / BAU_i; a floor from above.
        lo = np.array([1 - caps[c] / q if c in (caps or {}) else -np.inf
                       for c, q in zip(codes, bau, strict=True)])
        hi = np.array([1 - floors[c] / q if c in (floors or {}) else 1.0
                       for c, q in zip(codes, bau, strict=True)])
        user_lo, user_hi = codes.isin(list(caps or {})), codes.isin(list(floors or {}))
        lo_name, hi_name = "cap", "floor"
    user_lo, user_hi = user_lo.to_numpy(), user_hi.to_numpy()

    def rates(s: float) -> np.ndarray:
        return np.clip(s * w, lo, hi)

    def level(s: float) -> float:
        return float(((1.0 - rates(s)) * i0 * gT).sum() / gT.sum())

    def shown(lvl: float) -> str:  # a level in the indicator's unit, for messages
        if kind == "intensity":
            return f"{(1.0 - lvl / base_intensity) * 100.0:.2f}%"
        return f"{lvl * gT.sum():.6g}"

    target_shown = f"{parent_target:.2f}%" if kind == "intensity" else f"{parent_target:.6g}"
    start = parent_target / 100.0 if kind == "intensity" else 1 - required / base_intensity
    try:
        s = solve_scale(level, required, lo, hi, w, start, increasing=False)
    except Infeasible as exc:
        raise infeasible_error(children, user_hi, bound=hi_name, best=shown(exc.best_level),
                                target=target_shown) from None
    r = rates(s)
    achieved = level(s)
    out = children.copy()
    out["profile"] = w
    out["gdp_T"] = gT
    out["base_intensity"] = i0
    out["rate"] = r
    out["emissions_T"] = (1.0 - r) * i0 * gT
    out["bound"] = bound_labels(r, lo, hi, user_lo, user_hi, lo_name, hi_name)
    notes: list[tuple[str, str]] = []
    if user_lo.any() and level(s) < required - TOLERANCE * abs(required):
        notes.append(floors_note(children, user_lo & np.isclose(r, lo), bound=lo_name,
                                  reached=shown(achieved), target=target_shown))
    if s <= 0 < parent_target and not user_lo.any():
        notes.append((
            f"各地不降低强度时，因各地 GDP 增速不同，汇总强度已下降 {shown(level(0.0))}，"
            f"达到上级目标 {target_shown}；本轮各地目标为零或负值（允许强度上升）。",
            f"With no cut anywhere, uneven GDP growth alone lowers the aggregate intensity by "
            f"{shown(level(0.0))}, meeting the parent's {target_shown}; this round's child "
            "targets are zero or negative (intensity may rise)."))
    if kind == "intensity":
        out["target"] = r * 100.0
        aggregate = (1.0 - achieved / base_intensity) * 100.0
        meets = aggregate >= parent_target - TOLERANCE * max(1.0, abs(parent_target))
        naive = float(((1 - parent_target / 100.0) * i0 * gT).sum() / gT.sum())
        equal_aggregate = (1.0 - naive / base_intensity) * 100.0
        if abs(equal_aggregate - parent_target) > 1e-6:
            notes.append((
                f"若各地均按上级降幅 {parent_target:.2f}% 下降，因各地 GDP 增速与强度不同，"
                f"汇总降幅为 {equal_aggregate:.3f}%（而非 {parent_target:.2f}%）；"
                "本轮已按比例系数修正。",
                f"Had every child cut by the parent's {parent_target:.2f}%, uneven GDP growth and "
                f"intensity would give an aggregate cut of {equal_aggregate:.3f}% (not "
                f"{parent_target:.2f}%); this round scales the rates to correct it."))
    else:
        out["target"] = out["emissions_T"]
        aggregate = float(out["target"].sum())
        meets = aggregate <= parent_target * (1 + TOLERANCE)
        equal_aggregate = None
    return Allocation(kind=kind, method=method, parent_target=float(parent_target), scale=s,
                      children=out, parent_base=float(base_intensity if kind == "intensity"
                                                       else e0.sum()),
                      required=float(required), achieved=achieved, aggregate_target=aggregate,
                      meets=bool(meets), equal_rate_aggregate=equal_aggregate, notes=notes)


def _pct(bounds: Mapping[str, float] | None) -> dict[str, float] | None:
    return None if bounds is None else {k: float(v) / 100.0 for k, v in bounds.items()}


def _allocate_share(children: pd.DataFrame, *, parent_target: float, method: Method, years: int,
                    weights: Mapping[str, float] | None, alpha: float,
                    floors: Mapping[str, float] | None, caps: Mapping[str, float] | None
                    ) -> Allocation:
    _check_children(children, ("gdp0", "emissions0", "energy0", "share0"))
    if not 0 <= parent_target <= 100:
        raise problem("比重目标须在 0–100% 之间", "a share target must lie between 0 and 100 %")
    w = profile(children, method, alpha=alpha, weights=weights)
    codes = children["region_code"].astype(str)
    user_lo = codes.isin(list(floors or {})).to_numpy()
    user_hi = codes.isin(list(caps or {})).to_numpy()
    e0 = children["energy0"].to_numpy(dtype=float)
    growth = children.get("energy_growth", pd.Series(0.0, index=children.index)).to_numpy(float)
    eT = projected(e0, growth, years)
    sigma0 = children["share0"].to_numpy(dtype=float)
    lo, hi = _bounds(children, _pct(floors), _pct(caps), 0.0, 1.0)
    required = parent_target / 100.0

    def shares(s: float) -> np.ndarray:
        return np.clip(sigma0 + s * w, lo, hi)

    def level(s: float) -> float:
        return float((shares(s) * eT).sum() / eT.sum())

    # Bounds on s for the solver: every share at its floor / at its cap (every w_i > 0).
    a = float(np.min((lo - sigma0) / w))
    b = float(np.max((hi - sigma0) / w))
    ga, gb = level(a) - required, level(b) - required
    if gb < -TOLERANCE:
        raise infeasible_error(children, user_hi, bound="cap", best=f"{level(b) * 100:.2f}%",
                                target=f"{parent_target:.2f}%")
    if ga >= 0:
        s = a
    elif gb <= 0:
        s = b
    else:
        s = root_meeting(lambda x: level(x) - required, a, b)
    sig = shares(s)
    achieved = level(s)
    out = children.copy()
    out["profile"] = w
    out["energy_T"] = eT
    out["rate"] = sig
    out["target"] = sig * 100.0
    out["bound"] = bound_labels(sig, lo, hi, user_lo, user_hi, "floor", "cap")
    notes: list[tuple[str, str]] = []
    if user_lo.any() and achieved > required + TOLERANCE:
        notes.append(floors_note(children, user_lo & np.isclose(sig, lo), bound="floor",
                                  reached=f"{achieved * 100:.2f}%",
                                  target=f"{parent_target:.2f}%"))
    if s < 0 and not user_lo.any():
        notes.append((
            f"各地保持基期比重时汇总已达 {level(0.0) * 100:.2f}%，"
            f"高于上级目标 {parent_target:.2f}%；"
            "本轮按同一比例系数下调各地目标，使汇总恰好等于上级目标。",
            f"At their base-year shares the children already reach {level(0.0) * 100:.2f}%, "
            f"above the parent's {parent_target:.2f}%; this round lowers every child's target by "
            "the same scale so that the aggregate equals the parent's target."))
    base = float((sigma0 * e0).sum() / e0.sum())
    return Allocation(kind="share", method=method, parent_target=float(parent_target), scale=s,
                      children=out, parent_base=base, required=required, achieved=achieved,
                      aggregate_target=achieved * 100.0,
                      meets=bool(achieved >= required - TOLERANCE), notes=notes)


def aggregate_of(children: pd.DataFrame, *, kind: Kind, years: int) -> float:
    """Recompute, from child targets alone, what they aggregate to (the independent check).

    Intensity: the % reduction of ΣE_T/ΣGDP_T against ΣE_0/ΣGDP_0; total: the sum of caps;
    share: the energy-weighted mean share in %.
    """
    g0 = children["gdp0"].to_numpy(dtype=float)
    gT = projected(g0, children["gdp_growth"].to_numpy(dtype=float), years)
    t = children["target"].to_numpy(dtype=float)
    if kind == "intensity":
        e0 = children["emissions0"].to_numpy(dtype=float)
        eT = (1 - t / 100.0) * (e0 / g0) * gT
        return float((1 - (eT.sum() / gT.sum()) / (e0.sum() / g0.sum())) * 100.0)
    if kind == "total":
        return float(t.sum())
    eT = projected(children["energy0"].to_numpy(dtype=float),
                   children["energy_growth"].to_numpy(dtype=float), years)
    return float((t * eT).sum() / eT.sum())


def meets_parent(aggregate: float, parent_target: float, kind: Kind) -> bool:
    """Whether an aggregate meets the parent's target (within `TOLERANCE`, relative)."""
    slack = TOLERANCE * max(1.0, abs(parent_target))
    if kind == "total":
        return aggregate <= parent_target + slack
    return aggregate >= parent_target - slack

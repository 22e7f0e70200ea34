"""The scale solver of an allocation and what it says when floors or caps get in the way.

`solve_scale` finds the scale ``s`` at which the children's aggregate meets the parent's target
(rates ``clip(s · w_i, lo_i, hi_i)``, the aggregate monotone in ``s``), by Brent's method
(`scipy.optimize.brentq`; Brent, *Algorithms for Minimization without Derivatives*, 1973,
ch. 4) on a bracket where every rate sits at a bound. Only the user's floors and caps can make
a round infeasible or push the aggregate past the target; the messages here name them (issue
#11).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from tanzhi.kernel import DataError, Problem

# How close the aggregate must come to the parent's target (relative to the parent's value).
TOLERANCE = 1e-9
# Relative step at which the root search stops (scipy's floor for brentq is 4 × machine eps).
RTOL = 4 * float(np.finfo(float).eps)


def problem(zh: str, en: str) -> DataError:
    return DataError(Problem(zh, en))


class Infeasible(Exception):
    """Raised by `solve_scale`: even every child at its burden-side bound misses the parent."""

    def __init__(self, best_level: float) -> None:
        super().__init__(best_level)
        self.best_level = best_level


def solve_scale(level: Callable[[float], float], required: float, lo: np.ndarray, hi: np.ndarray,
           w: np.ndarray,
           start: float, increasing: bool) -> float:
    """The scale s with level(s) = required, level monotone in s, rates clip(s·w, lo, hi).

    `Infeasible` when even every rate at its upper bound misses `required`; the scale where
    every rate sits at its lower bound when that already does better than `required`.
    """
    # Beyond these scales every rate sits at a bound: the level cannot move further.
    finite_lo = np.where(np.isfinite(lo), lo / w, np.nan)
    finite_hi = np.where(np.isfinite(hi), hi / w, np.nan)
    a = float(np.nanmin(finite_lo)) if np.isfinite(finite_lo).all() else start - 1.0
    b = float(np.nanmax(finite_hi)) if np.isfinite(finite_hi).all() else start + 1.0
    a, b = min(a, start), max(b, start)

    def gap(s: float) -> float:
        value = level(s) - required
        return value if increasing else -value

    # Expand an unbounded side until the gap changes sign (rates unbounded below, e.g. a rise).
    for _ in range(200):
        if gap(a) <= 0 or np.isfinite(lo).all():
            break
        a -= 2.0 * (b - a)
    for _ in range(200):
        if gap(b) >= 0 or np.isfinite(hi).all():
            break
        b += 2.0 * (b - a)
    ga, gb = gap(a), gap(b)
    scale = abs(required) if required else 1.0
    if gb < -TOLERANCE * scale:
        raise Infeasible(level(b))
    if ga >= 0:  # even at every floor the children do better than the parent needs
        return a
    if gb <= 0:
        return b
    return root_meeting(gap, a, b)


def names_of(children: pd.DataFrame, mask: np.ndarray) -> tuple[str, str]:
    """The children under `mask` by name (zh, en), at most eight, for a message."""
    rows = children.loc[mask]
    codes = rows["region_code"].astype(str).tolist()
    zh = rows["name_zh"].astype(str).tolist() if "name_zh" in rows else codes
    en = rows["name_en"].astype(str).tolist() if "name_en" in rows else codes
    more = len(codes) - 8
    tail_zh, tail_en = (f"等{len(codes)}个地区", f" and {more} more") if more > 0 else ("", "")
    return "、".join(zh[:8]) + tail_zh, ", ".join(en[:8]) + tail_en


def infeasible_error(children: pd.DataFrame, user_bound: np.ndarray, *, bound: str,
                      best: str, target: str) -> DataError:
    """The round is infeasible: name the user's bounds that make it so (issue #11).

    `bound` is "cap" (intensity, share: the largest cut or share a child may take) or "floor"
    (total: the smallest quantity a child may keep). Without such bounds nothing can make a
    round infeasible (every target is checked to be reachable first), so a round refused here
    without any is a defect, said as such rather than blamed on the user.
    """
    word_zh, word_en = ("上限", "caps") if bound == "cap" else ("下限", "floors")
    if not user_bound.any():
        return problem(
            f"本轮分解无法达到上级目标 {target}（最多 {best}），且未设置{word_zh}："
            "这是软件缺陷，请报告",
            f"the round cannot reach the parent's target {target} (at best {best}) although no "
            f"{word_en} were given: this is a defect, please report it")
    zh, en = names_of(children, user_bound)
    return problem(
        f"本轮分解不可行：设置的{word_zh}（{zh}）使汇总最多只能达到 {best}，"
        f"达不到上级目标 {target}；请放宽这些地区的{word_zh}",
        f"the round is infeasible: the {word_en} given for {en} let the children reach at most "
        f"{best}, short of the parent's target {target}; relax those {word_en}")


def floors_note(children: pd.DataFrame, user_bound: np.ndarray, *, bound: str,
                 reached: str, target: str) -> tuple[str, str]:
    """A note: the user's bounds alone make the aggregate exceed the parent's target."""
    word_zh, word_en = ("下限", "floors") if bound == "floor" else ("上限", "caps")
    zh, en = names_of(children, user_bound)
    return (f"设置的{word_zh}（{zh}）使汇总达到 {reached}，超过上级目标 {target}；"
            f"不设这些{word_zh}时汇总恰好等于上级目标。",
            f"The {word_en} given for {en} make the children reach {reached}, beyond the "
            f"parent's target {target}; without them the aggregate equals the target.")


def root_meeting(f: Callable[[float], float], a: float, b: float) -> float:
    """Root of an increasing f on [a, b] (f(a) < 0 < f(b)), taken on the side where f ≥ 0.

    f ≥ 0 is "the children meet the parent"; Brent's root may land a rounding step short of it
    (the property test found −1e-9 percentage points), so the bracket is then narrowed from the
    root to the first point that meets the target, which is what the allocation must guarantee.
    """
    try:
        # Tolerances relative to the root only: profiles may span many orders of magnitude, and
        # an absolute step of 1e-13 was as large as the scale itself when some w_i reach 1e12
        # (the random search found the children then missing the parent by 2.5 %).
        x = float(brentq(f, a, b, xtol=1e-300, rtol=RTOL, maxiter=1000))
        if f(x) >= 0:
            return x
        a = x
    except RuntimeError:
        pass
    for _ in range(400):
        mid = 0.5 * (a + b)
        if f(mid) < 0:
            a = mid
        else:
            b = mid
        if b - a <= RTOL * max(abs(a), abs(b)):
            break
    return b


def bound_labels(value: np.ndarray, lo: np.ndarray, hi: np.ndarray, user_lo: np.ndarray,
                  user_hi: np.ndarray, lo_name: str, hi_name: str) -> np.ndarray:
    """"floor", "cap" or "" per child: which of the user's bounds its rate sits at."""
    at_lo = user_lo & np.isclose(value, lo, rtol=0.0, atol=1e-12)
    at_hi = user_hi & np.isclose(value, hi, rtol=0.0, atol=1e-12)
    return np.where(at_lo, lo_name, np.where(at_hi, hi_name, ""))

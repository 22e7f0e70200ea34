"""Decomposition never freezes a child by accident (issue #11 item 3).

Two kinds of search over random rounds, both checking the same invariants:

- hypothesis (random weights, zeros, extreme shares; **not** derandomized, so every run looks
  at new cases, and a failure is shrunk and printed);
- a bounded random search: a fresh seed per run (printed on failure, or set
  ``TANZHI_SEARCH_SEED`` to replay one), thousands of cases within a few seconds.

Invariants, for every kind (intensity, total, share) and method:

1. without floors and caps the children meet the parent's target and equal it (relative 1e-7);
   every child carries a burden of the same sign as the round's scale, never zero; the scale
   is positive exactly when the children would miss the target without any cut / rise;
2. floors and caps are respected;
3. a round is infeasible only when even every child at its cap misses the target, and the
   message names the capped children; without caps no round is infeasible.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tanzhi.kernel import DataError
from tanzhi.plan.decompose.calc import CRITERIA, METHODS, aggregate_of, allocate, meets_parent

YEARS = 5


def _frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """n children with log-spread sizes, zeros and extreme values in every criterion."""
    def spread(low: float, high: float) -> np.ndarray:
        return np.exp(rng.uniform(np.log(low), np.log(high), n))

    def share(high: float) -> np.ndarray:  # a fraction, with exact zeros and extremes mixed in
        x = rng.uniform(0.0, high, n)
        pick = rng.random(n)
        return np.where(pick < 0.15, 0.0, np.where(pick > 0.85, high, x))

    gdp = spread(0.1, 1e5)
    frame = pd.DataFrame({
        "region_code": [f"3306{i:02d}" for i in range(n)],
        "name_zh": [f"县{i}" for i in range(n)], "name_en": [f"county {i}" for i in range(n)],
        "gdp0": gdp, "gdp_growth": rng.uniform(-0.05, 0.15, n),
        "emissions0": spread(0.1, 1e5), "energy0": spread(0.1, 1e5),
        "energy_growth": rng.uniform(-0.05, 0.15, n), "share0": share(0.95),
        "population": spread(0.1, 1e4), "coal_share": share(0.95),
        "secondary_share": share(0.95),
    })
    frame["gdp_per_capita"] = frame["gdp0"] / frame["population"]
    frame["gdp_share"] = frame["gdp0"] / frame["gdp0"].sum()
    frame["intensity"] = frame["emissions0"] / frame["gdp0"]
    return frame


def _weights(rng: np.random.Generator) -> dict[str, float]:
    keys = list(CRITERIA)
    if rng.random() < 0.4:  # one criterion alone, the case that froze children before
        return {keys[int(rng.integers(len(keys)))]: 1.0}
    w = {k: float(rng.choice([0.0, rng.uniform(0.0, 5.0)])) for k in keys}
    if sum(w.values()) <= 0.01:
        w[keys[0]] = 1.0
    return w


def _zero_effort_aggregate(ch: pd.DataFrame, kind: str) -> float:
    """What the children reach with no cut (intensity, total) or no rise (share)."""
    if kind == "intensity":
        return aggregate_of(ch.assign(target=0.0), kind=kind, years=YEARS)
    if kind == "total":
        bau = ch["emissions0"] * (1 + ch["gdp_growth"]) ** YEARS
        return float(bau.sum())
    return aggregate_of(ch.assign(target=ch["share0"] * 100), kind=kind, years=YEARS)


def check_unbounded(ch: pd.DataFrame, kind: str, method: str, target: float,
                    weights: dict[str, float], alpha: float) -> None:
    """Invariant 1 (no floors, no caps); raises AssertionError naming what failed."""
    a = allocate(ch, kind=kind, parent_target=target, method=method, years=YEARS,
                 weights=weights, alpha=alpha)
    check = aggregate_of(a.children, kind=kind, years=YEARS)
    # Meets the parent (the allocation's own tolerance, 1e-9 relative) …
    assert meets_parent(check, target, kind), (check, target)
    # … and equals it: within 1e-7 relative (1e-7 percentage points for a target below 1 %),
    # the floating-point reach of a sum over children whose sizes differ by up to 1e6.
    assert abs(check - target) <= 1e-7 * max(1.0, abs(target)), (check, target)
    p = a.children["profile"].to_numpy()
    assert (p > 0).all(), f"a zero or negative profile: {p}"
    t = a.children["target"].to_numpy()
    if kind == "intensity":
        burden = t
    elif kind == "total":
        burden = (ch["emissions0"] * (1 + ch["gdp_growth"]) ** YEARS).to_numpy() - t
    else:
        burden = t - ch["share0"].to_numpy() * 100
    zero = _zero_effort_aggregate(ch, kind)
    needs_effort = zero > target if kind == "total" else zero < target
    gap = abs(zero - target) / max(1.0, abs(target))
    if gap < 1e-9:
        return  # the target is what the children reach anyway: every burden is ~0
    scale_positive = a.scale > 0
    assert scale_positive == needs_effort, (a.scale, zero, target)
    # Every child's burden s·w_i has the scale's sign, none is zero; where it is large enough
    # to show in floating point next to the base value, the target moved by exactly that much
    # (a share at 0 % or 100 % is a physical bound of that child: it moved as far as it can).
    sign = 1.0 if scale_positive else -1.0
    step = a.scale * p
    assert (sign * step > 0).all(), f"a child without burden: {step}"
    shown = np.abs(step) > 1e-9
    if kind == "share":
        shown &= (t > 1e-9) & (t < 100 - 1e-9)
    assert (sign * burden[shown] > 0).all(), f"a child without burden: {burden}"
    if kind == "intensity":
        assert (t < 100 + 1e-9).all()


def check_bounded(ch: pd.DataFrame, method: str, target: float, lo: float, width: float,
                  weights: dict[str, float]) -> None:
    """Invariants 2 and 3 on an intensity round with a floor and a cap for every child."""
    codes = ch["region_code"].tolist()
    floors = {c: lo for c in codes}
    caps = {c: lo + width for c in codes}
    try:
        a = allocate(ch, kind="intensity", parent_target=target, method=method, years=YEARS,
                     weights=weights, floors=floors, caps=caps)
    except DataError as exc:
        text = str(exc)
        assert "infeasible" in text and "caps given for" in text, text
        assert "county 0" in text and "县0" in text, text  # the capped children, by name
        at_caps = ch.assign(target=lo + width)
        assert aggregate_of(at_caps, kind="intensity", years=YEARS) < target + 1e-9
        return
    t = a.children["target"]
    assert (t >= lo - 1e-9).all() and (t <= lo + width + 1e-9).all()
    check = aggregate_of(a.children, kind="intensity", years=YEARS)
    assert check >= target - 1e-9 * max(1.0, target)
    if check > target + 1e-6:  # only the floors can push the aggregate past the target
        assert any("floors given for" in en for _zh, en in a.notes), a.notes
        assert np.allclose(t, lo)


# ------------------------------------------------------------------------------- hypothesis

RANDOM = settings(max_examples=40, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(st.integers(0, 2**32 - 1), st.integers(1, 14), st.sampled_from(("intensity", "total",
                                                                       "share")),
       st.sampled_from(METHODS), st.floats(0.0, 1.0), st.floats(0.0, 3.0))
def test_no_child_is_frozen_and_the_parent_is_met(seed, n, kind, method, level, alpha) -> None:
    rng = np.random.default_rng(seed)
    ch = _frame(rng, n)
    target = {"intensity": 60 * level, "share": 90 * level,
              "total": float(ch["emissions0"].sum()) * (0.2 + 2.8 * level)}[kind]
    check_unbounded(ch, kind, method, target, _weights(rng), alpha)


@RANDOM
@given(st.integers(0, 2**32 - 1), st.integers(1, 14), st.sampled_from(METHODS),
       st.floats(5.0, 40.0), st.floats(0.0, 30.0), st.floats(0.0, 30.0))
def test_bounds_hold_and_only_they_make_a_round_infeasible(seed, n, method, target, lo,
                                                           width) -> None:
    rng = np.random.default_rng(seed)
    check_bounded(_frame(rng, n), method, target, lo, width, _weights(rng))


# ------------------------------------------------------------------------ bounded random search

BUDGET_S = 4.0
MAX_CASES = 3000


def test_bounded_random_search() -> None:
    """A fresh seed each run; stops after `MAX_CASES` cases or `BUDGET_S` seconds."""
    seed = int(os.environ.get("TANZHI_SEARCH_SEED") or int.from_bytes(os.urandom(4), "big"))
    rng = np.random.default_rng(seed)
    start, cases = time.perf_counter(), 0
    while cases < MAX_CASES and time.perf_counter() - start < BUDGET_S:
        n = int(rng.integers(1, 15))
        ch = _frame(rng, n)
        kind = str(rng.choice(["intensity", "total", "share", "bounded"]))
        method = str(rng.choice(METHODS))
        weights = _weights(rng)
        case = {"seed": seed, "case": cases, "n": n, "kind": kind, "method": method,
                "weights": weights}
        try:
            if kind == "bounded":
                target, lo, width = (rng.uniform(5, 40), rng.uniform(0, 30), rng.uniform(0, 30))
                case.update(target=target, lo=lo, width=width)
                check_bounded(ch, method, target, lo, width, weights)
            else:
                level, alpha = rng.random(), rng.uniform(0, 3)
                target = {"intensity": 60 * level, "share": 90 * level,
                          "total": float(ch["emissions0"].sum()) * (0.2 + 2.8 * level)}[kind]
                case.update(target=target, alpha=alpha)
                check_unbounded(ch, kind, method, target, weights, alpha)
        except (AssertionError, DataError) as exc:
            pytest.fail(f"random search failed (replay: TANZHI_SEARCH_SEED={seed}); case {case}"
                        f"\nchildren:\n{ch.to_csv(index=False)}\n{type(exc).__name__}: {exc}")
        cases += 1
    print(f"random search: {cases} cases in {time.perf_counter() - start:.1f} s, seed {seed}")
    assert cases >= 100, f"only {cases} cases in {BUDGET_S} s (seed {seed})"

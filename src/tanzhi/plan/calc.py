"""Plan-tracking maths: completion, time progress, status lights, compound paths, required rates.

Every function here is pure: numbers in, numbers out, no I/O and no plan objects. The definitions
are those of issue #4 ("Plan registry, tracking and warnings"):

- completion (完成进度) = achieved change ÷ targeted change, both measured from the baseline;
- time progress (时间进度) = elapsed years ÷ plan years;
- status (预警等级) green when completion ≥ time progress, yellow when completion ≥ 80 % of time
  progress, red below — both thresholds configurable per plan;
- for intensity targets an alternative expected path compounds at a constant annual rate,
  I_t = I_0 × (1 − r)^t, instead of falling in a straight line;
- the annual rate still required to reach the target from the latest actual.

See `docs/methods/plan.md` for worked examples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict

Direction = Literal["increase", "decrease"]
Trajectory = Literal["linear", "compound"]


class Status(StrEnum):
    """Traffic-light status of one indicator at one point in time (绿/黄/红)."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def rank(self) -> int:
        """0 for red, 1 for yellow, 2 for green: a larger rank is a better status."""
        return _RANK[self]

    @property
    def label_zh(self) -> str:
        """The Chinese label shown in pages (正常 / 预警 / 滞后)."""
        return _LABEL_ZH[self]


_RANK = {Status.RED: 0, Status.YELLOW: 1, Status.GREEN: 2}
_LABEL_ZH = {Status.GREEN: "进度正常", Status.YELLOW: "进度预警", Status.RED: "进度滞后"}


@dataclass(frozen=True)
class Thresholds:
    """Status thresholds, as fractions of the expected progress.

    Green when completion ≥ ``green_ratio`` × expected progress; yellow when completion ≥
    ``yellow_ratio`` × expected progress; red otherwise. Issue #4 sets the defaults 1.0 and 0.8
    and asks that each plan may set its own.
    """

    # Pydantic reads this when a plan file embeds the thresholds: unknown keys are an error.
    __pydantic_config__ = ConfigDict(extra="forbid")

    green_ratio: float = 1.0
    yellow_ratio: float = 0.8

    def __post_init__(self) -> None:
        if not (math.isfinite(self.green_ratio) and math.isfinite(self.yellow_ratio)):
            raise ValueError("thresholds must be finite numbers")
        if not 0 <= self.yellow_ratio <= self.green_ratio:
            raise ValueError(
                f"need 0 ≤ yellow_ratio ≤ green_ratio, got yellow_ratio={self.yellow_ratio}, "
                f"green_ratio={self.green_ratio}"
            )


def _sign(direction: Direction) -> int:
    if direction == "increase":
        return 1
    if direction == "decrease":
        return -1
    raise ValueError(f"direction must be 'increase' or 'decrease', got {direction!r}")


def completion(baseline: float, target: float, actual: float) -> float:
    """Share of the targeted change achieved so far.

    completion = (actual − baseline) ÷ (target − baseline)

    Issue #4's definition ("achieved change ÷ targeted change"). It is direction-free: for a
    decrease target both differences are negative, so a 0.05 fall towards a 0.10 fall is 0.5.
    Exactly 1 at the target, 0 at the baseline, above 1 when the target is overshot and below 0
    when the indicator moved the wrong way.

    Parameters
    ----------
    baseline, target, actual
        The indicator's base-year value, target value and latest actual, in one unit.

    Raises
    ------
    ValueError
        When target equals baseline ("keep at the current level" targets such as 不减少): the
        ratio is undefined; use `status`, which treats these as met-or-not.

    Examples
    --------
    >>> completion(0.0, 18.0, 9.0)
    0.5
    >>> round(completion(0.41, 0.35, 0.38), 12)  # intensity falling from 0.41 towards 0.35
    0.5
    """
    targeted = target - baseline
    if targeted == 0:
        raise ValueError("target equals baseline: completion is undefined")
    return (actual - baseline) / targeted


def time_progress(year: int | float, base_year: int, end_year: int) -> float:
    """Share of the plan period elapsed by `year`, clipped to [0, 1].

    time progress = (year − base_year) ÷ (end_year − base_year)

    Issue #4: "elapsed years ÷ plan years". A 14th-FYP plan has base year 2020 and end year 2025,
    so annual data for 2022 sit at 2/5 = 0.4. Years before the base year give 0 and years after
    the end give 1.

    Examples
    --------
    >>> time_progress(2022, 2020, 2025)
    0.4
    >>> time_progress(2030, 2020, 2025)
    1.0
    """
    span = end_year - base_year
    if span <= 0:
        raise ValueError(f"end_year ({end_year}) must be after base_year ({base_year})")
    return min(1.0, max(0.0, (year - base_year) / span))


def compound_rate(baseline: float, target: float, years: float) -> float:
    """Constant annual decline rate r that takes `baseline` to `target` in `years`.

    From I_T = I_0 × (1 − r)^T:  r = 1 − (I_T ÷ I_0)^(1/T).

    Positive for a decline, negative for growth (then −r is the annual growth rate). This is the
    usual reading of a five-year intensity target: "降低 18 %" over five years is
    1 − 0.82^(1/5) ≈ 3.89 % a year.

    Examples
    --------
    >>> round(compound_rate(1.0, 0.82, 5), 6)
    0.038913
    """
    if baseline <= 0 or target <= 0:
        raise ValueError("compound rates need positive baseline and target values")
    if years <= 0:
        raise ValueError("years must be positive")
    return 1 - (target / baseline) ** (1 / years)


def compound_path(baseline: float, rate: float, years: float) -> float:
    """Value after `years` of constant annual decline at `rate`: I_t = I_0 × (1 − r)^t.

    Examples
    --------
    >>> round(compound_path(1.0, compound_rate(1.0, 0.82, 5), 5), 12)
    0.82
    """
    return baseline * (1 - rate) ** years


def expected_progress(
    year: int | float,
    base_year: int,
    end_year: int,
    *,
    trajectory: Trajectory = "linear",
    baseline: float | None = None,
    target: float | None = None,
) -> float:
    """Share of the targeted change that should be achieved by `year`.

    ``linear``: the time progress, (year − base_year) ÷ (end_year − base_year) (issue #4).

    ``compound``: the share reached on the constant-rate path I_t = I_0 × (1 − r)^t that joins
    baseline and target, i.e. (I_t − I_0) ÷ (I_T − I_0) = (q^t − 1) ÷ (q^T − 1) with
    q = (I_T ÷ I_0)^(1/T), t = year − base_year, T = end_year − base_year. For a decline the
    path falls fastest in absolute terms at the start, so more than t/T of the change is
    expected early on. Needs positive `baseline` and `target` (an intensity level; for a target
    written as a cumulative reduction R use baseline 1 and target 1 − R).

    Examples
    --------
    >>> expected_progress(2022, 2020, 2025)
    0.4
    >>> share = expected_progress(2022, 2020, 2025, trajectory="compound", baseline=1, target=0.82)
    >>> round(share, 4)
    0.424
    """
    share = time_progress(year, base_year, end_year)
    if trajectory == "linear":
        return share
    if trajectory != "compound":
        raise ValueError(f"trajectory must be 'linear' or 'compound', got {trajectory!r}")
    if baseline is None or target is None:
        raise ValueError("the compound trajectory needs baseline and target")
    if baseline <= 0 or target <= 0:
        raise ValueError("the compound trajectory needs positive baseline and target values")
    if target == baseline:
        return share
    span = end_year - base_year
    q = (target / baseline) ** (1 / span)
    return (q ** (share * span) - 1) / (q**span - 1)


def planned_progress(
    year: int | float,
    base_year: int,
    end_year: int,
    *,
    trajectory: str | None,
    cumulative_cut: bool,
    baseline: float,
    target: float,
) -> float:
    """Share of the targeted change an indicator's planned path expects by `year`.

    The path the status table rates against (module docstring): the compound path for a
    ``compound`` indicator with positive baseline and target; for a compound cumulative cut R
    (in %) the path from 1 to 1 − R; linear time progress otherwise. The planned value in
    `year` is ``baseline + (target − baseline) × planned_progress(...)``.

    Examples
    --------
    >>> planned_progress(2022, 2020, 2025, trajectory="linear", cumulative_cut=False,
    ...                  baseline=10, target=8)
    0.4
    >>> round(planned_progress(2022, 2020, 2025, trajectory="compound", cumulative_cut=True,
    ...                        baseline=0, target=18), 4)
    0.424
    """
    compound = trajectory == "compound"
    if compound and cumulative_cut and 0 < target < 100:
        return expected_progress(year, base_year, end_year, trajectory="compound",
                                 baseline=1.0, target=1 - target / 100)
    if compound and baseline > 0 and target > 0 and not cumulative_cut:
        return expected_progress(year, base_year, end_year, trajectory="compound",
                                 baseline=baseline, target=target)
    return time_progress(year, base_year, end_year)


def status(
    *,
    baseline: float,
    target: float,
    actual: float,
    direction: Direction,
    progress: float,
    thresholds: Thresholds | None = None,
) -> Status:
    """Traffic-light status of one indicator.

    Rules, with s = +1 for increase-is-good and −1 for decrease-is-good:

    1. target met (s × (actual − target) ≥ 0): green;
    2. targeted change in the good direction (s × (target − baseline) > 0): compare
       completion = (actual − baseline) ÷ (target − baseline) with the expected `progress`:
       green when completion ≥ green_ratio × progress, yellow when ≥ yellow_ratio × progress,
       red otherwise (issue #4);
    3. otherwise (the target asks for no improvement — 不减少, or a target already below the
       baseline as in Taizhou's green-building row — and the actual is short of it): red.

    Rule 1 comes first so that a target at or below the baseline cannot turn overshooting into
    a warning, which keeps the status monotone in the actual value: a better actual never gives
    a worse status.

    Parameters
    ----------
    progress
        Expected progress in [0, 1]: `time_progress` or `expected_progress`.
    thresholds
        Per-plan thresholds; the issue's defaults (1.0, 0.8) when omitted.

    Examples
    --------
    >>> status(baseline=0, target=18, actual=6, direction="increase", progress=0.4).value
    'yellow'
    """
    limits = thresholds or Thresholds()
    sign = _sign(direction)
    if sign * (actual - target) >= 0:
        return Status.GREEN
    if sign * (target - baseline) <= 0:
        return Status.RED
    share = completion(baseline, target, actual)
    if share >= limits.green_ratio * progress:
        return Status.GREEN
    if share >= limits.yellow_ratio * progress:
        return Status.YELLOW
    return Status.RED


def required_annual_change(actual: float, target: float, years_left: float) -> float:
    """Straight-line change per year still needed: (target − actual) ÷ years left.

    Examples
    --------
    >>> required_annual_change(52.4, 58.4, 3)
    2.0
    """
    if years_left <= 0:
        raise ValueError("no years left in the plan period")
    return (target - actual) / years_left


def required_annual_rate(actual: float, target: float, years_left: float) -> float:
    """Constant annual decline rate still needed to go from `actual` to `target`.

    r = 1 − (target ÷ actual)^(1/n), n = years left; from target = actual × (1 − r)^n, the same
    compound form as `compound_rate`. Negative when the target lies above the actual (then −r is
    the growth rate still needed).

    Examples
    --------
    >>> round(required_annual_rate(0.40, 0.35, 3), 6)
    0.043534
    """
    if years_left <= 0:
        raise ValueError("no years left in the plan period")
    return compound_rate(actual, target, years_left)


def required_annual_reduction(achieved: float, targeted: float, years_left: float) -> float:
    """Annual intensity decline still needed when achievement and target are cumulative cuts.

    With cumulative reductions R_t (achieved so far) and R_T (targeted), both as fractions of
    the base-year intensity, the remaining path is (1 − R_T) = (1 − R_t) × (1 − r)^n, so
    r = 1 − ((1 − R_T) ÷ (1 − R_t))^(1/n).

    Examples
    --------
    >>> round(required_annual_reduction(0.05, 0.18, 3), 6)
    0.047869
    """
    if achieved >= 1 or targeted >= 1:
        raise ValueError("cumulative reductions must be below 100 %")
    return required_annual_rate(1 - achieved, 1 - targeted, years_left)


@dataclass(frozen=True)
class Assessment:
    """Everything one status light shows: completion, expected progress, status, needed rate."""

    completion: float | None
    expected_progress: float
    status: Status
    required_annual_change: float | None


def assess(
    *,
    baseline: float,
    target: float,
    actual: float,
    year: int,
    base_year: int,
    end_year: int,
    direction: Direction,
    trajectory: Trajectory = "linear",
    thresholds: Thresholds | None = None,
) -> Assessment:
    """Completion, expected progress, status and the change still needed, for one actual.

    `required_annual_change` is the compound rate (`required_annual_rate`) on the compound
    trajectory and the straight-line change (`required_annual_change`) otherwise; None once the
    plan period is over or the target is already met.

    Examples
    --------
    >>> a = assess(baseline=0, target=18, actual=9, year=2022, base_year=2020, end_year=2025,
    ...            direction="increase")
    >>> a.completion, a.expected_progress, a.status.value, a.required_annual_change
    (0.5, 0.4, 'green', 3.0)
    """
    progress = expected_progress(
        year, base_year, end_year, trajectory=trajectory, baseline=baseline, target=target
    )
    light = status(
        baseline=baseline,
        target=target,
        actual=actual,
        direction=direction,
        progress=progress,
        thresholds=thresholds,
    )
    share = None if target == baseline else completion(baseline, target, actual)
    years_left = end_year - year
    met = _sign(direction) * (actual - target) >= 0
    needed: float | None = None
    if years_left > 0 and not met:
        if trajectory == "compound":
            needed = required_annual_rate(actual, target, years_left)
        else:
            needed = required_annual_change(actual, target, years_left)
    return Assessment(share, progress, light, needed)


# ---- nowcast: year-end value from sub-annual proxies ----------------------------------------


@dataclass(frozen=True)
class NowcastEstimate:
    """A year-end estimate from the year to date: value, interval and the shares used."""

    value: float
    low: float
    high: float
    share_mean: float
    shares: tuple[float, ...]


def ytd_share(ytd: float, annual: float) -> float:
    """Share of a year's total reached by the same point of the year: ytd ÷ annual.

    Examples
    --------
    >>> ytd_share(75.0, 100.0)
    0.75
    """
    if annual <= 0:
        raise ValueError("the annual total must be positive")
    return ytd / annual


def nowcast_from_shares(ytd: float, shares: tuple[float, ...] | list[float]) -> NowcastEstimate:
    """Year-end value from the year to date and earlier years' year-to-date shares.

    Method (seasonal-share nowcast): in each earlier year y the sum of the same months (or
    quarters) was a share s_y = ytd_y ÷ annual_y of that year's total. With the mean share
    s̄, the year-end estimate is ytd ÷ s̄; the interval takes the extreme shares,
    [ytd ÷ max s_y, ytd ÷ min s_y], i.e. it assumes this year's seasonal pattern lies within
    the range seen before. With one earlier year the interval is a point. The method is the
    simple "ratio to year-to-date" used for flash estimates of annual energy statistics; its
    error grows as fewer months are known (shares further from 1 and more spread out).

    Examples
    --------
    >>> est = nowcast_from_shares(80.0, (0.75, 0.8, 0.85))
    >>> round(est.value, 6), round(est.low, 6), round(est.high, 6)
    (100.0, 94.117647, 106.666667)
    """
    clean = tuple(float(s) for s in shares)
    if not clean:
        raise ValueError("at least one earlier year's share is needed")
    if any(not math.isfinite(s) or s <= 0 or s > 1.5 for s in clean):
        raise ValueError("shares must be positive finite fractions of the annual total")
    mean = sum(clean) / len(clean)
    return NowcastEstimate(ytd / mean, ytd / max(clean), ytd / min(clean), mean, clean)

"""Plan-tracking maths: completion, time progress, status lights, compound paths, required rates."""

from __future__ import annotations

import doctest
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tanzhi.plan import calc
from tanzhi.plan.calc import (
    Status,
    Thresholds,
    assess,
    completion,
    compound_path,
    compound_rate,
    expected_progress,
    required_annual_change,
    required_annual_rate,
    required_annual_reduction,
    status,
    time_progress,
)


def test_docstring_examples_hold() -> None:
    # The docstrings carry worked examples; pytest's doctest run covers only src/tanzhi/kernel.
    result = doctest.testmod(calc)
    assert result.attempted > 0 and result.failed == 0


# ---- completion and time progress, by hand -----------------------------------------------


def test_completion_is_achieved_over_targeted_change() -> None:
    # A cumulative CO2-intensity cut of 9 % against an 18 % target: half done.
    assert completion(0.0, 18.0, 9.0) == 0.5
    # Shaoxing green travel 70 → 75 %: 72 % is 2/5 of the way.
    assert completion(70, 75, 72) == pytest.approx(0.4)
    # A falling intensity, 0.41 → 0.35: 0.38 is half of the fall.
    assert completion(0.41, 0.35, 0.38) == pytest.approx(0.5)
    # Overshoot and wrong-way movement.
    assert completion(70, 75, 80) == pytest.approx(2.0)
    assert completion(70, 75, 65) == pytest.approx(-1.0)


def test_completion_refuses_a_target_equal_to_the_baseline() -> None:
    # Shaoxing wetland protection rate: 60.6 → 不减少 — no change targeted, no ratio.
    with pytest.raises(ValueError, match="undefined"):
        completion(60.6, 60.6, 61.0)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2019, 0.0), (2020, 0.0), (2021, 0.2), (2022, 0.4), (2025, 1.0), (2027, 1.0)],
)
def test_time_progress_of_a_14th_fyp_plan(year: int, expected: float) -> None:
    # Base year 2020, end 2025: five plan years.
    assert time_progress(year, 2020, 2025) == pytest.approx(expected)


def test_time_progress_needs_an_end_after_the_base() -> None:
    with pytest.raises(ValueError):
        time_progress(2022, 2025, 2025)


# ---- status lights, by hand ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (72.0, Status.GREEN),  # completion 0.40 ≥ time progress 0.40
        (71.7, Status.YELLOW),  # completion 0.34 ≥ 0.8 × 0.40 = 0.32
        (71.5, Status.RED),  # completion 0.30 < 0.32
        (69.0, Status.RED),  # wrong way
        (75.0, Status.GREEN),  # target reached
    ],
)
def test_status_increase_target(actual: float, expected: Status) -> None:
    # Shaoxing 城市中心城区绿色出行比例 70 → 75 %, assessed on 2022 data (time progress 0.4).
    got = status(baseline=70, target=75, actual=actual, direction="increase", progress=0.4)
    assert got is expected


def test_status_decrease_target_linear_and_compound() -> None:
    # Shaoxing energy intensity 0.41 tce/万元 with a 16.5 % cut (the text's figure):
    # target 0.41 × 0.835 = 0.34235.
    target = 0.41 * (1 - 0.165)
    linear = time_progress(2022, 2020, 2025)  # 0.4
    # Compound path: q = 0.835^(1/5); progress after 2 years = (q^2 − 1)/(q^5 − 1)
    # = (0.835^0.4 − 1)/(0.835 − 1) = (0.930411 − 1)/(−0.165) = 0.42175.
    compound = expected_progress(
        2022, 2020, 2025, trajectory="compound", baseline=0.41, target=target
    )
    assert compound == pytest.approx(0.42175, abs=1e-5)
    # 0.38: completion 0.03/0.06765 = 0.44346, above both paths.
    assert completion(0.41, target, 0.38) == pytest.approx(0.44346, abs=1e-5)
    for progress in (linear, compound):
        assert (
            status(
                baseline=0.41, target=target, actual=0.38, direction="decrease", progress=progress
            )
            is Status.GREEN
        )
    # 0.385: completion 0.36955 — yellow on both (≥ 0.32 and ≥ 0.8 × 0.42175 = 0.3374).
    for progress in (linear, compound):
        assert (
            status(
                baseline=0.41, target=target, actual=0.385, direction="decrease", progress=progress
            )
            is Status.YELLOW
        )
    # 0.3875: completion 0.33259 — yellow on the straight line, red on the compound path.
    assert (
        status(baseline=0.41, target=target, actual=0.3875, direction="decrease", progress=linear)
        is Status.YELLOW
    )
    assert (
        status(baseline=0.41, target=target, actual=0.3875, direction="decrease", progress=compound)
        is Status.RED
    )


def test_status_of_a_target_already_met_at_the_baseline() -> None:
    # Taizhou 新建建筑二星级以上绿色建筑占比: 2020 value 28, target 26以上.
    kwargs = {"baseline": 28, "target": 26, "direction": "increase", "progress": 0.4}
    assert status(actual=27, **kwargs) is Status.GREEN  # still ≥ 26
    assert status(actual=30, **kwargs) is Status.GREEN
    assert status(actual=25, **kwargs) is Status.RED  # fell below the target


def test_status_of_a_keep_level_target() -> None:
    # Shaoxing 湿地保护率 60.6, target 不减少.
    kwargs = {"baseline": 60.6, "target": 60.6, "direction": "increase", "progress": 0.6}
    assert status(actual=60.6, **kwargs) is Status.GREEN
    assert status(actual=60.5, **kwargs) is Status.RED


def test_thresholds_are_configurable_and_checked() -> None:
    loose = Thresholds(green_ratio=0.75, yellow_ratio=0.5)
    # Time progress 0.4. With the defaults completion 0.30 (71.5) is red (< 0.8 × 0.4 = 0.32);
    # with green at 0.75 × 0.4 = 0.30, completion 0.32 (71.6) is green.
    kwargs = {"baseline": 70, "target": 75, "direction": "increase", "progress": 0.4}
    assert status(actual=71.5, **kwargs) is Status.RED
    assert status(actual=71.6, thresholds=loose, **kwargs) is Status.GREEN
    assert status(actual=71.1, thresholds=loose, **kwargs) is Status.YELLOW  # 0.22 ≥ 0.20
    with pytest.raises(ValueError):
        Thresholds(green_ratio=0.8, yellow_ratio=0.9)
    with pytest.raises(ValueError):
        Thresholds(yellow_ratio=-0.1)


# ---- compound rates and required rates, by hand -----------------------------------------


def test_compound_rate_of_an_18_percent_five_year_cut() -> None:
    # 1 − 0.82^(1/5): ln 0.82 = −0.198451, /5 = −0.039690, e^… = 0.961087 → 3.8913 % a year.
    assert compound_rate(1.0, 0.82, 5) == pytest.approx(0.038913, abs=1e-6)
    assert compound_path(1.0, compound_rate(1.0, 0.82, 5), 5) == pytest.approx(0.82)


def test_required_rates() -> None:
    # From 0.40 to 0.35 in 3 years: 1 − 0.875^(1/3) = 1 − 0.956466 = 4.3534 % a year.
    assert required_annual_rate(0.40, 0.35, 3) == pytest.approx(0.043534, abs=1e-6)
    # 5 % cut achieved, 18 % targeted, 3 years left: 1 − (0.82/0.95)^(1/3) = 4.7869 % a year.
    assert required_annual_reduction(0.05, 0.18, 3) == pytest.approx(0.047869, abs=1e-6)
    # Hangzhou public transport 52.4 → 58.4 % over 3 years: 2 points a year.
    assert required_annual_change(52.4, 58.4, 3) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        required_annual_change(52.4, 58.4, 0)


def test_assess_bundles_the_light() -> None:
    a = assess(
        baseline=70,
        target=75,
        actual=71.5,
        year=2022,
        base_year=2020,
        end_year=2025,
        direction="increase",
    )
    assert a.status is Status.RED
    assert a.completion == pytest.approx(0.3)
    assert a.expected_progress == pytest.approx(0.4)
    assert a.required_annual_change == pytest.approx((75 - 71.5) / 3)
    done = assess(
        baseline=70,
        target=75,
        actual=76,
        year=2022,
        base_year=2020,
        end_year=2025,
        direction="increase",
    )
    assert done.status is Status.GREEN and done.required_annual_change is None


# ---- properties --------------------------------------------------------------------------

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
shares = st.floats(min_value=0.0, max_value=1.0)
directions = st.sampled_from(["increase", "decrease"])


@st.composite
def thresholds(draw: st.DrawFn) -> Thresholds:
    green = draw(st.floats(min_value=0.0, max_value=2.0))
    yellow = draw(st.floats(min_value=0.0, max_value=green))
    return Thresholds(green_ratio=green, yellow_ratio=yellow)


@given(values, values, values, values, directions, shares, thresholds())
def test_status_is_monotone_in_the_actual(
    baseline: float,
    target: float,
    a: float,
    b: float,
    direction: str,
    progress: float,
    limits: Thresholds,
) -> None:
    # A better actual (higher when increase is good, lower when decrease is good) never gives a
    # worse status.
    worse, better = sorted((a, b)) if direction == "increase" else sorted((a, b), reverse=True)
    common = {"baseline": baseline, "target": target, "direction": direction}
    s_worse = status(actual=worse, progress=progress, thresholds=limits, **common)
    s_better = status(actual=better, progress=progress, thresholds=limits, **common)
    assert s_better.rank >= s_worse.rank


@given(values, values)
def test_completion_is_exactly_one_at_the_target_and_zero_at_the_baseline(
    baseline: float, target: float
) -> None:
    assume(target != baseline)
    assert completion(baseline, target, target) == 1.0
    assert completion(baseline, target, baseline) == 0.0


@given(
    st.integers(min_value=1900, max_value=2200),
    st.integers(min_value=1900, max_value=2100),
    st.integers(min_value=1, max_value=50),
)
def test_time_progress_stays_within_zero_and_one(year: int, base: int, span: int) -> None:
    share = time_progress(year, base, base + span)
    assert 0.0 <= share <= 1.0
    assert time_progress(base, base, base + span) == 0.0
    assert time_progress(base + span, base, base + span) == 1.0


positive = st.floats(min_value=1e-3, max_value=1e4)


@given(positive, positive, st.integers(min_value=0, max_value=5))
def test_compound_progress_runs_from_zero_to_one(baseline: float, target: float, t: int) -> None:
    assume(not math.isclose(baseline, target, rel_tol=1e-9))
    kwargs = {"trajectory": "compound", "baseline": baseline, "target": target}
    share = expected_progress(2020 + t, 2020, 2025, **kwargs)
    assert -1e-9 <= share <= 1 + 1e-9
    assert expected_progress(2020, 2020, 2025, **kwargs) == pytest.approx(0.0, abs=1e-9)
    assert expected_progress(2025, 2020, 2025, **kwargs) == pytest.approx(1.0)
    # The compound path passes through the same share of the change.
    path = compound_path(baseline, compound_rate(baseline, target, 5), t)
    assert (path - baseline) / (target - baseline) == pytest.approx(share, abs=1e-6)

"""Scalar carbon-efficiency arithmetic: L, its band, K, its grade, the category (issue #12 item 4).

The bulk engine (`analytics`) computes the same quantities as Ibis expressions; these functions are
the reference the tests hold it to and what a single enterprise's page uses.

Definitions (reference/notes/anchors-enterprise-citizen.md §1.1.2, from the repost of
规上工业企业碳效等级评价方法 "按省标准"; DB33/T 1347-2023 names the scheme):

- net CO2 = energy CO2 − CO2 of zero-carbon electricity (hydro, wind, PV) − carbon sinks, t;
- L = net CO2 ÷ value added (income approach), t/万元;
- industry L = Σ net CO2 ÷ Σ value added over the industry group's firms in the same period — the
  same numerator as L summed over the firms (issue #12 item 4: "the industry's L being its total
  CO2 over its total value added in the period"), i.e. the value-added-weighted mean of firm L;
- K = L ÷ industry L.

Negative L (decision, issue #12 item 4).  The CO2 of zero-carbon electricity is the share of the
energy CO2 that came from electricity which was in fact zero-carbon, so it cannot exceed the
energy CO2 it is deducted from: such a row is rejected as inconsistent (`checks`).  Sinks held by
the firm can exceed what is left; the firm is then net zero and L is floored at 0, not negative —
the "after deducting" wording of the method yields a residual emission, and a negative intensity
would make K meaningless when divided by an industry L (a firm with more sinks would rank
"better" without bound, and an industry of such firms would flip every K's sign).  The part of the
deduction not used is reported by the rate of carbon neutrality, which is outside this module.

An industry whose every firm is net zero has industry L = 0; each of its firms then sits at the
industry's level and gets K = 1 (0 ÷ 0 is given the value of a firm equal to its industry).
"""

from __future__ import annotations

from tanzhi.enterprise.grade.model import GradingRules


def net_co2(energy_co2_t: float, zero_carbon_electricity_co2_t: float, sink_co2_t: float) -> float:
    """Energy CO2 after the zero-carbon electricity and sink deductions, floored at 0 (t).

    >>> net_co2(100.0, 30.0, 10.0), net_co2(100.0, 30.0, 80.0)
    (60.0, 0.0)
    """
    return max(0.0, energy_co2_t - zero_carbon_electricity_co2_t - sink_co2_t)


def l_value(net_co2_t: float, value_added_10k_yuan: float) -> float:
    """L, t/万元. Value added must be positive (`checks` rejects other rows).

    >>> l_value(60.0, 100.0)
    0.6
    """
    if value_added_10k_yuan <= 0:
        raise ValueError("value added must be positive")
    return net_co2_t / value_added_10k_yuan


def k_value(l_firm: float, industry_l: float) -> float:
    """K = L ÷ industry L; 1 when the industry is net zero (every firm's L is then 0).

    >>> k_value(0.9, 1.5), k_value(0.0, 0.0)
    (0.6, 1.0)
    """
    if industry_l == 0:
        return 1.0
    return l_firm / industry_l


def carbon_band_of(l_firm: float, rules: GradingRules) -> str:
    """The code of L's band (bounds inclusive, within the rules' tolerance)."""
    for band in rules.bands:
        if band.max is None or l_firm <= band.max + rules.tolerance:
            return band.code
    raise AssertionError("the last band is unbounded")  # pragma: no cover - rules validated


def grade_of(k: float, rules: GradingRules) -> int:
    """K's grade, 1 (best) … (bounds inclusive, within the rules' tolerance)."""
    for grade in rules.grades:
        if grade.max is None or k <= grade.max + rules.tolerance:
            return grade.grade
    raise AssertionError("the last grade is unbounded")  # pragma: no cover - rules validated


def category_of(band: str, grade: int, rules: GradingRules) -> str:
    """The category code of band × grade by the rules' matrix."""
    return rules.matrix[band][grade - 1]


def yoy_decline(l_now: float, l_previous: float | None) -> float | None:
    """Year-on-year decline of L as a fraction of last year's L (positive = fell); None without
    a previous value or when it was 0.

    >>> round(yoy_decline(0.9, 1.0), 12)
    0.1
    """
    if l_previous is None or l_previous == 0:
        return None
    return (l_previous - l_now) / l_previous

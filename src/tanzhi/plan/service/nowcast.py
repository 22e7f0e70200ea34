"""Nowcast: a year-end estimate of an indicator from monthly or quarterly proxies, with an interval.

Proxies live in `plan_proxy` (region, variable, year, period ``M01``…``M12`` / ``Q1``…``Q4``).
Two are used:

- ``electricity_consumption`` (monthly, 亿kWh): energy use moves with it, so the year's total
  energy (and energy CO2) is estimated as last year's × (this year's nowcast electricity ÷ last
  year's electricity);
- ``gdp_constant_2020`` (quarterly, 亿元 at 2020 prices): the year's GDP directly.

Each proxy's year-end value comes from `tanzhi.plan.calc.nowcast_from_shares` (year-to-date ÷
the mean year-to-date share of earlier years; interval from the extreme shares). Indicators then
follow their derivation: intensity reductions from the energy (or CO2) and GDP estimates, energy
intensity likewise; the interval combines the ends that widen it (high energy with low GDP).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tanzhi.kernel import NotFound, read_statistics
from tanzhi.plan import calc, store
from tanzhi.plan.service.registry import get_plan

ELECTRICITY = "electricity_consumption"
GDP = "gdp_constant_2020"
SUPPORTED = ("energy_intensity_reduction", "energy_intensity", "co2_intensity_reduction")


@dataclass(frozen=True)
class Nowcast:
    """Year-end estimate of an indicator: value with interval, and how it was made."""

    value: float
    low: float
    high: float
    basis: str
    year: int
    through: str
    inputs: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def _periods(rows: list[store.PlanProxyRow]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for r in rows:
        out.setdefault(r.year, {})[r.period] = r.value
    return out


def proxy_nowcast(session: Session, region_code: str, variable: str, year: int, *,
                  through: str | None = None, history: int = 4) -> tuple[calc.NowcastEstimate,
                                                                      str, float]:
    """Year-end estimate of one proxy series, the last period used, and last year's total.

    Earlier years count only when complete (12 months or 4 quarters); at most `history` of them.
    """
    series = _periods(store.proxy_rows(session, region_code=region_code, variable=variable))
    current = series.get(year, {})
    if through is not None:
        current = {p: v for p, v in current.items() if p <= through}
    if not current:
        raise NotFound(f"{region_code} {year} 年无 {variable} 代理数据 / no {variable} proxy "
                       f"for {region_code} in {year}")
    last = max(current)
    full = 12 if last.startswith("M") else 4
    earlier = [y for y in sorted(series) if y < year and len(series[y]) == full][-history:]
    if not earlier:
        raise NotFound(f"无 {year} 年以前的完整年度代理数据 / "
                       f"no complete earlier year of {variable}")
    shares = []
    for y in earlier:
        annual = sum(series[y].values())
        shares.append(calc.ytd_share(sum(v for p, v in series[y].items() if p <= last), annual))
    estimate = calc.nowcast_from_shares(sum(current.values()), shares)
    return estimate, last, sum(series[year - 1].values()) if year - 1 in series and len(
        series[year - 1]) == full else float("nan")


def _statistic(session: Session, region: str, year: int, variable: str, item: str = "") -> float:
    frame = read_statistics(session, region_codes=[region], variables=[variable], years=[year])
    frame = frame[frame["item"] == item].sort_values("synthetic")
    if frame.empty:
        raise NotFound(f"无统计数据 {variable} {region} {year} / no statistic")
    return float(frame["value"].iloc[0])


def nowcast(session: Session, plan_id: str, indicator_id: str, region_code: str, year: int, *,
            through: str | None = None) -> Nowcast:
    """Year-end estimate of an indicator in `year` from the proxies known so far.

    `through` limits the months/quarters used (``M09`` keeps January–September, and quarters up
    to ``Q3``), e.g. to back-test a year whose annual figure is known.

    Raises
    ------
    NotFound
        The indicator has no proxy-based nowcast, or the proxies are missing.
    """
    plan = get_plan(session, plan_id)
    ind = plan.indicator(indicator_id)
    if ind.id not in SUPPORTED:
        raise NotFound(f"指标 {ind.id} 无代理数据估算方法 / no nowcast method for {ind.id}")
    quarter = None if through is None else f"Q{int(through[1:]) // 3}" if (
        through.startswith("M")) else through
    month = None if through is None else through if through.startswith("M") else (
        f"M{int(through[1:]) * 3:02d}")
    elec, elec_last, elec_prev = proxy_nowcast(session, region_code, ELECTRICITY, year,
                                               through=month)
    gdp, gdp_last, _ = proxy_nowcast(session, region_code, GDP, year, through=quarter)
    ratio = (elec.value / elec_prev, elec.low / elec_prev, elec.high / elec_prev)
    inputs: dict[str, Any] = {"electricity": elec.__dict__ | {"previous_year": elec_prev},
                              "gdp": gdp.__dict__}
    if ind.id == "co2_intensity_reduction":
        base = store.latest_value(session, plan_id, ind.id, region_code, up_to=year - 1)
        if base is None or base[0] != year - 1:
            raise NotFound("缺少上一年实际值 / last year's actual is missing")
        # I_y / I_{y-1} = (CO2 ratio) / (GDP ratio); CO2 moves with energy use (electricity).
        gdp_prev = _statistic(session, region_code, year - 1, "gdp", "constant_2020")
        prev_level = 1 - base[1] / 100
        levels = [prev_level * r / (g / gdp_prev) for r, g in
                  ((ratio[0], gdp.value), (ratio[2], gdp.low), (ratio[1], gdp.high))]
        values = [100 * (1 - lv) for lv in levels]
        basis = "上一年降低率 × 用电量与不变价 GDP 代理 / last year's reduction rolled by proxies"
        inputs["previous_reduction"] = base[1]
    else:
        energy_prev = _statistic(session, region_code, year - 1, "energy_total")
        energy_base = _statistic(session, region_code, plan.base_year, "energy_total")
        gdp_base = _statistic(session, region_code, plan.base_year, "gdp", "constant_2020")
        intensities = [energy_prev * r / g for r, g in
                       ((ratio[0], gdp.value), (ratio[2], gdp.low), (ratio[1], gdp.high))]
        if ind.id == "energy_intensity":
            values = intensities  # 万tce/亿元 = 吨标准煤/万元
        else:
            values = [100 * (1 - i / (energy_base / gdp_base)) for i in intensities]
        basis = ("上年能耗 × 用电量比 ÷ 不变价 GDP 估算 / last year's energy × electricity ratio "
                 "÷ GDP nowcast")
        inputs["energy_previous_year"] = energy_prev
    value, ends = values[0], sorted(values[1:])
    return Nowcast(value, min(ends[0], value), max(ends[1], value), basis, year,
                   f"{elec_last}/{gdp_last}", inputs)

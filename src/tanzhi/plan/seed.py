"""Demo rows of the plan area: the seed plans, their derived actuals and synthetic proxies.

Called by `tanzhi demo` after the statistics, users, inventory and pilots (`demo_seed`):

1. the five seed plans are synced into the database;
2. every derivable indicator gets its actuals 2020–2025 for the plan's region and its children
   (cities of the province, counties of each city), computed from the demo statistics, the
   inventory run and the pilot registry;
3. synthetic sub-annual proxies for each plan region, for the nowcast: monthly electricity
   consumption and quarterly GDP at 2020 prices. For 2021–2025 they split the annual statistics
   (final electricity use; GDP constant_2020) by a fixed seasonal profile with a small
   deterministic noise, so each year sums exactly to its annual figure; for the current year
   2026 they continue 2025's months at 2025's annual growth, up to October (monthly) and the
   third quarter (quarterly) — the releases out by the demo's "as of" date, 2026-11-20. These
   proxies are synthetic and stored with ``synthetic = true``.
"""

from __future__ import annotations

import zlib

import numpy as np
from sqlalchemy.orm import Session

from tanzhi.kernel import read_statistics
from tanzhi.plan import store
from tanzhi.plan.service.nowcast import ELECTRICITY, GDP
from tanzhi.plan.service.registry import list_plan_records, sync_packaged_plans
from tanzhi.plan.workflow import refresh_all_derived

DEMO_SEED = 20210501
AS_OF = (2026, 10, 3)  # year, last month released, last quarter released
# Monthly shares of annual electricity use (synthetic; winter and summer peaks, a Spring
# Festival dip in February), and quarterly shares of annual GDP (synthetic).
MONTH_PROFILE = np.array([8.6, 6.4, 8.0, 7.9, 8.1, 8.4, 9.6, 9.8, 8.6, 8.0, 8.1, 8.5])
QUARTER_PROFILE = np.array([23.0, 24.6, 25.0, 27.4])
SOURCE = "演示代理数据（合成） / synthetic demo proxy"


def _noisy(profile: np.ndarray, key: str, sigma: float) -> np.ndarray:
    rng = np.random.default_rng([DEMO_SEED, zlib.crc32(key.encode())])
    weights = profile * np.exp(rng.normal(0.0, sigma, size=len(profile)))
    return weights / weights.sum()


def _proxies(session: Session, region: str) -> int:
    stats = read_statistics(session, region_codes=[region], variables=["energy_final", "gdp"],
                            years=range(2020, 2026))
    elec = stats[(stats["variable"] == "energy_final") & (stats["item"] == "电力")]
    annual_e = elec.groupby("year")["value"].sum().to_dict()
    gdp = stats[(stats["variable"] == "gdp") & (stats["item"] == "constant_2020")]
    annual_g = gdp.sort_values("synthetic").drop_duplicates("year").set_index("year")[
        "value"].to_dict()
    rows = 0
    existing = {(r.variable, r.year, r.period)
                for v in (ELECTRICITY, GDP) for r in store.proxy_rows(
                    session, region_code=region, variable=v)}

    def add(variable: str, year: int, period: str, value: float, unit: str) -> None:
        nonlocal rows
        if (variable, year, period) in existing:
            return
        session.add(store.PlanProxyRow(region_code=region, variable=variable, year=year,
                                       period=period, value=float(value), unit=unit,
                                       source=SOURCE, synthetic=True))
        rows += 1

    for variable, annual, profile, prefix, unit, sigma, last in (
            (ELECTRICITY, annual_e, MONTH_PROFILE, "M", "亿千瓦时", 0.03, AS_OF[1]),
            (GDP, annual_g, QUARTER_PROFILE, "Q", "亿元", 0.01, AS_OF[2])):
        years = sorted(y for y in annual if y >= 2021)
        for year in years:
            split = annual[year] * _noisy(profile, f"{variable}:{region}:{year}", sigma)
            for i, value in enumerate(split, start=1):
                add(variable, year, f"{prefix}{i:02d}" if prefix == "M" else f"Q{i}", value, unit)
        if 2025 in annual and 2024 in annual:
            growth = annual[2025] / annual[2024]
            split = annual[2025] * growth * _noisy(profile, f"{variable}:{region}:2026", sigma)
            for i, value in enumerate(split[:last], start=1):
                add(variable, 2026, f"{prefix}{i:02d}" if prefix == "M" else f"Q{i}", value, unit)
    session.flush()
    return rows


def demo_seed(session: Session) -> int:
    """Sync the seed plans, derive their actuals from the demo data, add proxies; rows written."""
    written = sync_packaged_plans(session) + refresh_all_derived(session, actor="demo")
    for record in list_plan_records(session):
        written += _proxies(session, record.region_code)
    return written

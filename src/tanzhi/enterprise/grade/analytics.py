"""The bulk engine, written once as Ibis expressions (issue #12 item 6; DESIGN.md "frames, bulk").

The same expressions run on DuckDB (default) and on PySpark local mode or a cluster; the tests run
both on the same Parquet and require the same grades.  Tables come from Parquet
(`connect(...).read_parquet`), never from ``create_table(name, pandas_df)`` (DESIGN.md: Ibis 12's
DuckDB backend fails on it).

- `grade` — L, band, industry L, K, grade, category, year-on-year decline, county share, the
  industry's mean and best-quartile (25th percentile, lower is better) L — for every firm-period;
- `industry_benchmarks`, `county_rollup` — aggregates of a graded table;
- `carrier_co2` — carrier quantities × CO2 factors summed to firm-year energy CO2 and zero-carbon
  electricity CO2 (the input `grade` needs);
- `nowcast` — "以电算碳": a month's CO2 from its metered electricity × the firm's CO2 per kWh in
  the previous calendar year.

Definitions and the negative-L decision: `tanzhi.enterprise.grade.calc`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from tanzhi.enterprise.grade.model import INPUT_COLUMNS, OUTPUT_COLUMNS, GradingRules

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class Engine(StrEnum):
    """Backends the bulk engine runs on."""

    DUCKDB = "duckdb"
    SPARK = "spark"


def connect(engine: Engine | str = Engine.DUCKDB, *, spark: SparkSession | None = None,
            threads: int | None = None) -> Any:
    """An Ibis backend: in-memory DuckDB, or PySpark on `spark` (a local[2] session if None)."""
    engine = Engine(engine)
    if engine is Engine.DUCKDB:
        con = ibis.duckdb.connect()
        if threads:
            con.raw_sql(f"SET threads = {int(threads)}")
        return con
    if spark is None:
        spark = local_spark()
    return ibis.pyspark.connect(spark)


def local_spark(cores: int = 2) -> SparkSession:
    """A PySpark local-mode session (no UI, few shuffle partitions: the data are one machine's)."""
    # Imported here, not at the top: pyspark.sql costs ~1-3 s to import and only a Spark run
    # needs it, while every importer of the enterprise face would pay for it (not a cycle dodge).
    from pyspark.sql import SparkSession  # noqa: PLC0415

    return (SparkSession.builder.master(f"local[{cores}]").appName("tanzhi-grade")
            .config("spark.sql.shuffle.partitions", str(cores * 2))
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def _ladder(value: ir.NumericValue, bounds: list[tuple[float | None, Any]],
            tolerance: float) -> Any:
    branches = [(value <= ibis.literal(m + tolerance), out) for m, out in bounds if m is not None]
    return ibis.cases(*branches, else_=bounds[-1][1])


def grade(t: ir.Table, rules: GradingRules) -> ir.Table:
    """Grade every firm-period of `t` (the contract's input columns plus ``industry_group``)."""
    net = ibis.greatest(
        t.energy_co2_t - t.zero_carbon_electricity_co2_t - t.sink_co2_t, ibis.literal(0.0))
    t = t.mutate(net_co2_t=net.cast("float64"))
    t = t.mutate(l_value=t.net_co2_t / t.value_added_10k_yuan)
    industry = ibis.window(group_by=[t.industry_group, t.period])
    county = ibis.window(group_by=[t.region_code, t.period])
    t = t.mutate(
        industry_l=t.net_co2_t.sum().over(industry) / t.value_added_10k_yuan.sum().over(industry),
        industry_mean_l=t.l_value.mean().over(industry),
        industry_p25_l=t.l_value.quantile(0.25).over(industry),
        industry_firms=t.credit_code.count().over(industry),
        county_co2_t=t.net_co2_t.sum().over(county),
    )
    t = t.mutate(
        k_value=ibis.cases((t.industry_l == 0, ibis.literal(1.0)), else_=t.l_value / t.industry_l),
        county_share=ibis.cases((t.county_co2_t == 0, ibis.null("float64")),
                                else_=t.net_co2_t / t.county_co2_t),
    )
    tol = rules.tolerance
    t = t.mutate(
        band_code=_ladder(t.l_value, [(b.max, b.code) for b in rules.bands], tol),
        grade=_ladder(t.k_value, [(g.max, g.grade) for g in rules.grades], tol).cast("int64"),
    )
    category_code = ibis.cases(*[
        ((t.band_code == band) & (t.grade == i + 1), code)
        for band, row in rules.matrix.items() for i, code in enumerate(row)
    ])
    bands = {b.code: b for b in rules.bands}
    t = t.mutate(
        band=t.band_code.substitute({c: b.name_zh for c, b in bands.items()}),
        band_en=t.band_code.substitute({c: b.name_en for c, b in bands.items()}),
        category=category_code.substitute({c.code: c.name_zh for c in rules.categories}),
        category_en=category_code.substitute({c.code: c.name_en for c in rules.categories}),
    )
    # Year-on-year: the same firm's L one year earlier (2024 ← 2023; 2024-03 ← 2023-03).
    year = t.period.substr(0, 4).cast("int64")
    prev = t.select(
        p_code=t.credit_code,
        p_period=(year + 1).cast("string").concat(t.period.substr(4)),
        l_previous=t.l_value,
    )
    joined = t.left_join(prev, [t.credit_code == prev.p_code, t.period == prev.p_period])
    joined = joined.mutate(l_yoy_decline=ibis.cases(
        (joined.l_previous.isnull() | (joined.l_previous == 0), ibis.null("float64")),
        else_=(joined.l_previous - joined.l_value) / joined.l_previous))
    return joined.select(*INPUT_COLUMNS, *OUTPUT_COLUMNS).order_by(["period", "credit_code"])


def industry_benchmarks(graded: ir.Table) -> ir.Table:
    """Per industry group and period: firms, totals, industry L, mean and best-quartile L,
    and the count of firms per grade."""
    g = graded.group_by(["industry_group", "period"]).aggregate(
        firms=graded.credit_code.count(),
        net_co2_t=graded.net_co2_t.sum(),
        value_added_10k_yuan=graded.value_added_10k_yuan.sum(),
        industry_mean_l=graded.l_value.mean(),
        industry_p25_l=graded.l_value.quantile(0.25),
        best_l=graded.l_value.min(),
        **{f"grade_{n}": (graded.grade == n).sum().cast("int64") for n in range(1, 6)},
    )
    return g.mutate(industry_l=g.net_co2_t / g.value_added_10k_yuan).order_by(
        ["period", "industry_group"])


def county_rollup(graded: ir.Table) -> ir.Table:
    """Per county (region_code) and period: firms, CO2, value added, the county's L and the
    number of firms on each list."""
    g = graded.group_by(["region_code", "period"]).aggregate(
        firms=graded.credit_code.count(),
        net_co2_t=graded.net_co2_t.sum(),
        value_added_10k_yuan=graded.value_added_10k_yuan.sum(),
        low_high_eff=(graded.category_en == "low-carbon high-efficiency").sum().cast("int64"),
        high_high_eff=(graded.category_en == "high-carbon high-efficiency").sum().cast("int64"),
        high_low_eff=(graded.category_en == "high-carbon low-efficiency").sum().cast("int64"),
        watch=(graded.category_en == "watch list").sum().cast("int64"),
    )
    return g.mutate(county_l=g.net_co2_t / g.value_added_10k_yuan).order_by(
        ["period", "region_code"])


def carrier_co2(activity: ir.Table, factors: ir.Table) -> ir.Table:
    """Firm-year CO2 from monthly carrier quantities.

    `activity`: credit_code, month (a date, the month's first day), carrier, quantity (in the
    factor's unit);
    `factors`: carrier, co2_t_per_unit (emission factor), zero_carbon_t_per_unit (the CO2 the
    carrier's energy CO2 counts but which was zero-carbon — green electricity bought with
    certificates is counted at the grid factor and deducted at the same factor; 0 otherwise).
    Returns credit_code, period (``YYYY``), energy_co2_t, zero_carbon_electricity_co2_t.
    """
    j = activity.inner_join(factors, activity.carrier == factors.carrier)
    j = j.mutate(period=j.month.year().cast("string"), co2=j.quantity * j.co2_t_per_unit,
                 zero=j.quantity * j.zero_carbon_t_per_unit)
    return j.group_by(["credit_code", "period"]).aggregate(
        energy_co2_t=j.co2.sum(), zero_carbon_electricity_co2_t=j.zero.sum())


def nowcast(meter: ir.Table, history: ir.Table) -> ir.Table:
    """以电算碳: CO2 of each metered month from the firm's previous-year CO2 per kWh.

    `meter`: credit_code, month (a date), electricity_kwh; `history`: credit_code, period
    (``YYYY``), net_co2_t, electricity_kwh.  Months whose firm has no previous year, or used no
    electricity then, get a null estimate (never a guessed ratio).
    """
    ratio = history.select(
        h_code=history.credit_code,
        h_year=(history.period.cast("int64") + 1).cast("string"),
        co2_t_per_kwh=ibis.cases((history.electricity_kwh > 0,
                                  history.net_co2_t / history.electricity_kwh),
                                 else_=ibis.null("float64")),
    )
    j = meter.left_join(ratio, [meter.credit_code == ratio.h_code,
                                meter.month.year().cast("string") == ratio.h_year])
    return j.select(
        "credit_code", "month", "electricity_kwh", "co2_t_per_kwh",
        nowcast_co2_t=j.electricity_kwh * j.co2_t_per_kwh,
    ).order_by(["month", "credit_code"])

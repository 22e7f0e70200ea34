"""Account and grade every enterprise (issue #12 item 6): Ibis on DuckDB vs hand-written DuckDB SQL
(ceiling) vs pandas (floor), with PySpark local mode beside them.

Synthetic data (generated once by DuckDB into ``--data``, default a folder under the system temp
directory): E enterprises × M months × 8 carriers of monthly energy use in Parquet, plus the firm
table (industry, county) and the firm-year table (value added, sinks).  The pipeline: carrier
quantity × CO2 factor summed to firm-year energy CO2 and zero-carbon electricity CO2
(`tanzhi.enterprise.carrier_co2`), joined to value added and sinks, graded
(`tanzhi.enterprise.grade`)
and written to Parquet.  Factors come from the packaged datasets (NDRC 2013 guideline defaults for
the fuels, the 2022 national grid average for electricity, cn-heat for heat), so they carry their
citations there.

Each engine runs in its own child process; its peak RSS (VmHWM, see `peak_mb`) is its peak
memory; Spark's figure is the Python driver's only (the JVM is another process).  pandas runs
on the first ``--pandas-sample`` enterprises and its time is scaled by
the row ratio (it is linear in rows: a group-by and merges); Spark runs on ``--spark-enterprises``
enterprises (a separate, smaller dataset) beside DuckDB-Ibis on the same small data.  The SQL and
Ibis outputs are compared (row count, grade counts and Σ K) before any ratio is printed.

Run: ``uv run python bench/bench_grade.py`` (full size: 60,000 × 120 × 8 = 57.6 M rows) or
``uv run python bench/bench_grade.py --enterprises 2000 --months 24`` for a small run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from tanzhi.enterprise import carrier_co2, connect, grade, load_rules
from tanzhi.kernel import read_dataset

CARRIERS = ["fuel_oil", "diesel", "gasoline", "lpg", "natural_gas", "electricity",
            "green_electricity", "heat"]
# Typical monthly quantity of each carrier for a firm of size 1 (t, t, t, t, 10^4 m3, MWh, MWh, GJ).
SCALE = [2.0, 1.0, 0.5, 0.5, 3.0, 400.0, 60.0, 300.0]
INDUSTRIES = [f"{d:02d}" for d in range(13, 44)] + ["44", "45", "46"]
COUNTIES = [f"3305{c:02d}" for c in (2, 3, 21, 22, 23)] + [f"3301{c:02d}" for c in range(2, 14)]


def factors() -> pd.DataFrame:
    """tCO2 per unit of each carrier, from the packaged (cited) factor datasets."""
    ndrc, _ = read_dataset("factors/cn-ndrc-2013")
    p = ndrc.set_index(["item", "parameter"])["value"]

    def fuel(item: str) -> float:  # GJ/unit × tC/TJ / 1000 × oxidation × 44/12
        ncv, cc, ox = (p[(item, k)] for k in ("ncv", "carbon_content", "oxidation"))
        return ncv * cc / 1000 * ox * 44 / 12

    grid, _ = read_dataset("factors/cn-grid-average")
    g = grid[(grid.parameter == "grid_average_ef") & (grid.year_from == 2022)]["value"].iloc[0]
    heat, _ = read_dataset("factors/cn-heat")
    h = heat[heat.parameter == "co2_ef"]["value"].iloc[0]
    co2 = [fuel("fuel_oil"), fuel("diesel"), fuel("gasoline"), fuel("lpg"), fuel("natural_gas"),
           g, g, h]  # kgCO2/kWh = tCO2/MWh
    zero = [0, 0, 0, 0, 0, 0, g, 0]
    return pd.DataFrame({"carrier": CARRIERS, "co2_t_per_unit": co2,
                         "zero_carbon_t_per_unit": zero})


def generate(folder: Path, enterprises: int, months: int) -> dict[str, object]:
    """Write the synthetic Parquet files once; return their sizes."""
    marker = folder / "done.json"
    if marker.is_file():
        return json.loads(marker.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.register("factors_df", factors())
    con.execute(f"COPY factors_df TO '{folder / 'factors.parquet'}' (FORMAT parquet)")
    carriers = ", ".join(f"({i}, '{c}', {s})" for i, (c, s) in enumerate(zip(CARRIERS, SCALE,
                                                                               strict=True)))
    ind = "[" + ", ".join(f"'{i}'" for i in INDUSTRIES) + "]"
    cty = "[" + ", ".join(f"'{c}'" for c in COUNTIES) + "]"
    start = time.perf_counter()
    con.execute(f"""
        CREATE TEMP TABLE firm AS
        SELECT f, 'F' || lpad(CAST(f AS VARCHAR), 17, '0') AS credit_code,
               {ind}[1 + CAST(hash(f, 'i') % {len(INDUSTRIES)} AS BIGINT)] AS industry_group,
               {cty}[1 + CAST(hash(f, 'c') % {len(COUNTIES)} AS BIGINT)] AS region_code,
               exp((hash(f, 's') % 1000) / 250.0) AS size,
               0.2 + (hash(f, 'e') % 1000) / 400.0 AS intensity
        FROM range({enterprises}) r(f)""")
    con.execute(f"""COPY (SELECT credit_code, industry_group || '10' AS industry, industry_group,
        region_code FROM firm ORDER BY f) TO '{folder / 'firms.parquet'}' (FORMAT parquet)""")
    years = (months + 11) // 12
    con.execute(f"""COPY (
        SELECT credit_code, CAST(2015 + y AS VARCHAR) AS period,
               size * 12 * 250 / intensity * (0.9 + (hash(f, y, 'v') % 200) / 1000.0)
                   AS value_added_10k_yuan,
               CASE WHEN hash(f, 'k') % 20 = 0 THEN size * 50.0 ELSE 0.0 END AS sink_co2_t
        FROM firm, range({years}) s(y) ORDER BY f, y)
        TO '{folder / 'annual.parquet'}' (FORMAT parquet)""")
    con.execute(f"""COPY (
        SELECT firm.credit_code, (DATE '2015-01-01' + to_months(CAST(m AS INTEGER))) AS month,
               c.carrier,
               c.scale * firm.size * (0.5 + (hash(f, m, c.i) % 1000) / 1000.0) AS quantity
        FROM firm, range({months}) s(m), (VALUES {carriers}) c(i, carrier, scale)
        ORDER BY f, m)
        TO '{folder / 'activity.parquet'}' (FORMAT parquet, COMPRESSION zstd)""")
    info = {"rows": enterprises * months * len(CARRIERS), "seconds": time.perf_counter() - start,
            "activity_mb": (folder / "activity.parquet").stat().st_size / 2**20}
    marker.write_text(json.dumps(info))
    return info


# ---- the three implementations ------------------------------------------------------------

def run_ibis(folder: Path, out: Path, engine: str) -> None:
    con = connect(engine, threads=2)
    t = {n: con.read_parquet(str(folder / f"{n}.parquet"))
         for n in ("activity", "factors", "firms", "annual")}
    acc = carrier_co2(t["activity"], t["factors"])
    j = acc.inner_join(t["annual"], ["credit_code", "period"]).inner_join(t["firms"], "credit_code")
    graded = grade(j, load_rules().rules)
    if engine == "duckdb":
        con.to_parquet(graded, str(out))
    else:
        con.execute(graded).to_parquet(out, index=False)


def sql(folder: Path, out: Path) -> str:
    rules = load_rules().rules
    tol = rules.tolerance
    band = " ".join(f"WHEN l_value <= {b.max + tol!r} THEN '{b.code}'"
                    for b in rules.bands if b.max is not None)
    grades = " ".join(f"WHEN k_value <= {g.max + tol!r} THEN {g.grade}"
                      for g in rules.grades if g.max is not None)
    names = {b.code: b for b in rules.bands}
    cat = {c.code: c for c in rules.categories}
    category = " ".join(f"WHEN band_code = '{b}' AND grade = {i + 1} THEN '{code}'"
                        for b, row in rules.matrix.items() for i, code in enumerate(row))

    def label(column: str, mapping: dict[str, str]) -> str:
        return "CASE " + " ".join(f"WHEN {column} = '{k}' THEN '{v}'"
                                  for k, v in mapping.items()) + " END"

    return f"""
    COPY (
    WITH acc AS (
        SELECT a.credit_code, CAST(year(a.month) AS VARCHAR) AS period,
               sum(a.quantity * f.co2_t_per_unit) AS energy_co2_t,
               sum(a.quantity * f.zero_carbon_t_per_unit) AS zero_carbon_electricity_co2_t
        FROM read_parquet('{folder / 'activity.parquet'}') a
        JOIN read_parquet('{folder / 'factors.parquet'}') f ON a.carrier = f.carrier
        GROUP BY a.credit_code, period),
    l AS (
        SELECT acc.credit_code, fm.industry, fm.region_code, acc.period, energy_co2_t,
               zero_carbon_electricity_co2_t, y.sink_co2_t, y.value_added_10k_yuan,
               fm.industry_group,
               greatest(energy_co2_t - zero_carbon_electricity_co2_t - y.sink_co2_t, 0.0)
                   AS net_co2_t,
               greatest(energy_co2_t - zero_carbon_electricity_co2_t - y.sink_co2_t, 0.0)
                   / y.value_added_10k_yuan AS l_value
        FROM acc
        JOIN read_parquet('{folder / 'annual.parquet'}') y
          ON acc.credit_code = y.credit_code AND acc.period = y.period
        JOIN read_parquet('{folder / 'firms.parquet'}') fm ON acc.credit_code = fm.credit_code),
    w AS (
        SELECT *, sum(net_co2_t) OVER ind / sum(value_added_10k_yuan) OVER ind AS industry_l,
               avg(l_value) OVER ind AS industry_mean_l,
               quantile_cont(l_value, 0.25) OVER ind AS industry_p25_l,
               count(*) OVER ind AS industry_firms,
               sum(net_co2_t) OVER cty AS county_co2_t
        FROM l WINDOW ind AS (PARTITION BY industry_group, period),
                      cty AS (PARTITION BY region_code, period)),
    k AS (
        SELECT *, CASE WHEN industry_l = 0 THEN 1.0 ELSE l_value / industry_l END AS k_value,
               CASE WHEN county_co2_t = 0 THEN NULL ELSE net_co2_t / county_co2_t END
                   AS county_share
        FROM w),
    g AS (
        SELECT *, CASE {band} ELSE '{rules.bands[-1].code}' END AS band_code,
               CASE {grades} ELSE {rules.grades[-1].grade} END AS grade
        FROM k),
    c AS (SELECT *, CASE {category} END AS category_code FROM g)
    SELECT c.credit_code, industry, region_code, c.period, energy_co2_t,
           zero_carbon_electricity_co2_t, sink_co2_t, value_added_10k_yuan, industry_group,
           net_co2_t, c.l_value,
           {label('band_code', {k: v.name_zh for k, v in names.items()})} AS band,
           {label('band_code', {k: v.name_en for k, v in names.items()})} AS band_en,
           industry_l, industry_mean_l, industry_p25_l, industry_firms, k_value, grade,
           {label('category_code', {k: v.name_zh for k, v in cat.items()})} AS category,
           {label('category_code', {k: v.name_en for k, v in cat.items()})} AS category_en,
           p.l_value AS l_previous,
           CASE WHEN p.l_value IS NULL OR p.l_value = 0 THEN NULL
                ELSE (p.l_value - c.l_value) / p.l_value END AS l_yoy_decline,
           county_co2_t, county_share
    FROM c LEFT JOIN (
        SELECT credit_code, CAST(CAST(substr(period, 1, 4) AS BIGINT) + 1 AS VARCHAR)
                   || substr(period, 5) AS p_period, l_value
        FROM c) p ON c.credit_code = p.credit_code AND c.period = p.p_period
    ORDER BY c.period, c.credit_code
    ) TO '{out}' (FORMAT parquet)"""


def run_sql(folder: Path, out: Path) -> None:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(sql(folder, out))


def run_pandas(folder: Path, out: Path, sample: int) -> None:
    rules = load_rules().rules
    last = f"F{sample:017d}"
    filt = [("credit_code", "<", last)]
    act = pd.read_parquet(folder / "activity.parquet", filters=filt)
    fac = pd.read_parquet(folder / "factors.parquet")
    firms = pd.read_parquet(folder / "firms.parquet", filters=filt)
    annual = pd.read_parquet(folder / "annual.parquet", filters=filt)
    j = act.merge(fac, on="carrier")
    j["period"] = pd.to_datetime(j["month"]).dt.year.astype(str)
    j["co2"] = j["quantity"] * j["co2_t_per_unit"]
    j["zero"] = j["quantity"] * j["zero_carbon_t_per_unit"]
    acc = j.groupby(["credit_code", "period"], as_index=False).agg(
        energy_co2_t=("co2", "sum"), zero_carbon_electricity_co2_t=("zero", "sum"))
    d = acc.merge(annual, on=["credit_code", "period"]).merge(firms, on="credit_code")
    d["net_co2_t"] = (d.energy_co2_t - d.zero_carbon_electricity_co2_t - d.sink_co2_t).clip(lower=0)
    d["l_value"] = d.net_co2_t / d.value_added_10k_yuan
    ind = d.groupby(["industry_group", "period"])
    d["industry_l"] = ind.net_co2_t.transform("sum") / ind.value_added_10k_yuan.transform("sum")
    d["industry_mean_l"] = ind.l_value.transform("mean")
    d["industry_p25_l"] = ind.l_value.transform(lambda s: s.quantile(0.25))
    d["industry_firms"] = ind.credit_code.transform("count")
    d["county_co2_t"] = d.groupby(["region_code", "period"]).net_co2_t.transform("sum")
    d["k_value"] = np.where(d.industry_l == 0, 1.0, d.l_value / d.industry_l)
    d["county_share"] = d.net_co2_t / d.county_co2_t.replace(0, np.nan)
    tol = rules.tolerance
    bands = [b for b in rules.bands if b.max is not None]
    d["band_code"] = np.select([d.l_value <= b.max + tol for b in bands], [b.code for b in bands],
                               rules.bands[-1].code)
    grades = [g for g in rules.grades if g.max is not None]
    d["grade"] = np.select([d.k_value <= g.max + tol for g in grades], [g.grade for g in grades],
                           rules.grades[-1].grade)
    code = {(b, i + 1): c for b, row in rules.matrix.items() for i, c in enumerate(row)}
    d["category"] = [rules.category(code[(b, g)]).name_zh for b, g in zip(d.band_code, d.grade,
                                                                           strict=True)]
    prev = d[["credit_code", "period", "l_value"]].copy()
    prev["period"] = (prev.period.astype(int) + 1).astype(str)
    d = d.merge(prev.rename(columns={"l_value": "l_previous"}), on=["credit_code", "period"],
                how="left")
    d["l_yoy_decline"] = (d.l_previous - d.l_value) / d.l_previous.replace(0, np.nan)
    d.sort_values(["period", "credit_code"]).to_parquet(out, index=False)


def child(stage: str, folder: Path, out: Path, sample: int) -> None:
    # Backend modules are imported before the clock starts (SQL's duckdb is imported already);
    # building and compiling the Ibis expression is timed.
    if stage in ("duckdb", "spark"):
        connect("duckdb")
    load_rules()
    start = time.perf_counter()
    if stage in ("duckdb", "spark"):
        run_ibis(folder, out, stage)
    elif stage == "sql":
        run_sql(folder, out)
    else:
        run_pandas(folder, out, sample)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """This process's peak resident memory, MB.

    ``/proc/self/status`` VmHWM where it exists: ``getrusage(RUSAGE_SELF).ru_maxrss`` carries the
    parent's peak across fork and exec on Linux (the first run reported the generator's 7.5 GB
    for every child), while VmHWM belongs to the child's own address space.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(stage: str, folder: Path, out: Path, sample: int = 0) -> dict[str, float]:
    proc = subprocess.run([sys.executable, __file__, "--stage", stage, "--data", str(folder),
                           "--out", str(out), "--pandas-sample", str(sample)],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{stage} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summary(path: Path) -> tuple[int, list[int], float]:
    con = duckdb.connect()
    rows, k = con.execute(f"SELECT count(*), sum(k_value) FROM '{path}'").fetchone()  # type: ignore[misc]
    grades = [n for (_, n) in con.execute(
        f"SELECT grade, count(*) FROM '{path}' GROUP BY grade ORDER BY grade").fetchall()]
    return int(rows), grades, float(k)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--enterprises", type=int, default=60_000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--data", type=Path, default=None, help="folder for the synthetic Parquet")
    ap.add_argument("--pandas-sample", type=int, default=2_000)
    ap.add_argument("--spark-enterprises", type=int, default=2_000)
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--stage", choices=["duckdb", "sql", "pandas", "spark"], help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        child(args.stage, args.data, args.out, args.pandas_sample)
        return
    base = Path(tempfile.gettempdir()) / "tanzhi-bench-grade"
    folder = args.data or base / f"{args.enterprises}x{args.months}"
    info = generate(folder, args.enterprises, args.months)
    print(f"data: {info['rows']:,} activity rows, activity.parquet {info['activity_mb']:.0f} MB "
          f"in {folder} (generated in {info['seconds']:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        out = {s: Path(tmp) / f"{s}.parquet" for s in ("duckdb", "sql", "pandas", "spark")}
        r_sql = run_child("sql", folder, out["sql"])
        r_ibis = run_child("duckdb", folder, out["duckdb"])
        same = summary(out["sql"]), summary(out["duckdb"])
        assert same[0][:2] == same[1][:2] and np.isclose(same[0][2], same[1][2], rtol=1e-9), same
        sample = min(args.pandas_sample, args.enterprises)
        r_pd = run_child("pandas", folder, out["pandas"], sample)
        pd_scaled = r_pd["seconds"] * args.enterprises / sample
        print(f"Ibis on DuckDB : {r_ibis['seconds']:6.1f} s, peak RSS {r_ibis['peak_mb']:,.0f} MB, "
              f"{same[1][0]:,} firm-years graded (grades 1-5: {same[1][1]})")
        print(f"DuckDB SQL     : {r_sql['seconds']:6.1f} s, peak RSS {r_sql['peak_mb']:,.0f} MB "
              f"→ Ibis/SQL = {r_ibis['seconds'] / r_sql['seconds']:.2f}× (goal ≤ 1.5×)")
        print(f"pandas         : {r_pd['seconds']:6.1f} s on {sample:,} enterprises, peak RSS "
              f"{r_pd['peak_mb']:,.0f} MB → scaled ×{args.enterprises / sample:g} = "
              f"{pd_scaled:.0f} s → Ibis is {pd_scaled / r_ibis['seconds']:.1f}× faster "
              "(goal ≥ 10×)")
        if not args.no_spark:
            small = min(args.spark_enterprises, args.enterprises)
            sfolder = base / f"{small}x{args.months}" if args.data is None else folder
            generate(sfolder, small, args.months)
            r_sd = run_child("duckdb", sfolder, out["duckdb"])
            r_sp = run_child("spark", sfolder, out["spark"])
            print(f"Spark local[2] : {r_sp['seconds']:6.1f} s on {small:,} enterprises × "
                  f"{args.months} months (incl. session start), peak RSS of the Python driver "
                  f"{r_sp['peak_mb']:,.0f} MB (JVM not counted); Ibis on DuckDB on the same "
                  f"data {r_sd['seconds']:.1f} s")
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

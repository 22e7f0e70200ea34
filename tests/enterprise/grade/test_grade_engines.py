"""One Ibis engine, two backends: DuckDB and PySpark local mode give the same results on the same
Parquet (issue #12 item 6).  One Spark session for the module (it takes ~7 s or more to start)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from tanzhi.enterprise import (
    carrier_co2,
    connect,
    county_rollup,
    grade,
    grade_frame,
    industry_benchmarks,
    load_rules,
    local_spark,
    nowcast,
)

from .cases import code, frame

RULES = load_rules()
JAN, FEB = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
EXACT = ["credit_code", "period", "industry_group", "band", "band_en", "grade", "category",
         "category_en", "industry_firms"]


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    session = local_spark(2)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def backends(spark: object) -> dict[str, object]:
    return {"duckdb": connect("duckdb"), "spark": connect("spark", spark=spark)}  # type: ignore[arg-type]


def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    for column in a.columns:
        if pd.api.types.is_float_dtype(a[column]):
            # Sums may add in another order on each backend: equal to 1e-12 relative.
            pd.testing.assert_series_equal(a[column], b[column].astype(float), check_exact=False,
                                           rtol=1e-12, atol=1e-12, check_names=True)
        else:
            assert a[column].astype(str).tolist() == b[column].astype(str).tolist(), column


def test_grades_identical(backends: dict[str, object]) -> None:
    results = {name: grade_frame(frame(), RULES, file="cases.csv", con=con)
               for name, con in backends.items()}
    _same(results["duckdb"], results["spark"], ["period", "credit_code"])
    assert results["spark"][EXACT].equals(results["duckdb"][EXACT])


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bulk")
    clean = frame()
    for column in clean.columns[4:]:
        clean[column] = clean[column].astype(float)
    clean["industry_group"] = clean["industry"].str.extract(r"(\d\d)")[0]
    paths = {"firms": folder / "firms.parquet"}
    clean.to_parquet(paths["firms"], index=False)
    # Two firms, 2 months × 2 carriers in 2023; the second firm buys green electricity.
    activity = pd.DataFrame({
        "credit_code": [code(1)] * 4 + [code(2)] * 4,
        "month": pd.to_datetime(["2023-01-01", "2023-01-01", "2023-02-01", "2023-02-01"] * 2
                                ).date,
        "carrier": ["coal", "electricity", "coal", "electricity",
                    "coal", "green_electricity", "coal", "electricity"],
        "quantity": [10.0, 1000.0, 5.0, 2000.0, 1.0, 4000.0, 2.0, 1000.0],
    })
    # Illustrative round factors (t CO2 per t coal, per kWh): the test checks the arithmetic.
    factors = pd.DataFrame({"carrier": ["coal", "electricity", "green_electricity"],
                            "co2_t_per_unit": [2.0, 0.0005, 0.0005],
                            "zero_carbon_t_per_unit": [0.0, 0.0, 0.0005]})
    history = pd.DataFrame({"credit_code": [code(1), code(2)], "period": ["2023", "2023"],
                            "net_co2_t": [30.0, 0.0], "electricity_kwh": [3000.0, 0.0]})
    meter = pd.DataFrame({"credit_code": [code(1), code(1), code(2), code(3)],
                          "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01",
                                                   "2024-01-01"]).date,
                          "electricity_kwh": [1500.0, 600.0, 900.0, 100.0]})
    for name, data in [("activity", activity), ("factors", factors), ("history", history),
                       ("meter", meter)]:
        paths[name] = folder / f"{name}.parquet"
        data.to_parquet(paths[name], index=False)
    return paths


def _run(con: object, build: Callable[..., object], *names: str,
         paths: dict[str, Path]) -> pd.DataFrame:
    tables = [con.read_parquet(str(paths[n])) for n in names]  # type: ignore[attr-defined]
    return con.execute(build(*tables)).reset_index(drop=True)  # type: ignore[attr-defined]


def test_account_by_hand_and_identical(backends: dict[str, object],
                                       parquet: dict[str, Path]) -> None:
    out = {n: _run(c, carrier_co2, "activity", "factors", paths=parquet)
           for n, c in backends.items()}
    _same(out["duckdb"], out["spark"], ["credit_code", "period"])
    by = out["duckdb"].set_index("credit_code")
    # firm 1: coal 15 t × 2 + 3000 kWh × 0.0005 = 31.5 t; firm 2: 3 × 2 + 5000 × 0.0005 = 8.5 t,
    # of which the 4000 kWh of green electricity, 2.0 t, is zero-carbon.
    assert by.loc[code(1), "energy_co2_t"] == pytest.approx(31.5)
    assert by.loc[code(2), "energy_co2_t"] == pytest.approx(8.5)
    assert by.loc[code(2), "zero_carbon_electricity_co2_t"] == pytest.approx(2.0)
    assert set(by["period"]) == {"2023"}


def test_nowcast_by_hand_and_identical(backends: dict[str, object],
                                       parquet: dict[str, Path]) -> None:
    out = {n: _run(c, nowcast, "meter", "history", paths=parquet) for n, c in backends.items()}
    _same(out["duckdb"], out["spark"], ["month", "credit_code"])
    rows = out["duckdb"].set_index(["credit_code", "month"])
    # firm 1 in 2023: 30 t over 3000 kWh = 0.01 t/kWh → January 2024, 1500 kWh → 15 t.
    assert rows.loc[(code(1), JAN), "nowcast_co2_t"] == pytest.approx(15.0)
    assert rows.loc[(code(1), FEB), "nowcast_co2_t"] == pytest.approx(6.0)
    # firm 2 used no electricity in 2023, firm 3 has no history: no estimate, not a guess.
    assert pd.isna(rows.loc[(code(2), JAN), "nowcast_co2_t"])
    assert pd.isna(rows.loc[(code(3), JAN), "nowcast_co2_t"])


def test_benchmarks_and_county_rollup_identical(backends: dict[str, object],
                                                parquet: dict[str, Path]) -> None:
    bench = {n: _run(c, lambda t: industry_benchmarks(grade(t, RULES.rules)), "firms",
                     paths=parquet) for n, c in backends.items()}
    _same(bench["duckdb"], bench["spark"], ["period", "industry_group"])
    row = bench["duckdb"].set_index(["industry_group", "period"]).loc[("26", "2024")]
    assert (row.firms, row.industry_l, row.industry_p25_l, row.best_l) == (5, 1.0, 0.6, 0.4)
    assert (row.grade_1, row.grade_2, row.grade_3, row.grade_4, row.grade_5) == (2, 1, 1, 1, 0)
    county = {n: _run(c, lambda t: county_rollup(grade(t, RULES.rules)), "firms",
                      paths=parquet) for n, c in backends.items()}
    _same(county["duckdb"], county["spark"], ["period", "region_code"])
    row = county["duckdb"].set_index(["region_code", "period"]).loc[("330521", "2024")]
    # firms 8, 9, 10: net 70.1 + 0 + 20 on 30 万元; lists: 高碳高效, 低碳高效, 观察名单.
    assert row.county_l == pytest.approx(90.1 / 30)
    assert (row.high_high_eff, row.low_high_eff, row.watch, row.high_low_eff) == (1, 1, 1, 0)


def test_cli_spark_engine(tanzhi_cli: Callable, tmp_path: Path, spark: object) -> None:  # type: ignore[type-arg]
    source = tmp_path / "firms.csv"
    frame().to_csv(source, index=False)
    out = tmp_path / "graded.parquet"
    result = tanzhi_cli("enterprise", "grade", str(source), "--engine", "spark",
                        "--format", "parquet", "-o", str(out))
    assert result.returncode == 0, result.stderr
    spark_out = pd.read_parquet(out)
    duck = grade_frame(frame(), RULES, file="x")
    assert spark_out[EXACT].astype(str).equals(duck[EXACT].astype(str))

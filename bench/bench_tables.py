"""Benchmark: validated reading of a 100,000-row GBK activity CSV with `read_table`.

Prints the time of `tanzhi.kernel.tables.read_table` (encoding detection, header matching,
per-cell parsing, unit and dimension checks, duplicate keys) and its ratio to a bare
`pandas.read_csv(encoding="gbk")` of the same file measured in the same run — the cost of the
checks that make bad rows fail with file/row/column. Best of --repeat runs.

    uv run python bench/bench_tables.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tanzhi.kernel.tables import Column, TableSchema, read_table

SCHEMA = TableSchema(
    name="activity",
    columns=(
        Column("region_code", kind="region", aliases=("地区代码",)),
        Column("year", kind="year", aliases=("年份",)),
        Column("category", aliases=("类别",)),
        Column("item", aliases=("品种",)),
        Column("value", kind="float", nonnegative=True, unit_column="unit", aliases=("数值",)),
        Column("unit", kind="unit", aliases=("单位",)),
    ),
    key=("region_code", "year", "category", "item"),
)


def _write(path: Path, rows: int) -> None:
    rng = np.random.default_rng(7)
    n_items = 50
    frame = pd.DataFrame({
        "地区代码": np.repeat([f"33{i:04d}" for i in range(rows // (11 * n_items) + 1)],
                           11 * n_items)[:rows],
        "年份": np.tile(np.repeat(np.arange(2015, 2026), n_items),
                      rows // (11 * n_items) + 1)[:rows],
        "类别": "1.A.2",
        "品种": np.tile([f"燃料{i}" for i in range(n_items)], rows // n_items + 1)[:rows],
        "数值": rng.uniform(0, 1e4, rows).round(3),
        "单位": np.tile(["万吨", "亿立方米", "万千瓦时", "吨标准煤", "t"], rows // 5 + 1)[:rows],
    })
    frame.to_csv(path, index=False, encoding="gbk")


def _best(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "activity.csv"
        _write(path, args.rows)
        read_table(path, SCHEMA)  # warm the unit registry once, outside the timings
        ours = _best(lambda: read_table(path, SCHEMA), args.repeat)
        base = _best(lambda: pd.read_csv(path, encoding="gbk", dtype=str), args.repeat)
    print(f"rows: {args.rows}")
    print(f"read_table (validated): {ours:.3f} s")
    print(f"pandas.read_csv baseline: {base:.3f} s")
    print(f"ratio validated/baseline: {ours / base:.1f}x")


if __name__ == "__main__":
    main()

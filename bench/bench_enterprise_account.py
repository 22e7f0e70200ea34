"""Benchmark: `tanzhi.enterprise.account.account_report` on reports of growing length.

A report repeats one eight-line pattern (two fuels on defaults, one with a measured NCV,
limestone, nitric acid, purchased electricity, certified green power, heat).  Prints the best
of --repeat runs per size, after one warm-up call (factor library, GWP table and unit registry
load once per process), and the time per line.  An enterprise's monthly report has tens of
lines; the bulk engine of issue #12 item 6 does not go through this path.

    uv run python bench/bench_enterprise_account.py [--sizes 8 96 960] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from tanzhi.enterprise.account import account_report

PATTERN = [
    {"source_kind": "combustion", "item": "无烟煤", "quantity": 100, "unit": "t"},
    {"source_kind": "combustion", "item": "天然气", "quantity": 10, "unit": "万立方米"},
    {"source_kind": "combustion", "item": "原煤", "quantity": 100, "unit": "t", "ncv": 20.9},
    {"source_kind": "process", "item": "石灰石", "quantity": 1000, "unit": "t", "purity": 0.9},
    {"source_kind": "process", "item": "硝酸", "quantity": 1000, "unit": "t", "variant": "nscr"},
    {"source_kind": "electricity", "item": "电力", "quantity": 1000, "unit": "MWh"},
    {"source_kind": "green_power", "item": "绿电", "quantity": 10, "unit": "MWh",
     "evidence": "GEC-1"},
    {"source_kind": "heat", "item": "热力", "quantity": 1000, "unit": "GJ"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 96, 960])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    account_report(pd.DataFrame(PATTERN), gwp="AR5", year=2023)  # warm-up
    for size in args.sizes:
        frame = pd.DataFrame((PATTERN * (size // len(PATTERN) + 1))[:size])
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            account_report(frame, gwp="AR5", year=2023)
            best = min(best, time.perf_counter() - start)
        print(f"{size:>6} lines  {best:.3f} s  {best / size * 1e3:.2f} ms/line")


if __name__ == "__main__":
    main()

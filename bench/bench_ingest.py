"""Benchmark: one year of actuals from the department template (issue #11 item 2).

On a built demo (`TANZHI_DATA_DIR=… uv run tanzhi demo`), copied to a temporary folder so the
demo stays as built: for each user, build the template of the Zhejiang plan, change every 2025
value in force by −3 %, then time reading and checking the upload (`read_upload`,
`check_upload`) and recording it in one transaction (`record_entries`: revisions, re-rating,
warnings). The unit registry is loaded first, as in a running server.

With ``--repeat N`` each user's upload is recorded N times, each in a transaction rolled back
afterwards (so every run starts from the demo as built), and the fastest and the median
recording time are printed: on a shared machine one run's time is mostly the load of others.

    uv run python bench/bench_ingest.py /path/to/demo/data [--users zj.fgw zj.admin] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

from tanzhi.access import list_users
from tanzhi.config import Settings
from tanzhi.kernel import make_engine, make_session_factory, parse_unit, read_transaction
from tanzhi.plan import (
    check_upload,
    get_plan,
    read_upload,
    record_entries,
    template_rows,
    template_workbook,
)
from tanzhi.plan.ingest.model import FIELDS

PLAN = "zj-fyp14-climate"
COL = {name: i for i, name in enumerate(FIELDS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--users", nargs="+", default=["zj.fgw", "zj.admin"])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    parse_unit("t")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(args.data_dir, copy)
        factory = make_session_factory(make_engine(Settings(data_dir=copy, secret_key="bench")))
        for username in args.users:
            with read_transaction(factory) as db:
                user = next(u for u in list_users(db) if u.username == username)
                plan = get_plan(db, PLAN)
                start = time.perf_counter()
                rows = template_rows(db, plan, user)
                data = template_workbook(rows, title=PLAN)
                t_template = time.perf_counter() - start
                book = load_workbook(io.BytesIO(data))
                for row in book["实际值"].iter_rows(min_row=2):
                    if row[COL["year"]].value == 2025 and row[COL["value"]].value:
                        row[COL["value"]].value = row[COL["value"]].value * 0.97
                        row[COL["source"]].value = "bench"
                out = io.BytesIO()
                book.save(out)
                start = time.perf_counter()
                file, up = read_upload(out.getvalue(), filename="bench.xlsx")
                entries, _unchanged, _blank = check_upload(db, plan, user, file, up)
                t_check = time.perf_counter() - start
            times = []
            for _ in range(args.repeat):
                with factory() as run:
                    run.info["actor"] = "bench"
                    start = time.perf_counter()
                    written, warned = record_entries(run, get_plan(run, PLAN), entries,
                                                     actor=username)
                    run.flush()
                    times.append(time.perf_counter() - start)
                    run.rollback()
            print(f"{username}: template {len(rows)} rows {t_template:.2f} s; read+check "
                  f"{t_check:.2f} s; recorded {written} values ({warned} warning rows) "
                  f"{min(times):.2f} s (fastest of {len(times)}; median "
                  f"{statistics.median(times):.2f} s)")


if __name__ == "__main__":
    main()

"""Benchmark: compile the demo province, its 11 cities and 90 counties for 2015–2025.

Prints the compute time of the vectorised compilation (`inventory.service.compute.compute_rows`,
one engine pass over all 102 regions × 11 years) and two ratios measured in the same process:

* to the per-row factor path it replaced (issue #9, item 10): `PerRowCache` below resolves each
  distinct (item, category, region, year, variant) key of every row, regions uncollapsed, one
  Python lookup each (~190,000 per compile), as `attach_factors` did before the keyed join;
  its results must equal the keyed join's (checked here);
* to a naive loop compiling one region-year at a time (the same `compute_rows`, called per
  region and year as a per-region spreadsheet workflow would), timed on a sample of
  region-years and extrapolated to the tree.

The activity comes from the demo generator through the same statistics mapping the service
uses.  Times are wall clock and, beside them, this process's CPU time (`time.process_time`),
which the other jobs of a shared machine disturb far less.  With ``--store DIR`` (a data
directory holding the demo run, e.g. the one `bench_inventory_pages.py` builds) the compiled rows
are also stored into a copy of its SQLite database in place of run 1's (`store.add_results` and
the commit: the "stored rows" figure of issue #9 item 10), and, as its baseline in the same run,
by the path before: SQLAlchemy Core executemany with a dict per row and the audit image read
back from the table; the rows read back and the audit images must be identical.

Run: ``uv run python bench/bench_inventory_compile.py [--sample N] [--store DIR]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from tanzhi.config import Settings
from tanzhi.demo.calc import generate
from tanzhi.inventory import store
from tanzhi.inventory.model import InventoryOptions
from tanzhi.inventory.service.compute import FastCache, compute_rows
from tanzhi.inventory.service.hierarchy import hierarchy_residuals_frame
from tanzhi.inventory.service.mapping import STATISTICS_VARIANTS, statistics_to_activity
from tanzhi.kernel.audit import AuditEntry, make_session_factory, record
from tanzhi.kernel.audit.bulk import ROWS_FIELD
from tanzhi.kernel.db import make_engine
from tanzhi.kernel import python_text_storage
from tanzhi.kernel.factors import default_library
from tanzhi.kernel.regions import packaged_regions


class PerRowCache(FastCache):
    """Today's path before issue #9: every row's own region in the lookup key, so the key
    table holds each region × year × item and each distinct key costs a Python lookup."""

    def region_keys(self, codes: pd.Series) -> pd.Series:  # noqa: D102
        return codes.astype(object)


def _compile_per_row(activity, library, options) -> pd.DataFrame:
    return compute_rows(activity, library, gwp="AR5", options=options,
                        cache_type=PerRowCache).rows


def _store_core(session, run_id: int, rows: pd.DataFrame) -> None:
    """The storing path before this change, as the baseline: SQLAlchemy Core executemany with
    one parameter dict per row (per-row parameter processing), and the audit image read back
    from the table (`bulk.group_image`, `record` without `written`)."""
    batch = store._bulk(store.ResultRow.__table__, rows.assign(
        notation=rows["notation"].fillna(""),
        **{c: rows[c].fillna("").astype(str) for c in
           ("method", "factor_ids", "activity_ids", "activity_unit", "note")}),
        store.RESULT_STORE_COLUMNS, run_id=run_id)
    dicts = [dict(zip(batch.names, row, strict=True)) for row in batch.rows]
    for start in range(0, len(dicts), 20_000):
        session.execute(store.ResultRow.__table__.insert(), dicts[start:start + 20_000])
    record(session, action="insert", entity=store.ResultRow.__tablename__,
           entity_key=f"run/{run_id}", rows={"run_id": run_id}, before={},
           after={"run_id": run_id, "rows": len(dicts)})


def _store(data_dir: Path, rows: pd.DataFrame, *, baseline: bool = False
           ) -> tuple[float, float, pd.DataFrame, dict]:
    """Wall and CPU seconds to store `rows` as run 1's results in a copy of the database, the
    rows read back and the audit entry's image of them."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "tanzhi.db"
        shutil.copy(data_dir / "tanzhi.db", db)
        shutil.copytree(data_dir / "keys", Path(tmp) / "keys")  # the audit key: same images
        settings = Settings(data_dir=Path(tmp), secret_key="bench-secret",
                            database_url=f"sqlite:///{db}")
        engine = make_engine(settings)
        factory = make_session_factory(engine)
        with factory() as session:
            session.execute(delete(store.ResultRow).where(store.ResultRow.run_id == 1))
            session.commit()
            t, c = time.perf_counter(), time.process_time()
            if baseline:
                _store_core(session, 1, rows)
            else:
                store.add_results(session, 1, rows)
            session.commit()
            wall, cpu = time.perf_counter() - t, time.process_time() - c
        with factory() as session:
            back = store.read_results(session, 1)
            entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())
                                    .limit(1)).one()
            image = json.loads(entry.after_json)[ROWS_FIELD]
        engine.dispose()
        return wall, cpu, back, image


def _activity(regions) -> pd.DataFrame:
    activity = statistics_to_activity(generate(regions))
    activity["activity_id"] = np.arange(len(activity)).astype(str)
    return activity


def _cpu(run) -> float:
    c = time.process_time()
    run()
    return time.process_time() - c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=12, help="region-years in the baseline")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the vectorised run")
    parser.add_argument("--store", type=Path, default=None,
                        help="data directory with the demo run (time storing the rows)")
    args = parser.parse_args()
    regions = packaged_regions()
    library = default_library()
    options = InventoryOptions(variants=STATISTICS_VARIANTS)
    # Text storage: what pandas 3 picks by itself once pyarrow is importable, against what the
    # entry points set (`python_text_storage`), same data, same process.
    storage_cpu = {}
    for storage in ("pyarrow", "python"):
        with pd.option_context("mode.string_storage", storage):
            act = _activity(regions)
            compute_rows(act.loc[act["region_code"] == "330100"], library, gwp="AR5",
                         options=options)
            storage_cpu[storage] = min(_cpu(lambda a=act: compute_rows(
                a, library, gwp="AR5", options=options)) for _ in range(args.repeat))
    python_text_storage()
    activity = _activity(regions)
    compute_rows(activity.loc[activity["region_code"] == "330100"], library, gwp="AR5",
                 options=options)  # warm-up: unit registry, factor tables
    best = best_cpu = float("inf")
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        compiled = compute_rows(activity, library, gwp="AR5", options=options)
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    t, c = time.perf_counter(), time.process_time()
    per_row = _compile_per_row(activity, library, options)
    per_row_s, per_row_cpu = time.perf_counter() - t, time.process_time() - c
    pd.testing.assert_frame_equal(per_row, compiled.rows, rtol=1e-12, check_exact=False)
    parents = {r.code: r.parent_code for r in regions if r.parent_code}
    t = time.perf_counter()
    residuals = hierarchy_residuals_frame(compiled.rows, parents)
    resid_s = time.perf_counter() - t

    keys = activity[["region_code", "year"]].drop_duplicates()
    sample = keys.sample(n=min(args.sample, len(keys)), random_state=1)
    t = time.perf_counter()
    for region, year in sample.itertuples(index=False):
        part = activity.loc[(activity["region_code"] == region) & (activity["year"] == year)]
        compute_rows(part, library, gwp="AR5", options=options)
    per = (time.perf_counter() - t) / len(sample)
    baseline = per * len(keys)
    print(f"activity rows {len(activity):,}, regions {activity['region_code'].nunique()}, "
          f"years {activity['year'].min()}–{activity['year'].max()}")
    print(f"result rows {len(compiled.rows):,}, residual rows {len(residuals):,}")
    print(f"vectorised compile (compute part, best of {args.repeat}): {best:.2f} s wall, "
          f"{best_cpu:.2f} s CPU (goal ≤ 1 s quiet, issue #9); "
          f"hierarchy residuals {resid_s:.2f} s")
    print(f"text storage (best CPU of {args.repeat}): Arrow-backed str "
          f"{storage_cpu['pyarrow']:.2f} s, Python-backed str {storage_cpu['python']:.2f} s; "
          f"ratio {storage_cpu['pyarrow'] / storage_cpu['python']:.2f}×")
    print(f"per-row factor path (before issue #9, same run, same rows): {per_row_s:.2f} s wall, "
          f"{per_row_cpu:.2f} s CPU; ratio per-row / keyed join: {per_row_s / best:.1f}× wall, "
          f"{per_row_cpu / best_cpu:.1f}× CPU")
    if args.store:
        wall, cpu, back, image = _store(args.store, compiled.rows)
        base_wall, base_cpu, base_back, base_image = _store(args.store, compiled.rows,
                                                            baseline=True)
        pd.testing.assert_frame_equal(back, base_back, rtol=1e-12, check_exact=False)
        assert image == base_image, "audit images of the stored rows differ"
        print(f"storing the {len(compiled.rows):,} rows on SQLite (add_results + commit): "
              f"{wall:.2f} s wall, {cpu:.2f} s CPU (goal ≤ 2 s, issue #9); the Core "
              f"executemany path with the image read back (same run, same rows and audit "
              f"image): {base_wall:.2f} s wall, {base_cpu:.2f} s CPU; ratio "
              f"{base_wall / wall:.1f}× wall, {base_cpu / cpu:.1f}× CPU")
    print(f"baseline one region-year per call: {per:.3f} s × {len(keys)} = "
          f"{baseline:.1f} s (extrapolated from {len(sample)} region-years)")
    print(f"ratio baseline / vectorised: {baseline / best:.0f}×")


if __name__ == "__main__":
    main()

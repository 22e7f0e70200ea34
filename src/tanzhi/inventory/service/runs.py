"""Inventory runs: import activity, compile the region tree, store results with lineage."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

import tanzhi
from tanzhi.inventory import store
from tanzhi.inventory.calc import combine_estimates
from tanzhi.inventory.formats.activity import read_activity
from tanzhi.inventory.model import ID_SEPARATOR, InventoryOptions
from tanzhi.inventory.service.compute import MISSING_PREFIX, compute_rows
from tanzhi.inventory.service.hierarchy import hierarchy_residuals_frame
from tanzhi.inventory.service.mapping import STATISTICS_VARIANTS, activity_from_statistics
from tanzhi.inventory.service.uncertainty import compile_uncertainty, defaults_ref
from tanzhi.kernel import (
    DataError,
    Location,
    NotFound,
    Problem,
    Progress,
    canonical_set,
    default_library,
    list_regions,
    no_progress,
)

METHOD = (f"tanzhi {tanzhi.__version__} inventory engine: IPCC 2006 Guidelines (Vol.2-5, Tier 1/2) "
          "and 省级温室气体清单编制指南（试行）2011; docs/methods/inventory.md")
DEMO_LABEL = "演示清单 / demo inventory"  # shown through one_language
STATISTICS_NOTES = (
    "活动水平来自统计数据（docs/demo-model.md），映射见 inventory/service/mapping.py / activity "
    "data from the stored statistics, mapped as inventory/service/mapping.py documents",
    "填埋甲烷一阶衰减只用到现有年份的填埋量（无更早历史，早年排放偏低） / landfill FOD uses "
    "the deposit years available only (no earlier history: early years are underestimated)",
    "国际燃料舱未能从统计中分出，计入国内航空/水运（IE） / bunkers are not separable in the "
    "statistics and are included in domestic aviation/navigation (IE)",
)


@dataclass(frozen=True)
class RunInfo:
    """One stored compilation and its lineage."""

    id: int
    created_at: datetime
    actor: str
    label: str
    gwp: str
    years: tuple[int, ...]
    region_codes: tuple[str, ...]
    source: str
    factor_datasets: dict[str, str]
    method: str
    status: str
    supersedes: int | None
    notes: str
    activity_set_id: int | None = None
    n_rows: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "id": self.id, "created_at": self.created_at.isoformat() if self.created_at else None,
            "actor": self.actor, "label": self.label, "gwp": self.gwp, "years": list(self.years),
            "region_codes": list(self.region_codes), "source": self.source,
            "factor_datasets": dict(self.factor_datasets), "method": self.method,
            "status": self.status, "supersedes": self.supersedes, "notes": self.notes,
            "activity_set_id": self.activity_set_id, "n_rows": self.n_rows,
        }


def _info(row: store.RunRow, seconds: dict[str, float] | None = None) -> RunInfo:
    datasets = dict(p.split("=", 1) for p in row.factor_datasets.split(";") if "=" in p)
    return RunInfo(
        id=row.id, created_at=row.created_at, actor=row.actor, label=row.label, gwp=row.gwp,
        years=tuple(int(y) for y in row.years.split(",") if y),
        region_codes=tuple(c for c in row.region_codes.split(",") if c), source=row.source,
        factor_datasets=datasets, method=row.method, status=row.status,
        supersedes=row.supersedes, notes=row.notes, activity_set_id=row.activity_set_id,
        n_rows=row.n_rows, seconds=seconds or {})


def get_run(session: Session, run_id: int) -> RunInfo:
    """The run with this id.

    Raises
    ------
    NotFound
    """
    row = store.get_run_row(session, int(run_id))
    if row is None:
        raise NotFound(f"没有清单计算批次 {run_id} / no inventory run {run_id}")
    return _info(row)


def list_runs(session: Session) -> list[RunInfo]:
    """Every run, newest first."""
    return [_info(r) for r in store.list_run_rows(session)]


def latest_run(session: Session, *, region_code: str | None = None) -> RunInfo | None:
    """The newest complete run (that covers `region_code`, when given), or None."""
    for run in list_runs(session):
        if run.status != "complete":
            continue
        if region_code is None or region_code in run.region_codes:
            return run
    return None


def import_activity(
    session: Session, source: Path | bytes, *, filename: str, label: str = "",
    uploader: str | None = None, frame: pd.DataFrame | None = None,
    progress: Progress = no_progress,
) -> int:
    """Read, check and store an ACTIVITY file as a new activity set; its id (all or nothing).

    `frame` is the file as `read_activity` already read it (a background job reads it before
    taking the write lock); `progress(done, total, message)` hears each step (issue #8).

    Raises
    ------
    DataError
        Every problem of the file (file, row, column), or region codes the platform does not
        know; nothing is written.
    """
    data = source.read_bytes() if isinstance(source, Path) else bytes(source)
    if frame is None:
        progress(0, 3, "读取文件 / reading the file")
        frame = read_activity(data, filename=filename)
    progress(1, 3, "核对地区 / checking regions")
    known = {r.code for r in list_regions(session)}
    unknown = frame.loc[~frame["region_code"].astype(str).isin(known)]
    if not unknown.empty:
        raise DataError([
            Problem(f"未知行政区划代码 {code}", f"unknown region code {code}",
                    Location(filename, int(r), "region_code"))
            for code, r in zip(unknown["region_code"], unknown["_row"], strict=True)][:50])
    frame = frame.rename(columns={"_row": "row_no"})
    actor = uploader or str(session.info.get("actor") or "")
    progress(2, 3, f"写入 {len(frame)} 行 / storing {len(frame)} rows")
    set_id = store.add_activity_set(
        session, frame, label=label or filename, source="upload", filename=filename,
        sha256=hashlib.sha256(data).hexdigest(), uploader=actor)
    progress(3, 3, f"已写入数据集 #{set_id} / stored as set #{set_id}")
    return set_id


def _used_datasets(rows: pd.DataFrame, library: object) -> dict[str, str]:
    refs = {r.id: r.edition for r in getattr(library, "dataset_refs", list)()}
    ids = rows["factor_ids"].dropna().astype(str)
    used = set()
    for text in ids.unique():
        for fid in text.split(ID_SEPARATOR):
            if fid and not fid.startswith(MISSING_PREFIX):
                used.add(fid.split("/", 1)[0])
    return {d: refs.get(d, "") for d in sorted(used)}


def _activity(session: Session, source: str, region_codes: list[str] | None,
              years: list[int] | None, label: str) -> tuple[pd.DataFrame, int]:
    if source == "statistics":
        act = activity_from_statistics(session, region_codes=region_codes, years=years)
        if act.empty:
            raise DataError(Problem("没有可用于清单的统计数据",
                                    "no statistics to compile an inventory from"))
        act["row_no"] = range(2, len(act) + 2)
        set_id = store.add_activity_set(
            session, act, label=label or "statistics", source="statistics",
            note="from kernel_statistic via inventory.service.mapping")
    elif source.startswith("upload:"):
        set_id = int(source.split(":", 1)[1])
        if store.get_activity_set(session, set_id) is None:
            raise NotFound(f"没有活动水平数据集 {set_id} / no activity set {set_id}")
        act = store.read_activity_set(session, set_id, region_codes=region_codes, years=years)
    else:
        raise DataError(Problem(f"未知数据来源“{source}”",
                                f"unknown source {source!r} (statistics | upload:<set id>)"))
    act = act.assign(activity_id=f"{set_id}:" + act["row_no"].astype(int).astype(str))
    return act.reset_index(drop=True), set_id


def compile_inventory(
    session: Session, *, region_codes: Iterable[str] | None = None,
    years: Iterable[int] | None = None, gwp: str = "AR5", source: str = "statistics",
    label: str = "", supersedes: int | None = None, factors: object | None = None,
    options: InventoryOptions | None = None, uncertainty: bool = True,
    progress: Progress = no_progress,
) -> RunInfo:
    """Compile, store and check the inventory of every region (default: the whole tree).

    Parameters
    ----------
    source
        ``"statistics"`` (activity derived from `kernel_statistic`, stored as a new activity
        set) or ``"upload:<set id>"``.
    supersedes
        The run this one recalculates; it keeps its rows and is marked ``superseded``.
    factors
        A FactorLookup (default: the packaged kernel library).
    progress
        ``progress(done, total, message)`` after each of its 4 steps (a job's bar, the CLI's);
        it may raise to abandon the compilation (the caller's transaction rolls back).
    uncertainty
        Compute and store the run's 95 % intervals (`service.uncertainty.compile_uncertainty`:
        Approach 1 for every region-year, Approach 2 for each region's latest year), inputs
        without an uncertainty taking the packaged defaults (issue #9).

    Returns
    -------
    RunInfo
        With ``seconds`` = {"activity", "compute", "store", "residuals", "uncertainty"}.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    steps = 4
    progress(0, steps, "读取活动水平 / reading activity data")
    gwp = canonical_set(gwp)
    codes = None if region_codes is None else sorted({str(c) for c in region_codes})
    year_list = None if years is None else sorted({int(y) for y in years})
    previous = None
    if supersedes is not None:
        previous = store.get_run_row(session, int(supersedes))
        if previous is None:
            raise NotFound(f"没有清单计算批次 {supersedes} / no inventory run {supersedes}")
    act, set_id = _activity(session, source, codes, year_list, label)
    timings["activity"] = time.perf_counter() - t0
    library = factors if factors is not None else default_library()
    opts = options or InventoryOptions(
        variants=STATISTICS_VARIANTS if source == "statistics" else None)
    progress(1, steps, f"计算 {len(act)} 行活动水平 / computing {len(act)} activity rows")
    t1 = time.perf_counter()
    compiled = compute_rows(act, library, gwp=gwp, options=opts)  # type: ignore[arg-type]
    timings["compute"] = time.perf_counter() - t1
    rows = compiled.rows
    regions = {r.code: r for r in list_regions(session)}
    parents = {c: r.parent_code for c, r in regions.items() if r.parent_code}
    progress(2, steps, "上下级核对 / hierarchy residuals")
    t2 = time.perf_counter()
    residuals = hierarchy_residuals_frame(rows, parents)
    timings["residuals"] = time.perf_counter() - t2
    notes = list(STATISTICS_NOTES if source == "statistics" else ())
    if opts.variants:
        notes.append("因子变体 / factor variants: " + ", ".join(
            f"{k}={v}" for k, v in sorted(opts.variants.items())))
    unc = None
    datasets = _used_datasets(rows, library)
    if uncertainty:
        t4 = time.perf_counter()
        unc = compile_uncertainty(combine_estimates(compiled.estimates), act, library, gwp=gwp)
        timings["uncertainty"] = time.perf_counter() - t4
        ref = defaults_ref()
        datasets[ref.id] = ref.edition
    progress(3, steps, f"写入 {len(rows)} 行结果 / storing {len(rows)} result rows")
    t3 = time.perf_counter()
    run = store.add_run(
        session, actor=str(session.info.get("actor") or ""), label=label[:200], gwp=gwp,
        years=",".join(str(y) for y in sorted(act["year"].unique())),
        region_codes=",".join(sorted(act["region_code"].unique())), source=source,
        activity_set_id=set_id,
        factor_datasets=";".join(f"{k}={v}" for k, v in datasets.items()),
        method=METHOD, status="complete",
        supersedes=previous.id if previous is not None else None, notes="\n".join(notes),
        n_rows=len(rows))
    store.add_results(session, run.id, rows)
    store.add_residuals(session, run.id, residuals)
    if unc is not None:
        store.add_uncertainty(session, run.id, unc)
    if previous is not None:
        previous.status = "superseded"
    session.flush()
    timings["store"] = time.perf_counter() - t3
    progress(steps, steps, f"已生成批次 #{run.id} / compiled run #{run.id}")
    return _info(run, timings)


def demo_seed(session: Session) -> int:
    """Compile the demo tree 2015–2025 under AR5 from the statistics just written; rows."""
    if not activity_from_statistics(session, region_codes=["330000"], years=[2020]).shape[0]:
        return 0
    run = compile_inventory(session, gwp="AR5", source="statistics", label=DEMO_LABEL)
    return run.n_rows

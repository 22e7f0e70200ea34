"""Inventory tables (inventory_*): activity datasets, runs with lineage, result rows, residuals.

Activity sets and result rows are written with `tanzhi.kernel.BulkRows` (the table's Core
``insert()`` compiled once, the driver's executemany; the ORM and per-row parameter processing are
too slow for ~10^5 rows) and each bulk write leaves one `tanzhi.kernel.audit.record` entry whose
row digests come from the values written, so the audit chain covers it; run and set headers go
through the ORM (audited by the flush hook).
Queries take the caller's session and return pandas frames.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel import Base, BulkRows, record, utcnow

ACTIVITY_ROW_COLUMNS = ("region_code", "year", "category", "item", "value", "unit",
                        "uncertainty_pct", "variant", "row_no")
RESULT_STORE_COLUMNS = ("region_code", "year", "category", "sector", "item", "gas",
                        "emissions_t", "co2e_t", "memo", "notation", "method", "factor_ids",
                        "activity_ids", "activity_value", "activity_unit", "note")
UNCERTAINTY_STORE_COLUMNS = ("region_code", "year", "method", "category", "gas", "co2e_t",
                             "low", "high", "pct", "mean_t", "activity_pct", "factor_pct",
                             "iterations", "seed", "default_ids", "exact_sources")
RESIDUAL_COLUMNS = ("parent_code", "year", "sector", "gas", "parent_t", "children_t",
                    "residual_t", "residual_pct", "explanation_zh", "explanation_en")


class ActivitySetRow(Base):
    """One activity dataset: an uploaded file or the rows derived from stored statistics."""

    __tablename__ = "inventory_activity_set"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    label: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20))  # "upload" | "statistics"
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    uploader: Mapped[str] = mapped_column(String(120), default="")
    n_rows: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class ActivityRow(Base):
    """One activity row of a set (ACTIVITY columns; `row_no` = sheet row, header = row 1)."""

    __tablename__ = "inventory_activity_row"
    __table_args__ = (Index("ix_inventory_activity_row_set_region", "set_id", "region_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("inventory_activity_set.id"))
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40))
    item: Mapped[str] = mapped_column(String(80))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    uncertainty_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    variant: Mapped[str] = mapped_column(String(80), default="")
    row_no: Mapped[int] = mapped_column(Integer)


class RunRow(Base):
    """One compilation with its lineage; a recalculation is a new run that supersedes it."""

    __tablename__ = "inventory_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120), default="")
    label: Mapped[str] = mapped_column(String(200), default="")
    gwp: Mapped[str] = mapped_column(String(16))
    years: Mapped[str] = mapped_column(Text, default="")  # comma-joined
    region_codes: Mapped[str] = mapped_column(Text, default="")  # comma-joined
    source: Mapped[str] = mapped_column(String(40))
    activity_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_activity_set.id"), nullable=True)
    factor_datasets: Mapped[str] = mapped_column(Text, default="")  # "dataset=edition;…"
    method: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="complete")
    supersedes: Mapped[int | None] = mapped_column(ForeignKey("inventory_run.id"), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    n_rows: Mapped[int] = mapped_column(Integer, default=0)


class ResultRow(Base):
    """One result row: region, year, category, item, gas with its lineage."""

    __tablename__ = "inventory_result"
    __table_args__ = (Index("ix_inventory_result_run_region_year", "run_id", "region_code",
                            "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("inventory_run.id"))
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40))
    sector: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(80))
    gas: Mapped[str] = mapped_column(String(20))
    emissions_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    co2e_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    memo: Mapped[bool] = mapped_column(Boolean, default=False)
    notation: Mapped[str] = mapped_column(String(4), default="")
    method: Mapped[str] = mapped_column(Text, default="")
    factor_ids: Mapped[str] = mapped_column(Text, default="")
    activity_ids: Mapped[str] = mapped_column(Text, default="")
    activity_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    activity_unit: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class ResidualRow(Base):
    """Hierarchy residual: parent minus the sum of its children, per sector and gas."""

    __tablename__ = "inventory_residual"
    __table_args__ = (Index("ix_inventory_residual_run", "run_id", "parent_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("inventory_run.id"))
    parent_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    sector: Mapped[int] = mapped_column(Integer)
    gas: Mapped[str] = mapped_column(String(20))
    parent_t: Mapped[float] = mapped_column(Float)
    children_t: Mapped[float] = mapped_column(Float)
    residual_t: Mapped[float] = mapped_column(Float)
    residual_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    explanation_zh: Mapped[str] = mapped_column(Text, default="")
    explanation_en: Mapped[str] = mapped_column(Text, default="")


# ---------------------------------------------------------------------------------------------
# Bulk writes


def _bulk(table: object, frame: pd.DataFrame, columns: Sequence[str], *,
          blank: Sequence[str] = (), **fixed: object) -> BulkRows:
    """The rows to write, column by column (`tolist`/arrays, missing text → None, or "" in the
    `blank` columns): boxing every
    cell into one dict per row was most of the time to store a province's 155,856 result rows,
    and SQLAlchemy's per-row parameter processing most of the rest (issue #9 item 10)."""
    values: dict[str, object] = {}
    for col in columns:
        series = frame[col]
        if series.dtype.kind in "fiub":
            values[col] = series.to_numpy()
            continue
        cells = series.tolist()
        missing = "" if col in blank else None
        for i in np.flatnonzero(series.isna().to_numpy()):
            cells[i] = missing
        values[col] = cells
    for col, value in fixed.items():
        values[col] = [value] * len(frame)
    return BulkRows(table, values)  # type: ignore[arg-type]


def add_activity_set(
    session: Session, frame: pd.DataFrame, *, label: str, source: str, filename: str = "",
    sha256: str = "", uploader: str = "", note: str = "",
) -> int:
    """Store an activity set and its rows (one audit entry for the bulk rows); the set id."""
    head = ActivitySetRow(label=label[:200], source=source, filename=filename[:255],
                          sha256=sha256, uploader=uploader[:120], n_rows=len(frame), note=note)
    session.add(head)
    session.flush()
    work = frame.copy()
    if "uncertainty_pct" not in work.columns:
        work["uncertainty_pct"] = np.nan
    if "variant" not in work.columns:
        work["variant"] = ""
    work["variant"] = work["variant"].fillna("").astype(str)
    if "row_no" not in work.columns:
        work["row_no"] = np.arange(len(work)) + 2
    work["year"] = work["year"].astype(int)
    work["value"] = work["value"].astype(float)
    batch = _bulk(ActivityRow.__table__, work, ACTIVITY_ROW_COLUMNS, set_id=head.id)
    batch.insert(session.connection())
    record(session, action="insert", entity=ActivityRow.__tablename__,
           entity_key=f"set/{head.id}", rows={"set_id": head.id}, written=batch, before={},
           after={
               "set_id": head.id, "rows": len(work), "source": source, "filename": filename,
               "sha256": sha256, "regions": int(work["region_code"].nunique()) if len(work) else 0,
               "years": sorted(int(y) for y in work["year"].unique())})
    return head.id


def read_activity_set(
    session: Session, set_id: int, *, region_codes: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Rows of an activity set (ACTIVITY columns + uncertainty_pct, variant, activity_id)."""
    t = ActivityRow.__table__
    query = select(t.c.id, *(t.c[c] for c in ACTIVITY_ROW_COLUMNS)).where(t.c.set_id == set_id)
    if region_codes is not None:
        query = query.where(t.c.region_code.in_(list(region_codes)))
    if years is not None:
        query = query.where(t.c.year.in_([int(y) for y in years]))
    rows = session.execute(query.order_by(t.c.id)).all()
    frame = pd.DataFrame(rows, columns=["id", *ACTIVITY_ROW_COLUMNS])
    frame = frame.astype({"year": "int64", "value": "float64", "uncertainty_pct": "float64"})
    frame["activity_id"] = frame["id"].astype(str)
    return frame.drop(columns="id")


def get_activity_set(session: Session, set_id: int) -> ActivitySetRow | None:
    """The set header, or None."""
    return session.get(ActivitySetRow, set_id)


def add_run(session: Session, **fields: object) -> RunRow:
    """Insert a run header (ORM, audited by the flush hook)."""
    run = RunRow(**fields)
    session.add(run)
    session.flush()
    return run


def add_results(session: Session, run_id: int, frame: pd.DataFrame) -> int:
    """Bulk-insert result rows (`RESULT_STORE_COLUMNS`) of a run; one audit entry."""
    # Missing text is stored as "" (`_bulk(blank=…)`; `BulkRows` makes every cell a str),
    # without a copy of the frame per column.
    work = frame.assign(memo=frame["memo"].astype(bool), year=frame["year"].astype(int),
                        sector=frame["sector"].astype(int))
    batch = _bulk(ResultRow.__table__, work, RESULT_STORE_COLUMNS, run_id=run_id,
                  blank=("notation", "method", "factor_ids", "activity_ids", "activity_unit",
                         "note"))
    batch.insert(session.connection())
    counted = work.loc[~work["memo"] & work["co2e_t"].notna(), "co2e_t"]
    record(session, action="insert", entity=ResultRow.__tablename__, entity_key=f"run/{run_id}",
           rows={"run_id": run_id}, written=batch, before={},
           after={"run_id": run_id, "rows": len(batch),
                             "regions": int(work["region_code"].nunique()) if len(work) else 0,
                             "co2e_t_sum": round(float(counted.sum()), 3)})
    return len(batch)


def add_residuals(session: Session, run_id: int, frame: pd.DataFrame) -> int:
    """Bulk-insert hierarchy residuals of a run; one audit entry."""
    if frame.empty:
        return 0
    work = frame.copy()
    work["year"] = work["year"].astype(int)
    work["sector"] = work["sector"].astype(int)
    batch = _bulk(ResidualRow.__table__, work, RESIDUAL_COLUMNS, run_id=run_id)
    batch.insert(session.connection())
    record(session, action="insert", entity=ResidualRow.__tablename__,
           entity_key=f"run/{run_id}", rows={"run_id": run_id}, written=batch,
           before={}, after={"run_id": run_id, "rows": len(batch)})
    return len(batch)


class UncertaintyRow(Base):
    """A stored 95 % interval of a run: one region-year's category × gas (or its total) by
    Approach 1 (``propagation``) or 2 (``montecarlo``), computed when the run was compiled
    (issue #9: the run page reads it instead of recomputing).  ``default_ids`` lists the
    default uncertainties (dataset ``uncertainty``) behind the interval, ``exact_sources``
    counts inputs with neither their own nor a default uncertainty."""

    __tablename__ = "inventory_uncertainty"
    __table_args__ = (Index("ix_inventory_uncertainty_run_region_year", "run_id",
                            "region_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("inventory_run.id"))
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(40))
    gas: Mapped[str] = mapped_column(String(20))
    co2e_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    low: Mapped[float | None] = mapped_column(Float, nullable=True)
    high: Mapped[float | None] = mapped_column(Float, nullable=True)
    pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    mean_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    activity_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    factor_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    iterations: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    default_ids: Mapped[str] = mapped_column(Text, default="")
    exact_sources: Mapped[int] = mapped_column(Integer, default=0)


def add_uncertainty(session: Session, run_id: int, frame: pd.DataFrame) -> int:
    """Bulk-insert stored intervals (`UNCERTAINTY_STORE_COLUMNS`) of a run; one audit entry."""
    if frame.empty:
        return 0
    work = frame.copy()
    work["year"] = work["year"].astype(int)
    for col in ("iterations", "seed"):
        work[col] = work[col].astype(object).where(work[col].notna(), None)
    work["default_ids"] = work["default_ids"].fillna("").astype(str)
    work["exact_sources"] = work["exact_sources"].fillna(0).astype(int)
    batch = _bulk(UncertaintyRow.__table__, work, UNCERTAINTY_STORE_COLUMNS, run_id=run_id)
    batch.insert(session.connection())
    # `rows=` names the batch so `audit verify` checks it by keyed digests (issue #8 item 8).
    record(session, action="insert", entity=UncertaintyRow.__tablename__,
           entity_key=f"run/{run_id}", rows={"run_id": run_id}, written=batch, before={},
           after={"run_id": run_id, "rows": len(batch),
                  "methods": sorted(work["method"].unique().tolist())})
    return len(batch)


# ---------------------------------------------------------------------------------------------
# Queries


def read_uncertainty(session: Session, run_id: int, *, region_code: str, year: int,
                     method: str) -> pd.DataFrame:
    """Stored intervals of one region-year and method (`UNCERTAINTY_STORE_COLUMNS`); empty
    when the run stored none (runs compiled before issue #9)."""
    t = UncertaintyRow.__table__
    query = (select(*(t.c[c] for c in UNCERTAINTY_STORE_COLUMNS))
             .where(t.c.run_id == run_id, t.c.region_code == region_code,
                    t.c.year == int(year), t.c.method == method)
             .order_by(t.c.category, t.c.gas, t.c.id))
    frame = pd.DataFrame(session.execute(query).all(), columns=list(UNCERTAINTY_STORE_COLUMNS))
    return frame.astype({"year": "int64", "co2e_t": "float64", "low": "float64",
                         "high": "float64", "pct": "float64", "mean_t": "float64",
                         "activity_pct": "float64", "factor_pct": "float64"})


def get_run_row(session: Session, run_id: int) -> RunRow | None:
    """The run header, or None."""
    return session.get(RunRow, run_id)


def list_run_rows(session: Session) -> list[RunRow]:
    """Every run header, newest first."""
    return list(session.scalars(select(RunRow).order_by(RunRow.id.desc())))


def read_results(
    session: Session, run_id: int, *, region_codes: Iterable[str] | None = None,
    years: Iterable[int] | None = None, categories: Iterable[str] | None = None,
    gases: Iterable[str] | None = None, sectors: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Result rows of a run as a frame (`RESULT_STORE_COLUMNS`), sorted by key."""
    t = ResultRow.__table__
    query = select(*(t.c[c] for c in RESULT_STORE_COLUMNS)).where(t.c.run_id == run_id)
    if region_codes is not None:
        query = query.where(t.c.region_code.in_(list(region_codes)))
    if years is not None:
        query = query.where(t.c.year.in_([int(y) for y in years]))
    if categories is not None:
        query = query.where(t.c.category.in_(list(categories)))
    if gases is not None:
        query = query.where(t.c.gas.in_(list(gases)))
    if sectors is not None:
        query = query.where(t.c.sector.in_([int(s) for s in sectors]))
    query = query.order_by(t.c.region_code, t.c.year, t.c.category, t.c.item, t.c.gas, t.c.id)
    rows = session.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(RESULT_STORE_COLUMNS))
    return frame.astype({"year": "int64", "sector": "int64", "emissions_t": "float64",
                         "co2e_t": "float64", "memo": "bool", "activity_value": "float64"})


def read_residuals(session: Session, run_id: int, *,
                   parent_code: str | None = None) -> pd.DataFrame:
    """Stored hierarchy residuals of a run (`RESIDUAL_COLUMNS`)."""
    t = ResidualRow.__table__
    query = select(*(t.c[c] for c in RESIDUAL_COLUMNS)).where(t.c.run_id == run_id)
    if parent_code is not None:
        query = query.where(t.c.parent_code == parent_code)
    query = query.order_by(t.c.parent_code, t.c.year, t.c.sector, t.c.gas)
    frame = pd.DataFrame(session.execute(query).all(), columns=list(RESIDUAL_COLUMNS))
    return frame.astype({"year": "int64", "sector": "int64", "parent_t": "float64",
                         "children_t": "float64", "residual_t": "float64",
                         "residual_pct": "float64"})

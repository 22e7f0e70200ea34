"""Regional statistics (统计数据): the long table `kernel_statistic`, its bulk write and its read.

One row is one number: a region, a year, a variable with its sector and item, the value and its
unit, the dataset it came from and whether it is synthetic (demo data) or stated by a source.
Writes are Core bulk inserts (tens of thousands of rows in one statement batch) and leave one
audit entry per batch, since the ORM audit listener does not see Core statements.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel.audit import record
from tanzhi.kernel.db import Base
from tanzhi.kernel.errors import DataError, Location, Problem
from tanzhi.kernel.frames import check_long_frame
from tanzhi.kernel.regions import RegionRow

KEY_COLUMNS = ("region_code", "year", "variable", "sector", "item")
STATISTIC_COLUMNS = (*KEY_COLUMNS, "value", "unit", "dataset", "synthetic", "note")
ENTITY = "kernel_statistic"
_SHOWN = 20


class StatisticRow(Base):
    """One statistic.  `sector` and `item` are "" when a variable has no such breakdown."""

    __tablename__ = "kernel_statistic"
    __table_args__ = (
        UniqueConstraint("region_code", "year", "variable", "sector", "item", "dataset"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    year: Mapped[int] = mapped_column(Integer)
    variable: Mapped[str] = mapped_column(String(64), index=True)
    sector: Mapped[str] = mapped_column(String(64), default="")
    item: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    dataset: Mapped[str] = mapped_column(String(80), index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


def _row_problem(rows: pd.Index, column: str, zh: str, en: str) -> Problem:
    # Frame rows are reported as spreadsheet rows (header = row 1), as tables.read_table does.
    shown = ", ".join(str(int(r) + 2) for r in rows[:5])
    more = f" … (+{len(rows) - 5})" if len(rows) > 5 else ""
    first = int(rows[0]) + 2
    return Problem(f"{zh}（第 {shown}{more} 行）", f"{en} (rows {shown}{more})",
                   Location(row=first, column=column))


def _normalised(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The frame with defaults for the optional columns, and every format problem found."""
    missing = [c for c in ("region_code", "year", "variable", "value", "unit")
               if c not in frame.columns]
    if missing:  # nothing else can be checked without them
        raise DataError(Problem(f"缺少列：{', '.join(missing)}",
                                f"missing columns: {', '.join(missing)}"))
    out = frame.reset_index(drop=True).copy()
    for column in ("sector", "item", "note"):
        if column not in out.columns:
            out[column] = ""
        out[column] = out[column].fillna("").astype(str)
    out["variable"] = out["variable"].astype(str)
    # Format checks only: the extra row column keeps check_long_frame's own key test (every
    # column but value, unit included) quiet; our key test below leaves the unit out.
    shown = out[["region_code", "year", "variable", "unit", "value"]].assign(row=out.index + 2)
    shown.index = shown.index + 2  # problems name spreadsheet rows (header = row 1)
    problems = check_long_frame(shown)
    empty = out["variable"].str.strip() == ""
    if empty.any():
        problems.append(_row_problem(out.index[empty], "variable", "变量名为空",
                                     "variable is empty"))
    for column, limit in (("variable", 64), ("sector", 64), ("item", 64), ("unit", 40)):
        long = out[column].astype(str).str.len() > limit
        if long.any():
            problems.append(_row_problem(out.index[long], column, f"超过 {limit} 个字符",
                                         f"longer than {limit} characters"))
    duplicated = out.duplicated(subset=list(KEY_COLUMNS), keep=False)
    if duplicated.any():
        problems.append(_row_problem(
            out.index[duplicated], ", ".join(KEY_COLUMNS),
            "同一地区、年份、变量、部门、品种出现多次",
            "the same region, year, variable, sector and item occur more than once"))
    return out, problems


def write_statistics(
    session: Session, frame: pd.DataFrame, *, dataset: str, synthetic: bool
) -> int:
    """Insert a long frame of statistics as one dataset; all rows or none.

    Runs inside the caller's transaction (`unit_of_work`): on any problem nothing is written
    and a `DataError` names every problem with its row (header = row 1) and column.

    Parameters
    ----------
    frame
        Columns ``region_code, year, variable, value, unit`` and optionally ``sector, item,
        note``.  Units must parse with `tanzhi.kernel.units.parse_unit`; region codes must be
        stored in `kernel_region`; a key already stored in `dataset` is refused.
    dataset
        Where the numbers come from, e.g. ``"demo"`` or ``"seed:003_46e059fa6ebfa811"``.
    synthetic
        True for generated (demo) numbers, False for numbers a source states.

    Returns
    -------
    Number of rows written.
    """
    if not dataset or len(dataset) > 80:
        raise DataError.at("数据集名称须为 1–80 个字符", "dataset must have 1–80 characters",
                           column="dataset")
    out, problems = _normalised(frame)
    if len(out):
        known = set(session.scalars(select(RegionRow.code)))
        unknown = ~out["region_code"].isin(known)
        if unknown.any():
            codes = ", ".join(sorted(set(out.loc[unknown, "region_code"]))[:5])
            problems.append(_row_problem(out.index[unknown], "region_code",
                                         f"未知行政区划代码 {codes}",
                                         f"unknown region codes {codes}"))
        if not problems:
            problems.extend(_collisions(session, out, dataset))
    if problems:
        raise DataError(problems)
    if not len(out):
        return 0
    rows = [
        {"region_code": r.region_code, "year": int(r.year), "variable": r.variable,
         "sector": r.sector, "item": r.item, "value": float(r.value), "unit": str(r.unit),
         "dataset": dataset, "synthetic": bool(synthetic), "note": r.note}
        for r in out.itertuples(index=False)
    ]
    table = StatisticRow.__table__
    # Core executemany: SQLAlchemy batches it ("insertmanyvalues") on both SQLite and psycopg.
    session.execute(table.insert(), rows)
    record(session, action="insert", entity=ENTITY, entity_key=dataset, rows={"dataset": dataset},
           before={}, after={
        "dataset": dataset, "rows": len(rows), "synthetic": bool(synthetic),
        "regions": int(out["region_code"].nunique()),
        "years": sorted(int(y) for y in out["year"].unique()),
        "variables": sorted(out["variable"].unique().tolist()),
    })
    return len(rows)


def _collisions(session: Session, out: pd.DataFrame, dataset: str) -> list[Problem]:
    """Rows whose key is already stored in the same dataset."""
    t = StatisticRow.__table__
    stored = session.execute(
        select(*(t.c[k] for k in KEY_COLUMNS)).where(
            t.c.dataset == dataset, t.c.variable.in_(sorted(out["variable"].unique())))
    ).all()
    if not stored:
        return []
    existing = set(stored)
    keys = list(zip(*(out[k] for k in KEY_COLUMNS), strict=True))
    clash = pd.Series([(r, int(y), v, s, i) in existing for r, y, v, s, i in keys])
    if not clash.any():
        return []
    return [_row_problem(out.index[clash.to_numpy()], ", ".join(KEY_COLUMNS),
                         f"数据集 {dataset} 中已有相同键的数据",
                         f"dataset {dataset!r} already holds a row with this key")]


def delete_statistics(session: Session, *, datasets: Iterable[str]) -> int:
    """Delete every row of the given datasets (one audit entry per dataset); rows deleted."""
    t = StatisticRow.__table__
    total = 0
    for dataset in sorted(set(datasets)):
        count = session.execute(
            select(func.count()).select_from(t).where(t.c.dataset == dataset)).scalar_one()
        if not count:
            continue
        session.execute(delete(t).where(t.c.dataset == dataset))
        record(session, action="delete", entity=ENTITY, entity_key=dataset,
               before={"dataset": dataset, "rows": int(count)}, after={})
        total += int(count)
    return total


def read_statistics(
    session: Session,
    *,
    region_codes: Iterable[str] | None = None,
    variables: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    datasets: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Stored statistics as a long frame (columns `STATISTIC_COLUMNS`), sorted by key.

    Each filter left as None means "all".

    Examples
    --------
    >>> from sqlalchemy import create_engine
    >>> from sqlalchemy.orm import Session
    >>> engine = create_engine("sqlite://")
    >>> Base.metadata.create_all(engine, tables=[StatisticRow.__table__])
    >>> read_statistics(Session(engine)).columns.tolist()[:5]
    ['region_code', 'year', 'variable', 'sector', 'item']
    """
    t = StatisticRow.__table__
    query = select(*(t.c[c] for c in STATISTIC_COLUMNS))
    if region_codes is not None:
        query = query.where(t.c.region_code.in_(list(region_codes)))
    if variables is not None:
        query = query.where(t.c.variable.in_(list(variables)))
    if years is not None:
        query = query.where(t.c.year.in_([int(y) for y in years]))
    if datasets is not None:
        query = query.where(t.c.dataset.in_(list(datasets)))
    query = query.order_by(*(t.c[k] for k in KEY_COLUMNS), t.c.dataset)
    rows = session.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(STATISTIC_COLUMNS))
    return frame.astype({"year": "int64", "value": "float64", "synthetic": "bool"})

"""Digests of rows written in bulk (Core executemany) and recorded by one `audit.record` entry.

Per-row images of ~10^5 inventory result rows would multiply the demo build's audit writes, so a
bulk entry records, for the group of rows it wrote (``where``, e.g. ``{"run_id": 7}``), their count
and a keyed digest per run of at most `CHUNK_ROWS` rows in primary-key order, with that run's
first and last key. Verification recomputes the digests from the table: a changed, inserted or
deleted row is reported with the key range that holds it (issue #8, finding 10).

`BulkRows` writes such a group with the driver's own executemany (positional tuples, the statement
compiled from the table by SQLAlchemy) and makes the entry's image from the values it wrote instead
of reading ~10^5 rows back (issue #9 item 10): its values are first put in the form the driver
returns them (NaN → None, -0.0 → 0.0, numpy → Python), so the lines equal those that
verification reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    and_,
    func,
    select,
)

from tanzhi.kernel.audit.images import column_value, converter, keyed_digest

CHUNK_ROWS = 1000
ROWS_FIELD = "_rows"  # where a bulk entry's image keeps its group digest


def primary_key(table: Table) -> list[Column]:
    """The table's primary-key columns, in key order."""
    return list(table.primary_key.columns)


class TableForm:
    """How rows of one table (selected as ``select(table)``, columns in table order) become
    canonical keys, values and lines; the converters are chosen once per table."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns = list(table.columns)
        self.convert = [converter(c) for c in self.columns]
        names = [c.name for c in self.columns]
        self.pk_index = [names.index(c.name) for c in primary_key(table)]
        self.index = {name: i for i, name in enumerate(names)}
        # Columns whose driver value is not already one canonical Python value (times carry the
        # connection's zone, JSON its key order); the others go into lines as read.
        self.unstable = [i for i, c in enumerate(self.columns)
                         if isinstance(c.type, DateTime | Date | JSON)]

    def values(self, row: Sequence[Any]) -> tuple:
        """Every column's canonical value, in column order."""
        return tuple(f(v) for f, v in zip(self.convert, row, strict=True))

    def key(self, row: Sequence[Any]) -> tuple:
        """The row's primary key, canonical (sortable, comparable to the record)."""
        return tuple(self.convert[i](row[i]) for i in self.pk_index)

    def picked(self, row: Sequence[Any], names: Sequence[str]) -> tuple:
        """The canonical values of the named columns."""
        return tuple(self.convert[self.index[n]](row[self.index[n]]) for n in names)

    def line(self, row: Sequence[Any]) -> str:
        """One row's canonical text for bulk digests. Both the digest recorded at write time and
        the one recomputed at verification come from rows read back through the same driver, so
        `repr` of the values as read (times and JSON made canonical) is deterministic — and
        several times cheaper than converting every value (the demo's 155,856 result rows)."""
        if not self.unstable:
            return repr(tuple(row))
        values = list(row)
        for i in self.unstable:
            values[i] = self.convert[i](values[i])
        return repr(values)


def chunk_digest(key: bytes, table: Table, lines: Sequence[str]) -> str:
    """Keyed digest of consecutive rows' canonical lines."""
    return keyed_digest(key, f"rows/{table.name}", "\n".join(lines))


def group_image(conn: Connection, table: Table, where: Mapping[str, Any], key: bytes
                ) -> dict[str, Any]:
    """What a bulk entry records about the rows of `table` matching `where`, as stored now."""
    form = TableForm(table)
    cond = and_(*(table.c[name] == value for name, value in where.items()))
    keyed = []
    for row in conn.execute(select(table).where(cond).order_by(*primary_key(table))).all():
        keyed.append((form.key(row), form.line(row)))
    return {"where": {k: column_value(table.c[k], v) for k, v in where.items()},
            "count": len(keyed), "chunks": _chunks(key, table, keyed)}


def _chunks(key: bytes, table: Table, keyed: Sequence[tuple[tuple, str]]) -> list[list]:
    chunks = []
    for start in range(0, len(keyed), CHUNK_ROWS):
        part = keyed[start:start + CHUNK_ROWS]
        chunks.append([list(part[0][0]), list(part[-1][0]), len(part),
                       chunk_digest(key, table, [line for _k, line in part])])
    return chunks


def _as_read(column: Column, values: Sequence[Any] | np.ndarray) -> list:
    """`values` in the form the driver gives back for `column` (SQLite and PostgreSQL alike)."""
    kind = column.type
    if isinstance(kind, Float):
        array = np.asarray(values, dtype=np.float64) + 0.0  # -0.0 + 0.0 is 0.0: SQLite's zero
        out = array.tolist()
        for i in np.flatnonzero(np.isnan(array)):  # SQLite stores NaN as NULL
            out[i] = None
        return out
    if isinstance(kind, Integer | Boolean) and not isinstance(values, np.ndarray):
        values = np.asarray(values)  # ints (or bools) become one array; None makes it object
    if isinstance(values, np.ndarray):
        if isinstance(kind, Boolean) and values.dtype.kind == "b":
            return values.tolist()
        if isinstance(kind, Integer) and values.dtype.kind in "iu":
            return values.tolist()
        values = values.tolist()
    if isinstance(kind, String) and None not in (out := list(values)):
        return list(map(str, out))  # `str` of a str is itself, at C speed
    convert = converter(column)
    return [convert(v) for v in values]


class BulkRows:
    """Rows of `table` written by one executemany, held in the form they are read back.

    `columns` maps every column but the autoincrement primary key to one value per row (lists or
    arrays; text already `str` or None). `insert` writes them; `image` is what `group_image` would
    read back afterwards, computed from the same values with only the new keys read.
    """

    def __init__(self, table: Table, columns: Mapping[str, Sequence[Any] | np.ndarray]) -> None:
        self.table = table
        pk = primary_key(table)
        self.names = [c.name for c in table.columns if c not in pk]
        missing = set(self.names) ^ set(columns)
        if len(pk) != 1 or missing or not self.names:
            raise ValueError(f"{table.name}: bulk rows need one key column and the others "
                             f"(got {sorted(columns)})")
        self.key_index = [c.name for c in table.columns].index(pk[0].name)
        lists = [_as_read(table.c[name], columns[name]) for name in self.names]
        self.columns = dict(zip(self.names, lists, strict=True))
        self.rows: list[tuple] = list(zip(*lists, strict=True))

    def __len__(self) -> int:
        return len(self.rows)

    def insert(self, conn: Connection, chunk: int = 20_000) -> None:
        """Insert the rows: the table's INSERT compiled once for the connection's dialect, the
        values passed to the driver as they are (no per-row parameter processing)."""
        if not self.rows:
            return
        compiled = self.table.insert().compile(dialect=conn.dialect, column_keys=self.names)
        if compiled.positional:
            order = [self.names.index(name) for name in compiled.positiontup or ()]
            if order == list(range(len(self.names))):
                params: list = self.rows
            else:
                params = [tuple(row[i] for i in order) for row in self.rows]
        else:
            params = [dict(zip(self.names, row, strict=True)) for row in self.rows]
        for start in range(0, len(params), chunk):
            conn.exec_driver_sql(compiled.string, params[start:start + chunk])

    def image(self, conn: Connection, where: Mapping[str, Any], key: bytes) -> dict[str, Any]:
        """`group_image` of the group `where` once these rows are its only rows; when the group
        holds other rows too (or a row of ours is outside it), the group is read back instead."""
        table = self.table
        form = TableForm(table)
        ours = all(self.columns[name].count(column_value(table.c[name], value)) == len(self)
                   for name, value in where.items())
        if form.unstable or not ours or not self.rows:
            return group_image(conn, table, where, key)
        pk = primary_key(table)[0]
        cond = and_(*(table.c[name] == value for name, value in where.items()))
        low, high, count = conn.execute(
            select(func.min(pk), func.max(pk), func.count()).where(cond)).one()
        if count != len(self.rows):
            return group_image(conn, table, where, key)
        if high - low + 1 == count:  # one unbroken run of keys: no need to read them
            ids: Sequence[int] = range(low, high + 1)
        else:
            ids = conn.execute(select(pk).where(cond).order_by(pk)).scalars().all()
        # Keys are handed out in insertion order (SQLite rowid, PostgreSQL sequence), so the
        # i-th key of the group is the i-th row written; its line is `repr` of the row's tuple
        # with the key in its place, as `TableForm.line` makes it from the row read back.
        at = self.key_index
        if at == 0:  # "(key, " + the rest of the row's own repr (rows have ≥ 1 other column)
            keyed = [((i,), f"({i!r}, {repr(row)[1:]}")
                     for i, row in zip(ids, self.rows, strict=True)]
        else:
            keyed = [((i,), repr((*row[:at], i, *row[at:])))
                     for i, row in zip(ids, self.rows, strict=True)]
        return {"where": {k: column_value(table.c[k], v) for k, v in where.items()},
                "count": len(keyed), "chunks": _chunks(key, table, keyed)}

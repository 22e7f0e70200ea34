"""Digests of rows written in bulk (Core executemany) and recorded by one `audit.record` entry.

Per-row images of ~10^5 inventory result rows would multiply the demo build's audit writes, so a
bulk entry records, for the group of rows it wrote (``where``, e.g. ``{"run_id": 7}``), their count
and a keyed digest per run of at most `CHUNK_ROWS` rows in primary-key order, with that run's
first and last key. Verification recomputes the digests from the table: a changed, inserted or
deleted row is reported with the key range that holds it (issue #8, finding 10).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Connection, Date, DateTime, Table, and_, select

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
    chunks = []
    for start in range(0, len(keyed), CHUNK_ROWS):
        part = keyed[start:start + CHUNK_ROWS]
        chunks.append([list(part[0][0]), list(part[-1][0]), len(part),
                       chunk_digest(key, table, [line for _k, line in part])])
    return {"where": {k: column_value(table.c[k], v) for k, v in where.items()},
            "count": len(keyed), "chunks": chunks}

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

from sqlalchemy import Column, Connection, Row, Table, and_, select

from tanzhi.kernel.audit.images import canonical, column_value, keyed_digest

CHUNK_ROWS = 1000
ROWS_FIELD = "_rows"  # where a bulk entry's image keeps its group digest


def primary_key(table: Table) -> list[Column]:
    """The table's primary-key columns, in key order."""
    return list(table.primary_key.columns)


def row_key(table: Table, row: Row) -> tuple:
    """A row's primary key, canonical values, as a tuple (sortable, comparable to the record)."""
    return tuple(column_value(c, row._mapping[c.name]) for c in primary_key(table))


def row_line(table: Table, row: Row) -> str:
    """One row's canonical text: every column's canonical value, in column order."""
    return canonical([column_value(c, row._mapping[c.name]) for c in table.columns])


def chunk_digest(key: bytes, table: Table, lines: Sequence[str]) -> str:
    """Keyed digest of consecutive rows' canonical lines."""
    return keyed_digest(key, f"rows/{table.name}", "\n".join(lines))


def group_image(conn: Connection, table: Table, where: Mapping[str, Any], key: bytes
                ) -> dict[str, Any]:
    """What a bulk entry records about the rows of `table` matching `where`, as stored now."""
    cond = and_(*(table.c[name] == value for name, value in where.items()))
    rows = conn.execute(select(table).where(cond).order_by(*primary_key(table))).all()
    keyed = [(row_key(table, r), row_line(table, r)) for r in rows]
    chunks = []
    for start in range(0, len(keyed), CHUNK_ROWS):
        part = keyed[start:start + CHUNK_ROWS]
        chunks.append([list(part[0][0]), list(part[-1][0]), len(part),
                       chunk_digest(key, table, [line for _k, line in part])])
    return {"where": {k: column_value(table.c[k], v) for k, v in where.items()},
            "count": len(keyed), "chunks": chunks}

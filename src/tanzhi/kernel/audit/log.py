"""Reading the audit log: entries filtered by table, actor and date range, a page at a time.

The viewer (`tanzhi.web`, issue #11 item 9) and its CSV export ask here; verification lives in
`chain`. Entry times are stored as ISO 8601 UTC strings written by one clock format
(`utcnow().isoformat()`), so a date range is a string range: ``at >= "2026-12-01"`` and
``at < "2026-12-04"`` hold exactly the entries of 1–3 December (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from tanzhi.kernel.audit.chain import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show: a table, an actor, a date range (inclusive, UTC days)."""

    table: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None

    def apply(self, query: Select) -> Select:
        """`query` restricted to the entries this filter admits."""
        if self.table:
            query = query.where(AuditEntry.entity == self.table)
        if self.actor:
            query = query.where(AuditEntry.actor == self.actor)
        if self.since is not None:
            query = query.where(AuditEntry.at >= self.since.isoformat())
        if self.until is not None:
            query = query.where(AuditEntry.at < (self.until + timedelta(days=1)).isoformat())
        return query


@dataclass(frozen=True)
class AuditLine:
    """One entry as the viewer shows it (the hash columns stay in the chain)."""

    seq: int
    at: str
    actor: str
    action: str
    table: str
    key: str
    before_json: str
    after_json: str
    reason: str


_COLUMNS = (AuditEntry.seq, AuditEntry.at, AuditEntry.actor, AuditEntry.action,
            AuditEntry.entity, AuditEntry.entity_key, AuditEntry.before_json,
            AuditEntry.after_json, AuditEntry.reason)


def count_entries(session: Session, where: AuditFilter) -> int:
    """How many entries `where` admits."""
    return int(session.scalar(where.apply(select(func.count()).select_from(AuditEntry))) or 0)


def list_entries(session: Session, where: AuditFilter, *, offset: int = 0,
                 limit: int | None = 50) -> list[AuditLine]:
    """The entries `where` admits, newest first; `limit` None: all of them (the export)."""
    query = where.apply(select(*_COLUMNS)).order_by(AuditEntry.seq.desc()).offset(max(0, offset))
    if limit is not None:
        query = query.limit(limit)
    return [AuditLine(*row) for row in session.execute(query)]


def audit_tables(session: Session) -> list[str]:
    """The tables the log has entries for, sorted (the viewer's table choices)."""
    return list(session.scalars(select(distinct(AuditEntry.entity)).order_by(AuditEntry.entity)))


def audit_actors(session: Session) -> list[str]:
    """The actors the log names, sorted (the viewer's user choices)."""
    return list(session.scalars(select(distinct(AuditEntry.actor)).order_by(AuditEntry.actor)))

"""Append-only, hash-chained audit log written automatically for every ORM change."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Integer, String, Text, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from tanzhi.kernel.db import Base, utcnow

GENESIS = "0" * 64
REDACTED = "<redacted>"


class AuditEntry(Base):
    """One recorded change: who, when, what, before and after (canonical JSON)."""

    __tablename__ = "kernel_audit_entry"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(80), index=True)
    entity_key: Mapped[str] = mapped_column(String(200))
    before_json: Mapped[str] = mapped_column(Text)
    after_json: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's newest sequence number and hash, so deleting the tail is detected too."""

    __tablename__ = "kernel_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))


_AUDIT_TABLES = {AuditEntry.__tablename__, AuditHead.__tablename__}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def canonical(obj: Any) -> str:
    """Deterministic JSON text used both for storage and hashing."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over the canonical form of an entry's fields (including prev_hash)."""
    keys = ("seq", "at", "actor", "action", "entity", "entity_key", "before_json",
            "after_json", "reason", "prev_hash")
    return hashlib.sha256(canonical({k: fields[k] for k in keys}).encode()).hexdigest()


def _row_state(obj: Any, *, which: str) -> dict[str, Any]:
    """Column values of an ORM object, either as now (`after`) or as loaded (`before`)."""
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if column.info.get("audit") == "redact":
            out[attr.key] = REDACTED
            continue
        if which == "after":
            value = getattr(obj, attr.key, None)
        else:
            hist = state.attrs[attr.key].history
            value = hist.deleted[0] if hist.deleted else (
                hist.unchanged[0] if hist.unchanged else getattr(obj, attr.key, None)
            )
        out[attr.key] = _jsonable(value)
    return out


def _key(obj: Any) -> str:
    ident = inspect(obj).identity or tuple(
        getattr(obj, c.key) for c in inspect(obj).mapper.primary_key
    )
    return "/".join(str(v) for v in ident)


def _changes(session: Session) -> list[tuple[str, Any, dict[str, Any], dict[str, Any]]]:
    changes = []
    for obj in session.new:
        changes.append(("insert", obj, {}, _row_state(obj, which="after")))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            before, after = _row_state(obj, which="before"), _row_state(obj, which="after")
            if before != after:
                changes.append(("update", obj, before, after))
    for obj in session.deleted:
        changes.append(("delete", obj, _row_state(obj, which="before"), {}))
    return [c for c in changes if c[1].__tablename__ not in _AUDIT_TABLES]


def record(
    session: Session, *, action: str, entity: str, entity_key: str,
    before: dict[str, Any], after: dict[str, Any],
) -> None:
    """Append entries for changes made outside the ORM (bulk imports); same transaction."""
    _append(session, [(action, entity, entity_key, before, after)])


def _append(session: Session, items: list[tuple[str, str, str, dict, dict]]) -> None:
    if not items:
        return
    conn = session.connection()
    head_q = select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)
    if conn.dialect.name == "postgresql":
        head_q = head_q.with_for_update()
    head = conn.execute(head_q).first()
    seq, prev = (head.seq, head.entry_hash) if head else (0, GENESIS)
    actor = str(session.info.get("actor") or "system")
    reason = str(session.info.get("reason") or "")
    rows = []
    for action, entity, key, before, after in items:
        seq += 1
        fields = {
            "seq": seq, "at": utcnow().isoformat(), "actor": actor, "action": action,
            "entity": entity, "entity_key": key, "before_json": canonical(before),
            "after_json": canonical(after), "reason": reason, "prev_hash": prev,
        }
        fields["entry_hash"] = prev = entry_hash(fields)
        rows.append(fields)
    conn.execute(insert(AuditEntry), rows)
    if head:
        conn.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, entry_hash=prev))
    else:
        conn.execute(insert(AuditHead).values(id=1, seq=seq, entry_hash=prev))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Session factory whose sessions write an audit entry for every flushed change."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    event.listen(factory, "after_flush", _audit_after_flush)
    return factory


def _audit_after_flush(session: Session, _ctx: Any) -> None:
    # after_flush still sees new/dirty/deleted and their attribute history, and new rows
    # already have their primary keys, so each entry can name the row it changed.
    items = [
        (action, obj.__tablename__, _key(obj), before, after)
        for action, obj, before, after in _changes(session)
    ]
    _append(session, items)


@dataclass(frozen=True)
class ChainFinding:
    """A break in the audit chain."""

    seq: int | None
    problem_zh: str
    problem_en: str

    def __str__(self) -> str:
        where = f"#{self.seq}: " if self.seq is not None else ""
        return f"{where}{self.problem_zh} / {self.problem_en}"


def verify_chain(session: Session) -> list[ChainFinding]:
    """Recompute the chain; report edited, inserted, reordered or deleted entries."""
    findings: list[ChainFinding] = []
    expected_seq, prev = 1, GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        fields = {c.key: getattr(entry, c.key) for c in inspect(AuditEntry).column_attrs}
        if entry.seq != expected_seq:
            findings.append(ChainFinding(
                entry.seq, f"缺少第 {expected_seq}–{entry.seq - 1} 条记录（已被删除）",
                f"entries {expected_seq}–{entry.seq - 1} are missing (deleted)"))
        if entry.prev_hash != prev:
            findings.append(ChainFinding(
                entry.seq, "前一条哈希不符（链被截断或重排）",
                "previous-hash link does not match (chain cut or reordered)"))
        if entry_hash(fields) != entry.entry_hash:
            findings.append(ChainFinding(
                entry.seq, "记录内容与其哈希不符（记录被修改）",
                "entry content does not match its hash (entry was edited)"))
        prev, expected_seq = entry.entry_hash, entry.seq + 1
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.entry_hash != prev):
        findings.append(ChainFinding(
            head.seq, f"链尾应为第 {head.seq} 条，实际为第 {last_seq} 条（末尾记录被删除或改动）",
            f"chain head says entry {head.seq}, found {last_seq} (tail deleted or altered)"))
    if head is None and last_seq > 0:
        findings.append(ChainFinding(None, "缺少链头记录", "chain head record is missing"))
    return findings

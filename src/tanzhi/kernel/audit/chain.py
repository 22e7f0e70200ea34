"""Append-only, keyed hash chain written automatically for every ORM change.

Each entry's hash is an HMAC-SHA256 under the installation's audit key, which lives outside the
database (`tanzhi.kernel.keys.audit_key`): whoever can only write the database cannot recompute
the chain after editing it (issue #8, finding 10). Images of secret columns are keyed digests,
bulk writes record keyed digests of the rows they wrote (`bulk`), so `rows.verify_rows` can compare
every audited table with its last recorded image.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    Text,
    event,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column, sessionmaker
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

from tanzhi.kernel.audit.bulk import ROWS_FIELD, BulkRows, group_image
from tanzhi.kernel.audit.images import canonical, keyed_digest, row_image
from tanzhi.kernel.db import Base, engine_settings, utcnow
from tanzhi.kernel.errors import ConsistencyError
from tanzhi.kernel.keys import audit_key

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "at", "actor", "action", "entity", "entity_key", "before_json",
                 "after_json", "reason", "prev_hash")


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


# Tables the audit itself writes (never logged as changes, never compared with images).
AUDIT_TABLES = {AuditEntry.__tablename__, AuditHead.__tablename__, "kernel_audit_checkpoint"}


def is_audited(table: Table) -> bool:
    """Whether changes to `table` are logged and compared: every table but the audit's own and
    those declaring ``info={"audit": False}`` (state the app rewrites constantly, e.g. sessions)."""
    return table.name not in AUDIT_TABLES and table.info.get("audit", True) is not False


def entry_hash(fields: Mapping[str, Any], key: bytes) -> str:
    """HMAC-SHA256, under the audit key, of an entry's canonical fields (including prev_hash)."""
    return keyed_digest(key, "entry", canonical({k: fields[k] for k in HASHED_FIELDS}))


def unkeyed_hash(fields: Mapping[str, Any]) -> str:
    """The plain SHA-256 the chain used before it was keyed; verification names a chain
    recomputed this way (a rewrite by someone without the key)."""
    return hashlib.sha256(canonical({k: fields[k] for k in HASHED_FIELDS}).encode()).hexdigest()


def bind_audit_key(bind: Engine | Connection, *, create: bool = True) -> bytes | None:
    """The audit key of the installation whose engine `bind` is (None: not there, not created)."""
    return audit_key(engine_settings(bind), create=create)


def _writing_key(bind: Engine | Connection) -> bytes:
    key = bind_audit_key(bind)
    if key is None:  # audit_key creates the key when asked to; kept for the type
        raise ConsistencyError("审计密钥不可用 / the audit key is unavailable")
    return key


def mapped_columns(mapper: Mapper) -> dict[str, Column]:
    """Attribute name → column of a mapped class (the names the images use)."""
    return {attr.key: attr.columns[0] for attr in mapper.column_attrs}


# `session.info` key: per flushed object, the stored values of columns the object was changed
# in without their old value having been loaded (`_load_unloaded_priors`).
_PRIORS = "tanzhi.audit.priors"


def _unloaded_changes(state: Any) -> list[str]:
    """Columns set on a persistent object whose previous value was never loaded: SQLAlchemy's
    history then has no `deleted` value, and the before-image must read the stored one."""
    return [name for name in mapped_columns(state.mapper)
            if name in state.committed_state
            and id(state.committed_state[name]) in _NOT_LOADED]


_NOT_LOADED = {id(NO_VALUE), id(NEVER_SET)}


def _load_unloaded_priors(session: Session, _ctx: Any, _instances: Any) -> None:
    """Before a flush, read from the database the previous values the images would miss.

    A column left unset at insert (a nullable `approved_by`, say) is not loaded afterwards;
    setting it later in the same session leaves no old value in the history, so the before-image
    took the new value, saw no change, and wrote no entry — `audit verify` then reported the row
    as changed outside the app (issue #12, the enterprise approval). Only such columns are read,
    one query per object, before the flush overwrites them.
    """
    priors: dict[int, dict[str, Any]] = {}
    for obj in session.dirty:
        state = inspect(obj)
        if state.key is None or not is_audited(state.mapper.local_table):
            continue
        names = _unloaded_changes(state)
        if not names:
            continue
        columns = mapped_columns(state.mapper)
        where = [c == v for c, v in zip(state.mapper.primary_key, state.key[1], strict=True)]
        row = session.connection().execute(
            select(*(columns[n] for n in names)).where(*where)).one_or_none()
        priors[id(obj)] = dict(zip(names, row, strict=True)) if row is not None else \
            dict.fromkeys(names)
    session.info[_PRIORS] = priors


def _row_state(obj: Any, *, which: str, key: bytes) -> dict[str, Any]:
    """Image of an ORM object, either as now (`after`) or as loaded (`before`)."""
    state = inspect(obj)
    columns = mapped_columns(state.mapper)
    priors = state.session.info.get(_PRIORS, {}).get(id(obj), {}) if state.session else {}
    values: dict[str, Any] = {}
    for name in columns:
        if which == "after":
            values[name] = getattr(obj, name, None)
        elif name in priors:
            values[name] = priors[name]
        else:
            hist = state.attrs[name].history
            values[name] = hist.deleted[0] if hist.deleted else (
                hist.unchanged[0] if hist.unchanged else getattr(obj, name, None))
    return row_image(columns, values, key)


def _key(obj: Any) -> str:
    ident = inspect(obj).identity or tuple(
        getattr(obj, c.key) for c in inspect(obj).mapper.primary_key
    )
    return "/".join(str(v) for v in ident)


def _changes(session: Session, key: bytes) -> list[tuple[str, Any, dict, dict]]:
    changes = []
    for obj in session.new:
        changes.append(("insert", obj, {}, _row_state(obj, which="after", key=key)))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            before = _row_state(obj, which="before", key=key)
            after = _row_state(obj, which="after", key=key)
            if before != after:
                changes.append(("update", obj, before, after))
    for obj in session.deleted:
        changes.append(("delete", obj, _row_state(obj, which="before", key=key), {}))
    return [c for c in changes if is_audited(inspect(c[1]).mapper.local_table)]


def record(
    session: Session, *, action: str, entity: str, entity_key: str,
    before: dict[str, Any], after: dict[str, Any], rows: Mapping[str, Any] | None = None,
    written: BulkRows | None = None,
) -> None:
    """Append an entry for a change made outside the ORM (bulk imports); same transaction.

    `rows` names the group of rows of table `entity` the change wrote (column → value, e.g.
    ``{"run_id": 7}``); the entry then also records their keyed digests (`bulk.group_image`),
    which is what lets verification find a bulk row edited later. A delete needs no `rows`: a
    deleted group is expected to have no rows left. `written`, the `BulkRows` that wrote the
    group, gives the same digests from the values written instead of reading the rows back.
    """
    conn = session.connection()
    key = _writing_key(conn)
    if rows is not None:
        table = Base.metadata.tables[entity]
        if written is not None and written.table is table:
            image = written.image(conn, rows, key)
        else:
            image = group_image(conn, table, rows, key)
        after = {**after, ROWS_FIELD: image}
    _append(session, [(action, entity, entity_key, before, after)], key)


# `session.info` key: the set of tables the open transaction has written audit entries for.
AUDITED_ENTITIES = "tanzhi.audited_entities"


def _append(session: Session, items: list[tuple[str, str, str, dict, dict]], key: bytes) -> None:
    if not items:
        return
    conn = session.connection()
    head_q = select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)
    if conn.dialect.name == "postgresql":
        # An empty chain has no head row to lock, so two first writers would both chain from
        # GENESIS and one would fail on the duplicate seq. Insert the empty head first: the
        # second writer's ON CONFLICT waits for the first to commit, then its FOR UPDATE reads
        # the committed head (READ COMMITTED takes a new snapshot per statement).
        conn.execute(pg_insert(AuditHead).values(id=1, seq=0, entry_hash=GENESIS)
                     .on_conflict_do_nothing(index_elements=["id"]))
        head_q = head_q.with_for_update()
    head = conn.execute(head_q).first()
    seq, prev = (head.seq, head.entry_hash) if head else (0, GENESIS)
    actor = str(session.info.get("actor") or "system")
    reason = str(session.info.get("reason") or "")
    rows = []
    for action, entity, entity_key, before, after in items:
        seq += 1
        fields = {
            "seq": seq, "at": utcnow().isoformat(), "actor": actor, "action": action,
            "entity": entity, "entity_key": entity_key, "before_json": canonical(before),
            "after_json": canonical(after), "reason": reason, "prev_hash": prev,
        }
        fields["entry_hash"] = prev = entry_hash(fields, key)
        rows.append(fields)
    conn.execute(insert(AuditEntry), rows)
    # Which tables this transaction changed, for after-commit hooks (`tanzhi.web.precompute`).
    session.info.setdefault(AUDITED_ENTITIES, set()).update(r["entity"] for r in rows)
    if head:
        conn.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, entry_hash=prev))
    else:
        conn.execute(insert(AuditHead).values(id=1, seq=seq, entry_hash=prev))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Session factory whose sessions write an audit entry for every flushed change."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    event.listen(factory, "before_flush", _load_unloaded_priors)
    event.listen(factory, "after_flush", _audit_after_flush)
    return factory


def _audit_after_flush(session: Session, _ctx: Any) -> None:
    # after_flush still sees new/dirty/deleted and their attribute history, and new rows
    # already have their primary keys, so each entry can name the row it changed.
    if not (session.new or session.dirty or session.deleted):
        return
    key = _writing_key(session.connection())
    items = [
        (action, inspect(obj).mapper.local_table.name, _key(obj), before, after)
        for action, obj, before, after in _changes(session, key)
    ]
    _append(session, items, key)


@dataclass(frozen=True)
class AuditFinding:
    """Something verification found: a break in the chain, a row changed behind the app's back,
    a checkpoint that does not hold. `table`/`key` name the row, `seq` the entry."""

    seq: int | None
    problem_zh: str
    problem_en: str
    table: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        if self.table is not None:
            where = f"{self.table}[{self.key}]: " if self.key is not None else f"{self.table}: "
        else:
            where = f"#{self.seq}: " if self.seq is not None else ""
        return f"{where}{self.problem_zh} / {self.problem_en}"


def verify_chain(session: Session) -> list[AuditFinding]:
    """Recompute the keyed chain; report edited, inserted, reordered or deleted entries."""
    findings: list[AuditFinding] = []
    key = bind_audit_key(session.connection(), create=False)
    expected_seq, prev = 1, GENESIS
    unkeyed = 0
    columns = [getattr(AuditEntry, c) for c in (*HASHED_FIELDS, "entry_hash")]
    for entry in session.execute(select(*columns).order_by(AuditEntry.seq)):
        if key is None:
            return [AuditFinding(None, "找不到审计密钥，无法校验审计链（应在数据目录 keys/ 下或由 "
                                 "TANZHI_AUDIT_KEY 给出）",
                                 "audit key not found, the chain cannot be verified (expected in "
                                 "the data directory's keys/ or TANZHI_AUDIT_KEY)")]
        fields = entry._mapping
        if entry.seq != expected_seq:
            findings.append(AuditFinding(
                entry.seq, f"缺少第 {expected_seq}–{entry.seq - 1} 条记录（已被删除）",
                f"entries {expected_seq}–{entry.seq - 1} are missing (deleted)"))
        if entry.prev_hash != prev:
            findings.append(AuditFinding(
                entry.seq, "前一条哈希不符（链被截断或重排）",
                "previous-hash link does not match (chain cut or reordered)"))
        if entry_hash(fields, key) != entry.entry_hash:
            if unkeyed_hash(fields) == entry.entry_hash:
                unkeyed += 1
                findings.append(AuditFinding(
                    entry.seq, "记录哈希是未加密钥的 SHA-256（链被不持有密钥者重算）",
                    "entry hash is a plain SHA-256, not the keyed HMAC (chain recomputed "
                    "without the key)"))
            else:
                findings.append(AuditFinding(
                    entry.seq, "记录内容与其密钥哈希不符（记录被修改，或链由其他密钥重算）",
                    "entry content does not match its keyed hash (entry was edited, or the "
                    "chain was recomputed under another key)"))
        prev, expected_seq = entry.entry_hash, entry.seq + 1
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.entry_hash != prev):
        findings.append(AuditFinding(
            head.seq, f"链尾应为第 {head.seq} 条，实际为第 {last_seq} 条（末尾记录被删除或改动）",
            f"chain head says entry {head.seq}, found {last_seq} (tail deleted or altered)"))
    if head is None and last_seq > 0:
        findings.append(AuditFinding(None, "缺少链头记录", "chain head record is missing"))
    return findings


def content_version(session: Session, *, ignore: Iterable[str] = ()) -> tuple[int, str]:
    """(seq, entry_hash) of the newest audit entry on an entity outside `ignore`: a stamp of the
    content of every audited table, as seen by `session`'s transaction.

    Every write through the app appends to the chain (ORM flushes and `record` for bulk
    writes), and a write made outside the app is what `verify_rows` reports, so two reads with
    the same stamp see the same audited rows.  `ignore` names tables whose writes the caller's
    derived figures never read (login attempts, sessions); ``(0, GENESIS)`` for an empty chain.
    Uses the primary key backwards, stopping at the first entry that counts.
    """
    skip = sorted(set(ignore))
    query = select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    if skip:
        query = query.where(AuditEntry.entity.not_in(skip))
    row = session.execute(query).first()
    return (int(row.seq), str(row.entry_hash)) if row else (0, GENESIS)

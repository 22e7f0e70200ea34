"""Compare every audited table with the images its audit entries last recorded.

An edit made in the database behind the app's back leaves the chain intact but the row different
from its last recorded after-image (issue #8, finding 10: a changed ``plan_actual.value`` or
``access_user.role`` passed ``audit verify``). The expected state is rebuilt from the chain — the
latest entry per entity and key wins, a delete removes it, a bulk entry stands for its group of
rows (`bulk`) — and compared with each table row by row.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Mapper, Session

from tanzhi.kernel.audit.bulk import ROWS_FIELD, TableForm, chunk_digest, primary_key
from tanzhi.kernel.audit.chain import (
    AuditEntry,
    AuditFinding,
    bind_audit_key,
    is_audited,
    mapped_columns,
)
from tanzhi.kernel.audit.images import REDACT, canonical, redacted
from tanzhi.kernel.db import Base

SHOWN_COLUMNS = 6  # changed columns named per finding


@dataclass
class _Group:
    """A bulk-recorded group of rows and the rows found for it now."""

    entity_key: str
    seq: int
    image: dict[str, Any]
    found: list[tuple[tuple, str]] = field(default_factory=list)


@dataclass
class _Expected:
    """The state of one table the chain says it should have."""

    rows: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # key → (seq, image)
    groups: dict[str, _Group] = field(default_factory=dict)  # entity_key → group


def expected_state(session: Session) -> dict[str, _Expected]:
    """Table name → the rows and bulk groups its latest audit entries describe."""
    state: dict[str, _Expected] = {}
    query = select(AuditEntry.seq, AuditEntry.action, AuditEntry.entity, AuditEntry.entity_key,
                   AuditEntry.after_json).order_by(AuditEntry.seq)
    for seq, action, entity, key, after_json in session.execute(query):
        table = state.setdefault(entity, _Expected())
        if action == "delete":
            table.rows.pop(key, None)
            table.groups.pop(key, None)
            continue
        after = json.loads(after_json)
        if ROWS_FIELD in after:
            table.groups[key] = _Group(key, seq, after[ROWS_FIELD])
        else:
            table.rows[key] = (seq, after)
    return state


def _mappers() -> dict[str, Mapper]:
    return {m.local_table.name: m for m in Base.registry.mappers
            if isinstance(m.local_table, Table)}


def verify_rows(session: Session, tables: Iterable[Table] | None = None) -> list[AuditFinding]:
    """Rows changed, inserted or deleted outside the app, per audited table (all of Base's tables
    unless `tables` is given: the caller imports the domains whose tables should be checked)."""
    key = bind_audit_key(session.connection(), create=False)
    if key is None:
        return []  # verify_chain reports the missing key
    expected = expected_state(session)
    mappers = _mappers()
    findings: list[AuditFinding] = []
    for table in sorted(tables or Base.metadata.tables.values(), key=lambda t: t.name):
        if is_audited(table):
            findings += _verify_table(session, table, mappers.get(table.name),
                                      expected.get(table.name, _Expected()), key)
    return findings


def _verify_table(session: Session, table: Table, mapper: Mapper | None, want: _Expected,
                  key: bytes) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    form = TableForm(table)
    attr_of = ({column.name: attr for attr, column in mapped_columns(mapper).items()}
               if mapper is not None else {})
    names = [attr_of.get(c.name, c.name) for c in form.columns]
    secret = [c.info.get("audit") == REDACT for c in form.columns]
    groups = _group_index(want)
    seen: set[str] = set()
    for row in session.execute(select(table).order_by(*primary_key(table))).all():
        row_id = "/".join(str(row[i]) for i in form.pk_index)
        recorded = want.rows.get(row_id)
        if recorded is not None:
            seen.add(row_id)
            seq, image = recorded
            values = form.values(row)
            changed = [name for name, value, hidden in zip(names, values, secret, strict=True)
                       if (redacted(key, value) if hidden else value) != image.get(name)]
            if changed:
                findings.append(_changed(table, row_id, seq, sorted(changed)))
            continue
        group = _group_of(form, row, groups)
        if group is not None:
            group.found.append((form.key(row), form.line(row)))
            continue
        findings.append(AuditFinding(
            None, "该行不在审计记录中（在应用之外插入）",
            "row has no audit record (inserted outside the app)", table.name, row_id))
    for row_id in sorted(set(want.rows) - seen):
        findings.append(AuditFinding(
            want.rows[row_id][0], "审计记录中的行已不存在（在应用之外删除）",
            "row recorded by the audit is gone (deleted outside the app)", table.name, row_id))
    for group in want.groups.values():
        findings += _verify_group(table, group, key)
    return findings


def _changed(table: Table, row_id: str, seq: int, changed: list[str]) -> AuditFinding:
    shown = ", ".join(changed[:SHOWN_COLUMNS]) + (" …" if len(changed) > SHOWN_COLUMNS else "")
    return AuditFinding(
        seq, f"列 {shown} 与第 {seq} 条审计记录的结果不符（在应用之外修改）",
        f"column(s) {shown} differ from the image recorded by entry {seq} (changed outside "
        "the app)", table.name, row_id)


def _group_index(want: _Expected) -> dict[tuple[str, ...], dict[tuple, _Group]]:
    """Bulk groups by the columns naming them, then by those columns' canonical values."""
    index: dict[tuple[str, ...], dict[tuple, _Group]] = {}
    for group in want.groups.values():
        cols = tuple(sorted(group.image["where"]))
        index.setdefault(cols, {})[tuple(group.image["where"][c] for c in cols)] = group
    return index


def _group_of(form: TableForm, row: Any, index: dict[tuple[str, ...], dict[tuple, _Group]]
              ) -> _Group | None:
    for cols, groups in index.items():
        found = groups.get(form.picked(row, cols))
        if found is not None:
            return found
    return None


def _verify_group(table: Table, group: _Group, key: bytes) -> list[AuditFinding]:
    image = group.image
    chunks = image["chunks"]
    firsts = [tuple(c[0]) for c in chunks]
    lasts = [tuple(c[1]) for c in chunks]
    parts: list[list[str]] = [[] for _ in chunks]
    stray = 0
    for row_id, line in group.found:
        i = bisect.bisect_right(firsts, row_id) - 1
        if i >= 0 and row_id <= lasts[i]:
            parts[i].append(line)
        else:
            stray += 1
    findings = []
    where = f"{group.entity_key} ({canonical(image['where'])})"
    for (first, last, count, digest), lines in zip(chunks, parts, strict=True):
        if len(lines) != count or chunk_digest(key, table, lines) != digest:
            span = f"{'/'.join(map(str, first))}–{'/'.join(map(str, last))}"
            findings.append(AuditFinding(
                group.seq, f"批量写入的行（主键 {span}）与第 {group.seq} 条审计记录不符：记录 "
                f"{count} 行，现有 {len(lines)} 行（在应用之外修改、插入或删除）",
                f"bulk rows with keys {span} differ from audit entry {group.seq}: {count} "
                f"recorded, {len(lines)} found (changed, inserted or deleted outside the app)",
                table.name, where))
    if stray:
        findings.append(AuditFinding(
            group.seq, f"该批次有 {stray} 行不在审计记录的主键范围内（在应用之外插入）",
            f"{stray} row(s) of this batch lie outside the recorded key ranges (inserted "
            "outside the app)", table.name, where))
    return findings

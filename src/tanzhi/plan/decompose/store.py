"""Decomposition round queries: store, list and adopt what-if rounds (tables in `plan.store`).

A round (分解方案轮次) is immutable once saved: its inputs snapshot, weights and result rows
are kept as they were computed. The only later change is the adopted flag; adopting one round
un-adopts every other round of the same plan, indicator and parent region.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanzhi.plan.store import RoundRow


def add_round(session: Session, row: RoundRow) -> RoundRow:
    """Store a new round (with its target rows) and flush to get its id."""
    session.add(row)
    session.flush()
    return row


def get_round_row(session: Session, round_id: int) -> RoundRow | None:
    """The round with this id, or None."""
    return session.get(RoundRow, round_id)


def list_round_rows(session: Session, *, plan_id: str | None = None,
                    indicator_id: str | None = None, region_codes: list[str] | None = None
                    ) -> list[RoundRow]:
    """Rounds, newest first, filtered by plan, indicator and parent regions."""
    query = select(RoundRow)
    if plan_id is not None:
        query = query.where(RoundRow.plan_id == plan_id)
    if indicator_id is not None:
        query = query.where(RoundRow.indicator_id == indicator_id)
    if region_codes is not None:
        query = query.where(RoundRow.region_code.in_(region_codes))
    return list(session.scalars(query.order_by(RoundRow.id.desc())))


def set_adopted(session: Session, row: RoundRow, *, actor: str, at: datetime) -> list[int]:
    """Adopt `row` and un-adopt the other rounds of its plan, indicator and parent; their ids."""
    others = session.scalars(select(RoundRow).where(
        RoundRow.plan_id == row.plan_id, RoundRow.indicator_id == row.indicator_id,
        RoundRow.region_code == row.region_code, RoundRow.adopted.is_(True),
        RoundRow.id != row.id))
    dropped = []
    for other in others:
        other.adopted = False
        dropped.append(other.id)
    row.adopted, row.adopted_by, row.adopted_at = True, actor, at
    session.flush()
    return dropped

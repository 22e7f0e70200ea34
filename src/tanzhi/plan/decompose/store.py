"""Decomposition tables (plan_alloc_*): versioned what-if rounds and their child targets.

A round (分解方案轮次) is immutable once saved: its inputs snapshot, weights and result rows
are kept as they were computed. The only later change is the adopted flag; adopting one round
un-adopts every other round of the same plan, indicator and parent region.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tanzhi.kernel.db import Base, Timestamped


class RoundRow(Timestamped, Base):
    """One what-if allocation round of a plan indicator from a parent region to its children."""

    __tablename__ = "plan_alloc_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    plan_edition: Mapped[str] = mapped_column(String(40))
    indicator_id: Mapped[str] = mapped_column(String(64), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # the parent region
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # intensity | total | share
    quantity: Mapped[str] = mapped_column(String(16))  # co2 | energy
    unit: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(16))
    parent_target: Mapped[float] = mapped_column(Float)
    parent_target_source: Mapped[str] = mapped_column(Text, default="")
    base_year: Mapped[int] = mapped_column(Integer)
    target_year: Mapped[int] = mapped_column(Integer)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    aggregate: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80))
    adopted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    adopted_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    targets: Mapped[list[TargetRow]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="TargetRow.region_code")


class TargetRow(Base):
    """One child's target in a round."""

    __tablename__ = "plan_alloc_target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("plan_alloc_round.id", ondelete="CASCADE"),
                                          index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    base_value: Mapped[float] = mapped_column(Float)  # base intensity, quantity or share
    target: Mapped[float] = mapped_column(Float)  # in the indicator's unit
    profile: Mapped[float] = mapped_column(Float)
    bound: Mapped[str] = mapped_column(String(8), default="")

    round: Mapped[RoundRow] = relationship(back_populates="targets")


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


def adopted_rows(session: Session, *, plan_id: str | None = None,
                 child_code: str | None = None, indicator_id: str | None = None
                 ) -> list[tuple[RoundRow, TargetRow]]:
    """(round, target) pairs of adopted rounds, optionally for one plan, child or indicator."""
    query = select(RoundRow, TargetRow).join(TargetRow).where(RoundRow.adopted.is_(True))
    if plan_id is not None:
        query = query.where(RoundRow.plan_id == plan_id)
    if child_code is not None:
        query = query.where(TargetRow.region_code == child_code)
    if indicator_id is not None:
        query = query.where(RoundRow.indicator_id == indicator_id)
    return [(r, t) for r, t in session.execute(query.order_by(RoundRow.id, TargetRow.region_code))]


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

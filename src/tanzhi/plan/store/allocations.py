"""Decomposition rounds and their child targets (plan_alloc_*), and the adopted targets.

The tables live at the store floor (issue #10 item 1: "adopted decompositions are written where
status reads them"): `tanzhi.plan.decompose` writes and adopts rounds, and plan status reads the
adopted child targets (`adopted_rows`) without importing the decomposition package.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tanzhi.kernel import Base, Timestamped


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

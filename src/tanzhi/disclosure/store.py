"""Disclosure tables (disclosure_*): one row per publication; withdrawing keeps the row.

Rows are written through the ORM, so the kernel's audit chain records who published or withdrew
what and when (insert and update entries of `disclosure_publication`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel import Base, utcnow


class PublicationRow(Base):
    """A publication of an inventory run's region, a plan's status table or a report."""

    __tablename__ = "disclosure_publication"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(300))
    as_of: Mapped[date] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # What the public reads when the source may still change (a plan's status table): the
    # rows as they stood when published, so actuals entered later stay unpublished.
    snapshot_json: Mapped[str] = mapped_column(Text, default="{}")
    note: Mapped[str] = mapped_column(Text, default="")
    provisional: Mapped[int] = mapped_column(Integer, default=0)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    published_by: Mapped[str] = mapped_column(String(64))
    published_by_name: Mapped[str] = mapped_column(String(120))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")

    @property
    def snapshot(self) -> dict[str, Any]:
        """The stored snapshot."""
        return json.loads(self.snapshot_json or "{}")


def add(session: Session, **fields: Any) -> PublicationRow:
    """Insert a publication and flush (the id is set)."""
    row = PublicationRow(**fields)
    session.add(row)
    session.flush()
    return row


def get(session: Session, publication_id: int) -> PublicationRow | None:
    """The row with this id, or None."""
    return session.get(PublicationRow, publication_id)


def live_row(session: Session, kind: str, object_id: str, region_code: str | None = None
             ) -> PublicationRow | None:
    """The live (not withdrawn) publication of an object, newest first, or None."""
    query = (select(PublicationRow)
             .where(PublicationRow.kind == kind, PublicationRow.object_id == object_id,
                    PublicationRow.withdrawn_at.is_(None))
             .order_by(PublicationRow.id.desc()).limit(1))
    if region_code is not None:
        query = query.where(PublicationRow.region_code == region_code)
    return session.scalars(query).first()


def rows(session: Session, *, live_only: bool = True, region_codes: set[str] | None = None
         ) -> list[PublicationRow]:
    """Publications, newest first; only live ones, or only those of `region_codes`, on asking."""
    query = select(PublicationRow).order_by(PublicationRow.id.desc())
    if live_only:
        query = query.where(PublicationRow.withdrawn_at.is_(None))
    if region_codes is not None:
        query = query.where(PublicationRow.region_code.in_(sorted(region_codes)))
    return list(session.scalars(query))

"""Plan tracking tables (plan_*): editions, actuals with revisions, proxies, notifications, outbox.

The registries (``plan_pilot_*``, ``plan_project_*``) and the decomposition rounds
(``plan_alloc_*``) sit beside these in `tanzhi.plan.store`; assessment (``plan_assess_*``) keeps
its own. Rows are written through
the ORM so that every flush is audited (`tanzhi.kernel.audit`). Queries take the caller's session.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel import Base, utcnow


class PlanEditionRow(Base):
    """One edition of one plan; the plan document (model.Plan) is kept whole as JSON.

    `current` marks the edition in force; saving a plan adds an edition and keeps the old one.
    `origin` says where the edition came from: ``packaged`` (a seed data file, with `meta`
    holding its provenance), ``edited``, ``workbook`` or ``next`` (started from a previous plan).
    """

    __tablename__ = "plan_edition"
    __table_args__ = (UniqueConstraint("plan_id", "edition"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    edition: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    base_year: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    origin: Mapped[str] = mapped_column(String(16))
    derived_from: Mapped[str | None] = mapped_column(String(120), nullable=True)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    actor: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanActualRow(Base):
    """One yearly value of an indicator in a region; a revision supersedes, never overwrites.

    The current value of a key (plan, indicator, region, year) is the row with
    ``superseded_by IS NULL``; earlier rows stay, linked forward, as the revision history.
    `derived` rows are computed from other data, and `lineage` says from what and how.
    """

    __tablename__ = "plan_actual"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    indicator_id: Mapped[str] = mapped_column(String(64), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200))
    released_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    derived: Mapped[bool] = mapped_column(Boolean, default=False)
    lineage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    superseded_by: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("plan_actual.id"), nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanProxyRow(Base):
    """A sub-annual proxy value (monthly ``M01``…``M12`` or quarterly ``Q1``…``Q4``).

    Proxies (electricity consumption, energy use, constant-price output) feed the year-end
    nowcast (`tanzhi.plan.calc.nowcast_from_shares`).
    """

    __tablename__ = "plan_proxy"
    __table_args__ = (UniqueConstraint("region_code", "variable", "year", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    variable: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(4))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class PlanNotificationRow(Base):
    """An in-app warning for one user (an amber or red light, a report overdue).

    A light warning (kind ``status_warning``) is resolved (``resolved_at``) once its indicator
    no longer shows that light for that year; the open ones are the warnings in force.
    """

    __tablename__ = "plan_notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(24))
    plan_id: Mapped[str] = mapped_column(String(64))
    indicator_id: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    event_key: Mapped[str] = mapped_column(String(120), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PlanOutboxRow(Base):
    """A warning waiting for (or done with) delivery to the outgoing webhook."""

    __tablename__ = "plan_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PlanOutboxAttemptRow(Base):
    """One delivery attempt of an outbox row: when, the HTTP status or the error."""

    __tablename__ = "plan_outbox_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(Integer, ForeignKey("plan_outbox.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


# ---- queries -------------------------------------------------------------------------------


def edition_rows(session: Session, plan_id: str | None = None) -> list[PlanEditionRow]:
    """Stored editions (all plans or one), sorted by plan id then creation order."""
    query = select(PlanEditionRow).order_by(PlanEditionRow.plan_id, PlanEditionRow.id)
    if plan_id is not None:
        query = query.where(PlanEditionRow.plan_id == plan_id)
    return list(session.scalars(query))


def current_edition_rows(session: Session) -> list[PlanEditionRow]:
    """The edition in force of every plan."""
    query = select(PlanEditionRow).where(PlanEditionRow.current.is_(True)).order_by(
        PlanEditionRow.plan_id)
    return list(session.scalars(query))


def edition_row(session: Session, plan_id: str, edition: str | None = None
                ) -> PlanEditionRow | None:
    """One edition (the current one when `edition` is None), or None."""
    query = select(PlanEditionRow).where(PlanEditionRow.plan_id == plan_id)
    if edition is None:
        query = query.where(PlanEditionRow.current.is_(True))
    else:
        query = query.where(PlanEditionRow.edition == edition)
    return session.scalars(query.order_by(PlanEditionRow.id.desc())).first()


def actual_rows(
    session: Session, plan_id: str, *, indicator_id: str | None = None,
    region_codes: list[str] | None = None, current_only: bool = True,
) -> list[PlanActualRow]:
    """Actual rows of a plan, current ones only unless asked, in key then revision order."""
    query = select(PlanActualRow).where(PlanActualRow.plan_id == plan_id)
    if indicator_id is not None:
        query = query.where(PlanActualRow.indicator_id == indicator_id)
    if region_codes is not None:
        query = query.where(PlanActualRow.region_code.in_(region_codes))
    if current_only:
        query = query.where(PlanActualRow.superseded_by.is_(None))
    query = query.order_by(PlanActualRow.indicator_id, PlanActualRow.region_code,
                           PlanActualRow.year, PlanActualRow.revision)
    return list(session.scalars(query))


def current_actual_row(session: Session, plan_id: str, indicator_id: str, region_code: str,
                       year: int) -> PlanActualRow | None:
    """The value in force for one key, or None."""
    return session.scalars(select(PlanActualRow).where(
        PlanActualRow.plan_id == plan_id, PlanActualRow.indicator_id == indicator_id,
        PlanActualRow.region_code == region_code, PlanActualRow.year == year,
        PlanActualRow.superseded_by.is_(None))).first()


def latest_value(session: Session, plan_id: str, indicator_id: str, region_code: str, *,
                 up_to: int | None = None) -> tuple[int, float, str] | None:
    """(year, value, source) of the latest current actual up to `up_to`, or None."""
    rows = [r for r in actual_rows(session, plan_id, indicator_id=indicator_id,
                                   region_codes=[region_code])
            if up_to is None or r.year <= up_to]
    if not rows:
        return None
    last = max(rows, key=lambda r: r.year)
    return last.year, last.value, last.source


def proxy_rows(session: Session, *, region_code: str, variable: str) -> list[PlanProxyRow]:
    """Every stored period of one proxy series of a region, in time order."""
    return list(session.scalars(select(PlanProxyRow).where(
        PlanProxyRow.region_code == region_code, PlanProxyRow.variable == variable
    ).order_by(PlanProxyRow.year, PlanProxyRow.period)))


def notification_rows(session: Session, user_id: int, *, unread_only: bool = False,
                      limit: int = 200) -> list[PlanNotificationRow]:
    """A user's notifications, newest first."""
    query = select(PlanNotificationRow).where(PlanNotificationRow.user_id == user_id)
    if unread_only:
        query = query.where(PlanNotificationRow.read_at.is_(None))
    return list(session.scalars(query.order_by(PlanNotificationRow.id.desc()).limit(limit)))


def open_warning_rows(session: Session, *, user_id: int | None = None,
                      plan_id: str | None = None) -> list[PlanNotificationRow]:
    """Unresolved light warnings (kind ``status_warning``), of one user or plan or all."""
    query = select(PlanNotificationRow).where(PlanNotificationRow.kind == "status_warning",
                                              PlanNotificationRow.resolved_at.is_(None))
    if user_id is not None:
        query = query.where(PlanNotificationRow.user_id == user_id)
    if plan_id is not None:
        query = query.where(PlanNotificationRow.plan_id == plan_id)
    return list(session.scalars(query.order_by(PlanNotificationRow.id)))


def notification_exists(session: Session, user_id: int, event_key: str) -> bool:
    """Whether this user already has a notification for this event."""
    return session.scalars(select(PlanNotificationRow.id).where(
        PlanNotificationRow.user_id == user_id,
        PlanNotificationRow.event_key == event_key)).first() is not None


def outbox_rows(session: Session, *, status: str | None = None) -> list[PlanOutboxRow]:
    """Outbox rows (all, or of one status), oldest first."""
    query = select(PlanOutboxRow).order_by(PlanOutboxRow.id)
    if status is not None:
        query = query.where(PlanOutboxRow.status == status)
    return list(session.scalars(query))


def outbox_by_key(session: Session, key: str) -> PlanOutboxRow | None:
    """The outbox row with this idempotency key, or None."""
    return session.scalars(select(PlanOutboxRow).where(
        PlanOutboxRow.idempotency_key == key)).first()


def attempt_rows(session: Session, outbox_id: int) -> list[PlanOutboxAttemptRow]:
    """Delivery attempts of one outbox row, oldest first."""
    return list(session.scalars(select(PlanOutboxAttemptRow).where(
        PlanOutboxAttemptRow.outbox_id == outbox_id).order_by(PlanOutboxAttemptRow.id)))

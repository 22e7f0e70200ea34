"""Access tables (`access_user`, `access_login_attempt`) and their queries; session passed in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.access.model import Role, User
from tanzhi.kernel.db import Base, Timestamped, utcnow


class UserRow(Timestamped, Base):
    """One account.  The password hash is redacted from the audit log."""

    __tablename__ = "access_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(12), index=True, nullable=True)
    department: Mapped[str | None] = mapped_column(String(40), nullable=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255), info={"audit": "redact"})
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def to_model(self) -> User:
        """The domain view of the row (no hash)."""
        return User(
            id=self.id, username=self.username, display_name=self.display_name,
            role=Role(self.role), region_code=self.region_code, department=self.department,
            enterprise_id=self.enterprise_id, active=self.active,
        )


class LoginAttemptRow(Base):
    """One login attempt, kept in the database so the rate limit holds across workers/restarts.

    Append-only: a success is a row too, and failures before it stop counting.
    """

    __tablename__ = "access_login_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


def get_user_row(session: Session, username: str) -> UserRow | None:
    """The row of `username`, or None."""
    return session.scalars(select(UserRow).where(UserRow.username == username)).first()


def get_user_row_by_id(session: Session, user_id: int) -> UserRow | None:
    """The row with primary key `user_id`, or None."""
    return session.get(UserRow, user_id)


def list_user_rows(
    session: Session, *, role: Role | None = None, region_codes: list[str] | None = None
) -> list[UserRow]:
    """Users, optionally of one role and/or within some region codes, ordered by user name."""
    query = select(UserRow).order_by(UserRow.username)
    if role is not None:
        query = query.where(UserRow.role == role.value)
    if region_codes is not None:
        query = query.where(UserRow.region_code.in_(region_codes))
    return list(session.scalars(query))


def create_user_row(session: Session, **values: object) -> UserRow:
    """Insert a user row and flush it (so the audit entry and the id exist)."""
    row = UserRow(**values)
    session.add(row)
    session.flush()
    return row


def create_login_attempt(session: Session, *, username: str, client: str, succeeded: bool,
                         at: datetime) -> LoginAttemptRow:
    """Append one login attempt."""
    row = LoginAttemptRow(username=username, client=client, succeeded=succeeded, at=at)
    session.add(row)
    session.flush()
    return row


def list_recent_failures(
    session: Session, *, username: str, client: str, since: datetime
) -> list[datetime]:
    """Times of failed attempts for (username, client) after `since` and after the last success."""
    last_success = session.scalar(
        select(func.max(LoginAttemptRow.at)).where(
            LoginAttemptRow.username == username, LoginAttemptRow.client == client,
            LoginAttemptRow.succeeded.is_(True), LoginAttemptRow.at > since,
        )
    )
    start = last_success if last_success is not None else since
    return list(session.scalars(
        select(LoginAttemptRow.at).where(
            LoginAttemptRow.username == username, LoginAttemptRow.client == client,
            LoginAttemptRow.succeeded.is_(False), LoginAttemptRow.at > start,
        ).order_by(LoginAttemptRow.at)
    ))

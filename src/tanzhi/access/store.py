"""Access tables (`access_user`, `access_login_attempt`, `access_session`) and their queries.

The database session is passed in.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.access.model import LiveSession, Role, User
from tanzhi.kernel import Base, Timestamped, utcnow


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
    # Set when an administrator chose the password (new account, reset); cleared when the user
    # changes it (issue #11 item 9 follow-up): until then only the password form opens.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())

    def to_model(self) -> User:
        """The domain view of the row (no hash)."""
        return User(
            id=self.id, username=self.username, display_name=self.display_name,
            role=Role(self.role), region_code=self.region_code, department=self.department,
            enterprise_id=self.enterprise_id, active=self.active,
            must_change_password=self.must_change_password,
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


class SessionRow(Base):
    """One login (issue #8, finding 5): the server's record behind an opaque cookie.

    Only a keyed hash of the session id is stored (`id_hash`, HMAC-SHA-256 with the
    installation key), so a copy of this table cannot be replayed as cookies, and rows cannot be
    forged for a chosen id without the key.  The CSRF token lives here, not in the cookie.

    Sessions are short-lived request plumbing, not records of the plan: every write goes through
    Core statements, which the audit listener does not see, and the table is marked
    ``info={"audit": "skip"}`` so the audit's row comparison leaves it out.  What a session
    *does* is audited under its user's name; the account changes that end sessions (password,
    role, scope, disabling) are audited on `access_user`.
    """

    __tablename__ = "access_session"
    __table_args__ = {"info": {"audit": "skip"}}

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("access_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64), info={"audit": "redact"})
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    client: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; tanzhi stores UTC only.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def insert_session_row(
    session: Session, *, id_hash: str, user_id: int, csrf_token: str, created_at: datetime,
    expires_at: datetime, client: str, user_agent: str,
) -> None:
    """Record a new login."""
    session.execute(insert(SessionRow).values(
        id_hash=id_hash, user_id=user_id, csrf_token=csrf_token, created_at=created_at,
        last_seen_at=created_at, expires_at=expires_at, client=client[:64],
        user_agent=user_agent[:200]))


def get_session(session: Session, id_hash: str) -> LiveSession | None:
    """The session whose id hashes to `id_hash`, or None (a plain read: no row is locked)."""
    row = session.execute(
        select(SessionRow.id_hash, SessionRow.user_id, SessionRow.csrf_token,
               SessionRow.created_at, SessionRow.last_seen_at, SessionRow.expires_at)
        .where(SessionRow.id_hash == id_hash)).first()
    if row is None:
        return None
    return LiveSession(id_hash=row.id_hash, user_id=row.user_id, csrf=row.csrf_token,
                       created_at=_aware(row.created_at), last_seen_at=_aware(row.last_seen_at),
                       expires_at=_aware(row.expires_at))


def touch_session_row(session: Session, id_hash: str, *, now: datetime,
                      seen_before: datetime) -> int:
    """Set last-seen to `now` unless another request already did after `seen_before`."""
    result = session.execute(
        update(SessionRow)
        .where(SessionRow.id_hash == id_hash, SessionRow.last_seen_at <= seen_before)
        .values(last_seen_at=now))
    return int(result.rowcount or 0)


def delete_session_rows(
    session: Session, *, id_hash: str | None = None, user_id: int | None = None,
    keep: str | None = None,
) -> int:
    """Delete one session (`id_hash`) or all of a user's (`user_id`), optionally but `keep`."""
    if id_hash is None and user_id is None:
        raise ValueError("name a session or a user")
    query = delete(SessionRow)
    if id_hash is not None:
        query = query.where(SessionRow.id_hash == id_hash)
    if user_id is not None:
        query = query.where(SessionRow.user_id == user_id)
    if keep is not None:
        query = query.where(SessionRow.id_hash != keep)
    return int(session.execute(query).rowcount or 0)


def delete_ended_session_rows(session: Session, *, now: datetime, idle_since: datetime) -> int:
    """Delete sessions past their absolute expiry or last seen before `idle_since`."""
    return int(session.execute(delete(SessionRow).where(or_(
        SessionRow.expires_at <= now, SessionRow.last_seen_at <= idle_since))).rowcount or 0)

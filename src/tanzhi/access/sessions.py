"""Server-side login sessions: start, find, touch, end (issue #8, findings 1 and 5).

A session id is 32 random bytes (256 bits, `secrets.token_urlsafe`) handed to the browser as an
opaque cookie; the server keeps only ``HMAC-SHA-256(installation key, id)``.  Logging out,
changing the password, a role or scope change and disabling the account delete rows here, so
the old cookie stops working at once, which a signed stateless cookie could not do.

Anonymous visitors get no row: their cookie is a random id too, and their CSRF token is derived
from it with the key (`anonymous_csrf`), so the login form is protected without a database write
on every GET and without the token being readable from the cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from tanzhi.access import store
from tanzhi.access.model import LiveSession, SessionPolicy

# token_urlsafe(32) gives 43 characters of the URL-safe base64 alphabet; anything else in the
# cookie is ignored without a database look-up.
SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_session_id() -> str:
    """A fresh random session id (256 bits)."""
    return secrets.token_urlsafe(32)


def new_csrf_token() -> str:
    """A fresh random CSRF token for a logged-in session (256 bits)."""
    return secrets.token_urlsafe(32)


def valid_session_id(value: str | None) -> bool:
    """Whether `value` has the shape of a session id (checked before any look-up)."""
    return bool(value) and SESSION_ID_PATTERN.fullmatch(value or "") is not None


def session_id_hash(key: bytes, session_id: str) -> str:
    """What the table stores for `session_id`: HMAC-SHA-256 under the installation key, hex."""
    return hmac.new(key, b"session:" + session_id.encode(), hashlib.sha256).hexdigest()


def anonymous_csrf(key: bytes, session_id: str) -> str:
    """The CSRF token of a visitor who is not logged in, derived from their cookie's id.

    The cookie carries only the id; the token cannot be computed from it without the key.
    """
    mac = hmac.new(key, b"anonymous-csrf:" + session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def start_session(
    db: Session, *, key: bytes, session_id: str, csrf: str, user_id: int,
    policy: SessionPolicy, now: datetime, client: str = "", user_agent: str = "",
) -> LiveSession:
    """Record a new login for `user_id` under the cookie id `session_id` (`new_session_id`).

    The id and the CSRF token are made by the caller, before the response that carries them is
    rendered.  Sessions that have ended (idle or past their absolute expiry) are purged at the
    same time, which keeps the table as small as the number of people logged in.
    """
    if not valid_session_id(session_id):
        raise ValueError("not a session id made by new_session_id()")
    store.delete_ended_session_rows(db, now=now, idle_since=now - policy.idle)
    live = LiveSession(
        id_hash=session_id_hash(key, session_id), user_id=user_id, csrf=csrf,
        created_at=now, last_seen_at=now, expires_at=now + policy.absolute)
    store.insert_session_row(
        db, id_hash=live.id_hash, user_id=user_id, csrf_token=live.csrf, created_at=now,
        expires_at=live.expires_at, client=client, user_agent=user_agent)
    return live


def find_session(db: Session, *, key: bytes, session_id: str, policy: SessionPolicy,
                 now: datetime) -> LiveSession | None:
    """The live session for the cookie's id, or None (unknown, ended, idle or expired).

    Read only: an ended session is reported as None and left for `end_session` or the next
    purge, so that this call never needs the write lock.
    """
    if not valid_session_id(session_id):
        return None
    live = store.get_session(db, session_id_hash(key, session_id))
    if live is None or live.ended(policy, now):
        return None
    return live


def touch_session(db: Session, live: LiveSession, *, policy: SessionPolicy,
                  now: datetime) -> bool:
    """Move the session's last-seen time to `now` if it is at least `touch_every` old.

    Returns whether a row was written.  Concurrent requests of one session write it once: the
    update only applies while the stored time is still old.
    """
    if not live.due_touch(policy, now):
        return False
    return store.touch_session_row(db, live.id_hash, now=now,
                                   seen_before=now - policy.touch_every) > 0


def end_session(db: Session, id_hash: str) -> bool:
    """End one session (logout); whether it existed."""
    return store.delete_session_rows(db, id_hash=id_hash) > 0


def end_sessions(db: Session, user_id: int, *, keep: str | None = None) -> int:
    """End every session of `user_id` (optionally all but the one hashed `keep`); how many."""
    return store.delete_session_rows(db, user_id=user_id, keep=keep)


"""Server-side sessions for every request: `request.session` backed by `access_session`.

Issue #8, findings 1 and 5: Starlette's signed-cookie sessions carried the user id and the CSRF
token in the cookie, were forgeable with the constant key and outlived logout.  Here the cookie
holds only an opaque random id; the middleware looks its hash up in `access_session` and exposes
the session as the dict-like `request.session` with the keys the code has always used:

- ``"uid"``: the logged-in user's id (absent for a visitor);
- ``"csrf"``: the CSRF token, stored server-side (a visitor's is derived from the cookie id with
  the installation key, so showing the login form writes nothing).

Reading the session is one primary-key SELECT in its own short transaction; the last-seen touch
is an UPDATE in its own transaction at most once a minute (`SessionPolicy.touch_every`), so
browsing does not write on every GET.  Logging in or out (`rotate_session`, `clear()`) writes
after the route has finished and its transaction is closed, and the response (with the new
cookie) is held until that write has committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from datetime import datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any

from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tanzhi.access import (
    LiveSession,
    SessionPolicy,
    anonymous_csrf,
    end_session,
    find_session,
    new_csrf_token,
    new_session_id,
    start_session,
    touch_session,
    valid_session_id,
)
from tanzhi.http.security import Network, cookie_is_secure, forwarded_client
from tanzhi.kernel import unit_of_work

SESSION_COOKIE = "tanzhi_session"
# Requests that never read the session (static files) skip the look-up.
_NO_SESSION_PREFIXES = ("/static/",)


class ServerSession(MutableMapping[str, Any]):
    """The dict-like `request.session`: ``"uid"`` and ``"csrf"``, nothing else.

    Setting ``"uid"`` starts a new session (new id, new CSRF token); `clear()` or deleting
    ``"uid"`` ends it.  ``"csrf"`` is read-only.  The middleware writes the change once the
    route has finished.
    """

    def __init__(self, key: bytes, *, cookie_id: str | None, live: LiveSession | None) -> None:
        self._key = key
        self.loaded = live
        # A well-formed id that names no live session still serves as a visitor's id.
        self.cookie_id = cookie_id if cookie_id and valid_session_id(cookie_id) \
            else new_session_id()
        self.cookie_changed = self.cookie_id != cookie_id
        self._uid: int | None = live.user_id if live else None
        self._csrf = live.csrf if live else anonymous_csrf(key, self.cookie_id)
        self.started: int | None = None
        self.ended = False
        self.csrf_shown = False

    # -- mapping protocol --------------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        if key == "uid" and self._uid is not None:
            return self._uid
        if key == "csrf":
            self.csrf_shown = True
            return self._csrf
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("uid", "csrf") if self._uid is not None else ("csrf",))

    def __len__(self) -> int:
        return 2 if self._uid is not None else 1

    def __setitem__(self, key: str, value: Any) -> None:
        if key != "uid":
            raise KeyError(f"a server-side session holds only 'uid' (got {key!r})")
        self.start(int(value))

    def __delitem__(self, key: str) -> None:
        if key != "uid":
            raise KeyError(key)
        self.end()

    def clear(self) -> None:
        """End the session (the visitor continues anonymously with a new cookie id)."""
        self.end()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, user_id: int) -> None:
        """Replace the session with a fresh one for `user_id` (login)."""
        self.end()
        self._uid, self.started = user_id, user_id
        self._csrf = new_csrf_token()

    def end(self) -> None:
        """End the session: a new anonymous cookie id; the stored row goes at the end."""
        self.ended = self.loaded is not None
        self.cookie_id, self.cookie_changed = new_session_id(), True
        self._uid, self.started = None, None
        self._csrf = anonymous_csrf(self._key, self.cookie_id)

    @property
    def dirty(self) -> bool:
        """Whether the stored sessions must change before the response goes out."""
        return self.ended or self.started is not None


def _cookie(headers: Headers) -> str | None:
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get("cookie", ""))
    except CookieError:
        return None
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel is not None else None


class ServerSessionMiddleware:
    """Load the session named by the cookie; write logins and logouts; set the cookie.

    Parameters
    ----------
    factory
        The app's audited session factory (session rows are written with Core statements,
        which the audit listener does not record; see `tanzhi.access.store.SessionRow`).
    key
        The installation key (`tanzhi.kernel.keys.session_secret`), hashing session ids.
    secure
        `Settings.secure_cookies`: True, False, or None for “Secure when the request is HTTPS”.
    clock
        The current time, UTC; tests pass a movable clock to reach idle and absolute expiry.
    """

    def __init__(
        self, app: ASGIApp, *, factory: sessionmaker[Session], key: bytes,
        policy: SessionPolicy, secure: bool | None, trusted_proxies: list[Network],
        clock: Callable[[], datetime],
    ) -> None:
        self.app = app
        self.factory = factory
        self.key = key
        self.policy = policy
        self.secure = secure
        self.proxies = trusted_proxies
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(
                _NO_SESSION_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie_id = _cookie(headers)
        live = await to_thread.run_sync(self._load, cookie_id) if cookie_id else None
        session = ServerSession(self.key, cookie_id=cookie_id, live=live)
        scope["session"] = session
        held: list[Message] = []

        async def send_with_session(message: Message) -> None:
            if message["type"] == "http.response.start":
                if session.dirty:
                    # The route's own transaction may still be open (a dependency with yield
                    # commits after the response is produced); write after it, then release.
                    held.append(message)
                    return
                self._set_cookie(message, scope, session)
            elif held:
                held.append(message)
                return
            await send(message)

        await self.app(scope, receive, send_with_session)
        if held:
            await to_thread.run_sync(self._save, session, headers, scope)
            self._set_cookie(held[0], scope, session)
            for message in held:
                await send(message)

    def _load(self, cookie_id: str) -> LiveSession | None:
        now = self.clock()
        # A plain read in its own short transaction; the write below is rare (once a minute).
        with self.factory() as db:
            live = find_session(db, key=self.key, session_id=cookie_id, policy=self.policy,
                                now=now)
        if live is not None and live.due_touch(self.policy, now):
            with unit_of_work(self.factory, actor=f"session:{live.user_id}",
                              reason="session last seen") as db:
                touch_session(db, live, policy=self.policy, now=now)
        return live

    def _save(self, session: ServerSession, headers: Headers, scope: Scope) -> None:
        now = self.clock()
        with unit_of_work(self.factory, actor="session", reason="login/logout") as db:
            if session.ended and session.loaded is not None:
                end_session(db, session.loaded.id_hash)
            if session.started is not None:
                peer = scope["client"][0] if scope.get("client") else "unknown"
                start_session(
                    db, key=self.key, session_id=session.cookie_id, csrf=session["csrf"],
                    user_id=session.started, policy=self.policy, now=now,
                    client=forwarded_client(peer, headers, self.proxies),
                    user_agent=headers.get("user-agent", ""))

    def _set_cookie(self, message: Message, scope: Scope, session: ServerSession) -> None:
        # A visitor's cookie is set only once its CSRF token has been handed out (a form was
        # shown); a login or logout always replaces the cookie.
        if not (session.dirty or (session.cookie_changed and session.csrf_shown)):
            return
        secure = cookie_is_secure(self.secure, scope, self.proxies)
        flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
        if session.started is not None:
            # The browser may forget the cookie when the server does (absolute expiry).
            flags += f"; Max-Age={int(self.policy.absolute.total_seconds())}"
        MutableHeaders(scope=message).append(
            "Set-Cookie", f"{SESSION_COOKIE}={session.cookie_id}{flags}")

"""Request guards: UI language choice, CSRF tokens, the not-logged-in error."""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tanzhi.http.i18n import supported_locale
from tanzhi.kernel.errors import PermissionDenied

SESSION_COOKIE = "tanzhi_session"
LANG_COOKIE = "tanzhi_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# One working day: a stolen cookie is good for a shift at most; users log in each morning.
SESSION_MAX_AGE_S = 12 * 60 * 60


class NotAuthenticated(PermissionDenied):
    """The route needs a logged-in user and there is none (HTML: go to login; API: 401)."""

    def __init__(self) -> None:
        super().__init__("请先登录 / please log in")


class LocaleMiddleware:
    """Choose the UI language: `?lang=` (remembered in a cookie), else the cookie, else default.

    The choice is put in `request.state.locale`.
    """

    def __init__(self, app: ASGIApp, default: str, *, secure: bool = False) -> None:
        self.app = app
        self.default = supported_locale(default) or "zh_CN"
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = supported_locale((query.get("lang") or [None])[0])
        cookie_header = dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1")
        cookies = SimpleCookie()
        try:
            cookies.load(cookie_header)
        except Exception:  # noqa: BLE001 — a malformed cookie header just means no choice
            cookies = SimpleCookie()
        remembered = supported_locale(cookies[LANG_COOKIE].value) if LANG_COOKIE in cookies \
            else None
        locale = asked or remembered or self.default
        scope.setdefault("state", {})["locale"] = locale

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and asked:
                flags = "; Secure" if self.secure else ""
                MutableHeaders(scope=message).append(
                    "Set-Cookie",
                    f"{LANG_COOKIE}={asked}; Path=/; Max-Age=31536000; SameSite=Lax{flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def csrf_token(request: Request) -> str:
    """This session's CSRF token, created on first use (the session cookie then carries it)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def rotate_session(request: Request, **values: object) -> None:
    """Start a fresh session (new CSRF token) holding `values`; used at login and logout.

    A new token at login stops a token planted before login from being reused (session fixation).
    """
    request.session.clear()
    request.session.update(values)
    request.session["csrf"] = secrets.token_urlsafe(32)


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: every unsafe request must echo the session's CSRF token.

    The token comes in the `X-CSRF-Token` header (htmx, fetch) or the `csrf_token` form field.
    """
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise PermissionDenied(
            "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试 / "
            "the form has expired or lacks its security token (CSRF); reload the page and retry")


# Pages load scripts only from /static (no inline script), so a strict script-src holds; the
# Swagger UI at /docs pulls its own bundle and is left out.  ECharts and htmx set inline styles.
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'")
_CSP_EXEMPT = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Baseline response headers: no sniffing, no framing, same-origin referrers, a CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                if not str(scope.get("path", "")).startswith(_CSP_EXEMPT):
                    headers.setdefault("Content-Security-Policy", _CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)

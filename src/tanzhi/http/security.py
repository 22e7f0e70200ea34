"""Request guards: UI language, CSRF tokens, the client's address, the not-logged-in error."""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from http.cookies import SimpleCookie
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import parse_qs

from fastapi import Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tanzhi.http.i18n import supported_locale
from tanzhi.kernel import PermissionDenied

SESSION_COOKIE = "tanzhi_session"
LANG_COOKIE = "tanzhi_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address


class NotAuthenticated(PermissionDenied):
    """The route needs a logged-in user and there is none (HTML: go to login; API: 401)."""

    def __init__(self) -> None:
        super().__init__("请先登录 / please log in")


class LocaleMiddleware:
    """Choose the UI language: `?lang=` (remembered in a cookie), else the cookie, else default.

    The choice is put in `request.state.locale`.
    """

    def __init__(self, app: ASGIApp, default: str, *, secure: bool | None = False,
                 trusted_proxies: Iterable[Network] = ()) -> None:
        self.app = app
        self.default = supported_locale(default) or "zh_CN"
        self.secure = secure
        self.proxies = list(trusted_proxies)

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
                flags = "; Secure" if cookie_is_secure(self.secure, scope, self.proxies) else ""
                MutableHeaders(scope=message).append(
                    "Set-Cookie",
                    f"{LANG_COOKIE}={asked}; Path=/; Max-Age=31536000; SameSite=Lax{flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def csrf_token(request: Request) -> str:
    """This session's CSRF token (kept server-side; see `tanzhi.http.sessions`)."""
    return str(request.session["csrf"])


def rotate_session(request: Request, **values: object) -> None:
    """End the current session and start a fresh one holding `values` (``uid=…`` or nothing).

    Used at login, logout and after a password change.  The new session has a new id and a new
    CSRF token, so neither a cookie nor a token planted before login can be reused (session
    fixation), and the old cookie stops working.
    """
    request.session.clear()
    request.session.update(values)


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


def _parse_ip(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51000"
        value = value.split(":")[0]
    try:
        return ip_address(value)
    except ValueError:
        return None


def _trusted(address: Address | None, proxies: Iterable[Network]) -> bool:
    return address is not None and any(address in net for net in proxies)


def forwarded_client(peer: str, headers: Mapping[str, str], proxies: Iterable[Network]) -> str:
    """The client's address given the TCP peer, the request headers and the trusted proxies.

    `X-Forwarded-For` (else `X-Real-IP`) is believed only when the peer is a trusted proxy
    (issue #8, finding 8: a header sent from loopback bypassed the login throttle).  The list is
    read from the right, skipping trusted proxies: the first address that is not one of them is
    the client, since everything left of it was written by the client and may be forged.
    """
    proxies = list(proxies)
    if not _trusted(_parse_ip(peer), proxies):
        return peer
    forwarded = [part for part in headers.get("x-forwarded-for", "").split(",") if part.strip()]
    if not forwarded and headers.get("x-real-ip"):
        forwarded = [headers["x-real-ip"]]
    nearest = peer
    for hop in reversed(forwarded):
        address = _parse_ip(hop)
        if address is None:
            return nearest  # a malformed hop: stop at the last address a proxy vouched for
        nearest = str(address)
        if not _trusted(address, proxies):
            return nearest
    return nearest


def forwarded_https(scheme: str, peer: str, headers: Mapping[str, str],
                    proxies: Iterable[Network]) -> bool:
    """Whether the browser's connection is HTTPS: directly, or per a trusted proxy."""
    if scheme in ("https", "wss"):
        return True
    proto = headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
    return proto == "https" and _trusted(_parse_ip(peer), proxies)


def cookie_is_secure(setting: bool | None, scope: Scope, proxies: Iterable[Network]) -> bool:
    """Whether a cookie set on this request gets the Secure flag (`Settings.secure_cookies`).

    None (auto) means: when the browser's connection is HTTPS.
    """
    if setting is not None:
        return setting
    peer = scope["client"][0] if scope.get("client") else ""
    return forwarded_https(str(scope.get("scheme", "http")), peer,
                           Headers(scope=scope), proxies)


def client_address(request: Request) -> str:
    """The one answer to “who is asking” (login throttle, session notes).

    Forwarding headers count only from `Settings.trusted_proxies` (default: none).
    """
    peer = request.client.host if request.client else "unknown"
    return forwarded_client(peer, request.headers, request.app.state.settings.trusted_proxies)

"""Turn errors into answers: JSON problem documents under /api, friendly pages elsewhere."""

from __future__ import annotations

import html
import logging
import secrets
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from tanzhi.access import LoginThrottled, PasswordChangeRequired
from tanzhi.http import NotAuthenticated, render
from tanzhi.kernel import ConsistencyError, DataError, NotFound, PermissionDenied, TanzhiError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"

# (status, English title, Chinese title), most specific class first.
_STATUS: tuple[tuple[type[TanzhiError], int, str, str], ...] = (
    (NotAuthenticated, 401, "Not logged in", "未登录"),
    (LoginThrottled, 429, "Too many attempts", "尝试次数过多"),
    (PermissionDenied, 403, "Forbidden", "无权访问"),
    (NotFound, 404, "Not found", "未找到"),
    (DataError, 422, "Invalid data", "数据有误"),
    (ConsistencyError, 409, "Inconsistent data", "数据不一致"),
    (TanzhiError, 400, "Bad request", "请求有误"),
)
_HTTP_TITLES = {
    404: ("Not found", "未找到"), 405: ("Method not allowed", "不支持的请求方法"),
    413: ("Payload too large", "上传内容过大"), 401: ("Not logged in", "未登录"),
    403: ("Forbidden", "无权访问"),
}


def wants_json(request: Request) -> bool:
    """API paths and clients that ask only for JSON get problem documents."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith(API_PREFIX) or (
        "application/json" in accept and "text/html" not in accept)


def classify(exc: TanzhiError) -> tuple[int, str, str]:
    """HTTP status and titles (en, zh) for a tanzhi error."""
    for cls, status, title_en, title_zh in _STATUS:
        if isinstance(exc, cls):
            return status, title_en, title_zh
    return 400, "Bad request", "请求有误"  # pragma: no cover — TanzhiError is the last entry


def _problem(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _error_page(request: Request, status: int, title_en: str, title_zh: str, detail: str,
                problems: list[dict] | None = None) -> Response:
    return render(request, "error.html", {
        "status": status, "title_en": title_en, "title_zh": title_zh, "detail": detail,
        "problems": problems or [],
    }, status_code=status)


async def tanzhi_error_handler(request: Request, exc: Exception) -> Response:
    """RFC 9457 problem JSON for the API; a page (or the login redirect) for browsers."""
    assert isinstance(exc, TanzhiError)
    status, title_en, title_zh = classify(exc)
    problems = [p.as_dict() for p in exc.problems] if isinstance(exc, DataError) else None
    headers = {}
    if isinstance(exc, LoginThrottled):
        headers["Retry-After"] = str(exc.retry_after_s)
    if wants_json(request):
        extra: dict[str, object] = {"title_zh": title_zh}
        if problems is not None:
            extra["problems"] = problems
        response: Response = _problem(status, title_en, str(exc), **extra)
    elif isinstance(exc, NotAuthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    elif isinstance(exc, PasswordChangeRequired):
        return RedirectResponse(exc.form, status_code=303)
    else:
        response = _error_page(request, status, title_en, title_zh, str(exc), problems)
    response.headers.update(headers)
    return response


async def http_error_handler(request: Request, exc: Exception) -> Response:
    """Framework HTTP errors (404 route, 405, 413 …) in the same two shapes."""
    assert isinstance(exc, StarletteHTTPException)
    title_en, title_zh = _HTTP_TITLES.get(exc.status_code, ("Error", "出错了"))
    detail = exc.detail if isinstance(exc.detail, str) else title_en
    # A missing asset under /static gets the problem document, not the HTML page: the page reads
    # the session, which static requests skip, and answered 500 for any unknown asset path.
    plain = exc.status_code == 413 or request.url.path.startswith("/static/")
    if wants_json(request) or plain:
        response: Response = _problem(exc.status_code, title_en, detail, title_zh=title_zh)
    else:
        response = _error_page(request, exc.status_code, title_en, title_zh, detail)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


_BUSY = ("Service busy", "服务繁忙")
# Seconds a client is asked to wait when every database connection is taken.
BUSY_RETRY_AFTER_S = 5


async def busy_error_handler(request: Request, exc: Exception) -> Response:
    """Every pooled database connection taken for the pool's whole timeout: a 503 with
    Retry-After, not a 500 — the request was valid, the server is saturated (seen with 50
    simultaneous logins on PostgreSQL in `bench/bench_load.py`, issue #11 item 10)."""
    assert isinstance(exc, PoolTimeout)
    logger.warning("database pool exhausted on %s %s: %s", request.method, request.url.path, exc)
    title_en, title_zh = _BUSY
    detail = (f"服务繁忙，请 {BUSY_RETRY_AFTER_S} 秒后重试 / the server is busy; "
              f"try again in {BUSY_RETRY_AFTER_S} s")
    if wants_json(request):
        response: Response = _problem(503, title_en, detail, title_zh=title_zh)
    else:
        response = _error_page(request, 503, title_en, title_zh, detail)
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_S)
    return response


_INTERNAL = ("Internal server error", "服务器内部错误")


async def unexpected_error_handler(request: Request, exc: Exception) -> Response:
    """Any other exception: logged here with its traceback and a reference, answered with a
    bilingual 500 that shows the reference and nothing of the error (issue #8, finding 9)."""
    reference = secrets.token_hex(6)
    logger.error("unhandled error %s on %s %s", reference, request.method, request.url.path,
                 exc_info=(type(exc), exc, exc.__traceback__))
    title_en, title_zh = _INTERNAL
    detail = (f"服务器出错，已记录（编号 {reference}），请稍后重试或联系管理员 / "
              f"the server failed; the error is logged (reference {reference}); "
              "try again later or contact the administrator")
    if wants_json(request):
        return _problem(500, title_en, detail, title_zh=title_zh, reference=reference)
    try:
        return _error_page(request, 500, title_en, title_zh, detail)
    except Exception:  # noqa: BLE001 — the page itself failed (e.g. the database is down)
        logger.exception("error page for %s failed", reference)
        body = (f"<!doctype html><meta charset='utf-8'><title>500</title><h1>500 {title_zh} / "
                f"{title_en}</h1><p>{html.escape(detail)}</p>")
        return HTMLResponse(body, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on `app`.

    The catch-all `Exception` handler runs in Starlette's outermost middleware, which sends
    its response and then re-raises for the server's log; no traceback reaches the client.
    """
    app.add_exception_handler(TanzhiError, tanzhi_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(PoolTimeout, busy_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)

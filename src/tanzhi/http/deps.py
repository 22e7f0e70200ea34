"""Route dependencies: `DbSession`, `CurrentUser`, `OptionalUser`, `require(...)`, and `render`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tanzhi.access import Role, User, get_user, require_in_scope
from tanzhi.http.policy_table import may_open
from tanzhi.http.security import NotAuthenticated, csrf_token
from tanzhi.kernel import (
    PermissionDenied,
    StorageBusy,
    is_busy,
    read_transaction,
    require_region,
    unit_of_work,
)

# Methods that must not change anything (RFC 9110 §9.2.1): they run in a read transaction.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_RETRY_AFTER_S = 2


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, one transaction (issue #8, finding 6).

    GET/HEAD/OPTIONS run in a read transaction (`read_transaction`): no write lock, and a write
    attempted there fails loudly.  Other methods run in a write transaction (`unit_of_work`),
    committed when the route succeeds, else rolled back.  The dependency is function-scoped
    (``DbSession``), so FastAPI runs this exit — the commit — *before* it sends the response:
    a client never sees a success for a write that is not committed, and a failed commit
    becomes an error answer.  SQLite's busy timeout running out is a 503 with Retry-After,
    never a 500.

    Writes are audited under the logged-in user's name (set by `optional_user`).
    """
    factory = request.app.state.session_factory
    scope = (read_transaction(factory) if request.method in SAFE_METHODS
             else unit_of_work(factory, actor="anonymous"))
    try:
        with scope as session:
            yield session
    except (OperationalError, StorageBusy) as exc:
        if isinstance(exc, OperationalError) and not is_busy(exc):
            raise
        raise HTTPException(
            503, detail="数据库正忙，请稍后重试 / the database is busy, please retry shortly",
            headers={"Retry-After": str(BUSY_RETRY_AFTER_S)}) from exc


# Function scope: the commit above runs before the response is sent (FastAPI ≥ 0.121 runs the
# exit of request-scoped yield dependencies only after the response has gone out).
DbSession = Annotated[Session, Depends(get_db, scope="function")]


def optional_user(request: Request, db: DbSession) -> User | None:
    """The logged-in user, or None for an anonymous visitor."""
    user_id = request.session.get("uid")
    if user_id is None:
        return None
    user = get_user(db, int(user_id))
    if user is None:
        # Account deleted or deactivated since login: the session is void.
        request.session.clear()
        return None
    request.state.user = user
    db.info["actor"] = user.username
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def current_user(user: OptionalUser) -> User:
    """The logged-in user; raises `NotAuthenticated` (HTML: redirect to login, API: 401)."""
    if user is None:
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(
    *, roles: Iterable[Role] | None = None, region_param: str | None = None
) -> Callable[..., User]:
    """A route-level guard on the user's role and one region parameter.

    Superseded by the policy table (`tanzhi.http.policy_table`), which `tanzhi.http.policy.
    authorize` applies to every route app-wide before this runs; the routes of `tanzhi.web.pages`
    still name it, and what it checks there agrees with their rows of the table.

    Parameters
    ----------
    roles
        Roles allowed on the route; None allows every logged-in user.
    region_param
        Name of the path or query parameter holding a GB/T 2260 code; when present in the
        request, the region must exist (else 404) and lie in the user's scope (else 403).

    Examples
    --------
    ``user: Annotated[User, Depends(require(roles={Role.PROVINCE_ADMIN}, region_param="code"))]``
    """
    allowed = frozenset(Role(r) for r in roles) if roles is not None else None

    def guard(request: Request, user: CurrentUser, db: DbSession) -> User:
        if allowed is not None and user.role not in allowed:
            raise PermissionDenied(
                f"角色“{user.role.label_zh}”无权执行此操作 / "
                f"role '{user.role.label_en}' may not do this")
        if region_param is not None:
            code = request.path_params.get(region_param) or request.query_params.get(region_param)
            if code:
                require_region(db, code)
                require_in_scope(db, user, code)
        return user

    return guard


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page in the request's language.

    Every page passes `json_url` (its JSON twin under `/api/v1`), and `provenance` (list of
    `{title, edition, publisher, licence}`) and `synthetic` for what it displays.
    """
    locale = getattr(request.state, "locale", request.app.state.settings.default_locale)
    templates = request.app.state.template_sets.get(locale) or request.app.state.templates
    user = getattr(request.state, "user", None)
    role = user.role if user is not None else None
    full = {
        "request": request,
        "user": user,
        # The nav asks the policy table, so it never links to a page that answers 403.
        "may_open": lambda path: may_open(role, path),
        "csrf_token": csrf_token(request),
        "json_url": None,
        "provenance": [],
        "synthetic": False,
    }
    full.update(context or {})
    return templates.TemplateResponse(request, template, full, status_code=status_code)


def serve_script(router: APIRouter, url: str, path: Path) -> None:
    """Serve one of a domain's page scripts at `url` on its router.

    The CSP allows scripts from this origin only (no inline script), and `/static` holds just
    the shell's files, so each domain ships its page script beside its code and registers it here.
    """

    @router.get(url, include_in_schema=False)
    def script() -> FileResponse:
        return FileResponse(path, media_type="text/javascript; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

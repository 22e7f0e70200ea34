"""HTML pages of the shell: login, logout, password change, the region dashboard, adding units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tanzhi.access import (
    REGION_ROLES,
    LoginFailed,
    LoginThrottled,
    Role,
    User,
    change_password,
    check_login,
    record_login,
    require_in_scope,
)
from tanzhi.enterprise import enterprise_file, verifier_desk
from tanzhi.http import (
    CurrentUser,
    DbSession,
    OptionalUser,
    client_address,
    render,
    require,
    rotate_session,
)
from tanzhi.kernel import DataError, NotFound, list_regions, require_region
from tanzhi.web.api import (
    ADDABLE_LEVELS,
    LEVEL_COUNT_LABELS,
    LEVEL_LABELS,
    REGION_ADMIN_ROLES,
    RegionOut,
    add_below,
    dashboard_summary,
    region_sources,
)

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else (other hosts, `//x`) goes home."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, db: Session, *, next_url: str, username: str = "",
                error: str | None = None, status_code: int = 200) -> Response:
    # The installation's top region (e.g. 浙江省) names whose platform this is.
    tops = list_regions(db, level="province")
    return render(request, "login.html", {
        "next": next_url, "username": username, "error": error, "json_url": "/api/v1/me",
        "home_region": tops[0] if len(tops) == 1 else None,
    }, status_code=status_code)


@router.get("/login")
def login_form(request: Request, db: DbSession, user: OptionalUser,
               next: Annotated[str | None, Query()] = None) -> Response:  # noqa: A002
    """The login form (already logged in: straight on)."""
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, db, next_url=safe_next(next))


@router.post("/login")
def login_submit(
    request: Request, db: DbSession,
    username: Annotated[str, Form()], password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    """Check the credentials; on success start a fresh session and go on."""
    settings = request.app.state.settings
    zh = getattr(request.state, "locale", "zh_CN").startswith("zh")
    try:
        # The slow hash is checked in a read transaction; only the attempt row is written.
        verdict = check_login(request.app.state.session_factory, username.strip(), password,
                              client=client_address(request),
                              max_failures=settings.login_attempts_per_minute)
        user = record_login(db, verdict)
    except (LoginFailed, LoginThrottled) as exc:
        status = 429 if isinstance(exc, LoginThrottled) else 401
        return _login_page(request, db, next_url=safe_next(next), username=username,
                           error=exc.message_zh if zh else exc.message_en, status_code=status)
    rotate_session(request, uid=user.id)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session and return to the login form."""
    rotate_session(request)
    return RedirectResponse("/login", status_code=303)


def _password_page(request: Request, *, error: str | None = None,
                   problems: list[dict] | None = None, changed: bool = False,
                   status_code: int = 200) -> Response:
    return render(request, "account_password.html", {
        "error": error, "problems": problems or [], "changed": changed,
        "json_url": "/api/v1/me",
    }, status_code=status_code)


@router.get("/account/password")
def password_form(request: Request, user: CurrentUser,
                  changed: Annotated[bool, Query()] = False) -> Response:
    """The form to change one's own password."""
    return _password_page(request, changed=changed)


@router.post("/account/password")
def password_submit(
    request: Request, db: DbSession, user: CurrentUser,
    old_password: Annotated[str, Form()], new_password: Annotated[str, Form()],
    new_password_again: Annotated[str, Form()],
) -> Response:
    """Change the password; every session of the user ends and this browser gets a new one."""
    zh = getattr(request.state, "locale", "zh_CN").startswith("zh")
    if new_password != new_password_again:
        return _password_page(request, problems=[{
            "column": "new_password_again", "message_zh": "两次输入的新密码不一致",
            "message_en": "the two new passwords differ"}], status_code=422)
    try:
        change_password(db, user_id=user.id, old_password=old_password,
                        new_password=new_password, client=client_address(request),
                        max_failures=request.app.state.settings.login_attempts_per_minute)
    except (LoginFailed, LoginThrottled) as exc:
        if isinstance(exc, LoginFailed):
            message = "当前密码不正确" if zh else "The current password is wrong"
        else:
            message = exc.message_zh if zh else exc.message_en
        return _password_page(request, error=message,
                              status_code=429 if isinstance(exc, LoginThrottled) else 403)
    except DataError as exc:
        return _password_page(request, problems=[p.as_dict() for p in exc.problems],
                              status_code=422)
    rotate_session(request, uid=user.id)
    return RedirectResponse("/account/password?changed=true", status_code=303)


@router.get("/")
def home(
    request: Request, db: DbSession, user: CurrentUser,
    region: Annotated[str | None, Query()] = None,
) -> Response:
    """Home dashboard: the map of the user's region, drilling province → city → county.

    Roles without region data (enterprise reporter, verifier, citizen) land on a home of their
    own that says what they can do today and what is coming, never on a 403 (issue #11 item 6);
    the reporter's and the verifier's list their reports and the work waiting (issue #12).
    """
    if user.role not in REGION_ROLES:
        return render(request, "role_home.html", {
            "home": ROLE_HOMES[user.role], "work": _role_work(db, user),
            "json_url": "/api/v1/me"})
    if region:  # the policy row checks the scope too; this keeps the 404 for unknown codes
        require_region(db, region)
        require_in_scope(db, user, region)
    code = region or user.region_code or ""
    summary = dashboard_summary(db, user, code)
    # htmx drills in place: it gets the side panel, with the breadcrumb swapped out of band.
    partial = request.headers.get("HX-Request") == "true"
    response = render(request, "_dashboard_panel.html" if partial else "dashboard.html", {
        "oob": partial,
        "summary": summary,
        "can_add": user.role in REGION_ADMIN_ROLES,
        "count_labels": LEVEL_COUNT_LABELS,
        "json_url": f"/api/v1/dashboard?region={code}",
        "provenance": summary.provenance,
        "synthetic": summary.synthetic,
    })
    response.headers["Vary"] = "HX-Request, Cookie"
    return response


def _role_work(db: Session, user: User) -> list[tuple[str, str, str, str]]:
    """(what, status zh, status en, link) rows of a reporter's or verifier's work."""
    if user.role is Role.ENTERPRISE_REPORTER and user.enterprise_id:
        try:
            file = enterprise_file(db, user.enterprise_id)
        except NotFound:
            return []
        return [(f"{file['name_zh']}：企业档案（一企一档）", "", "",
                 f"/enterprise/e/{file['credit_code']}")] + [
            (f"{r['period_zh']} 第 {r['version']} 版", r["status_zh"], r["status_en"],
             f"/enterprise/reports/{r['id']}") for r in file["reports"]]
    if user.role is Role.VERIFIER:
        desk = verifier_desk(db, user)
        return [("核查工作台：分配的企业与待核查报告", "", "", "/enterprise/verify")] + [
            (f"{r['name_zh']} {r['period_zh']} 第 {r['version']} 版", r["status_zh"],
             r["status_en"], f"/enterprise/reports/{r['id']}") for r in desk["work"]]
    return []


@dataclass(frozen=True)
class RoleHome:
    """What a role without region data finds on its home page (Chinese first, English twin)."""

    title: tuple[str, str]
    now: tuple[tuple[str, str, str], ...]      # (zh, en, link): what works today
    coming: tuple[tuple[str, str, str], ...]   # (zh, en, issue): what its domain will bring


_ACCOUNT = (("修改密码", "Change your password", "/account/password"),
            ("接口文档（可用接口一览）", "API documentation", "/docs"))
ROLE_HOMES: dict[Role, RoleHome] = {
    Role.ENTERPRISE_REPORTER: RoleHome(
        ("企业碳账户", "Enterprise carbon account"), _ACCOUNT, (
            ("碳效码等级与行业对标", "Carbon efficiency grade and industry benchmark", "#12"),
            ("碳信用报告（供银行使用）", "Carbon credit report for banks", "#12"),
            ("配额分配与履约清缴", "Allowances and compliance", "#12"))),
    Role.VERIFIER: RoleHome(
        ("核查工作台", "Verification desk"), _ACCOUNT, (
            ("配额清缴核查与履约提醒", "Compliance checks of allowance surrender", "#12"),)),
    Role.CITIZEN: RoleHome(
        ("个人碳账户", "Personal carbon account"), _ACCOUNT, (
            ("绿色出行、垃圾分类等低碳行为自动记分", "Points for low-carbon behaviour", "#14"),
            ("碳积分明细与兑换", "Your points ledger and redemption", "#14"),
            ("个人碳足迹计算器", "Personal carbon-footprint calculator", "#14"))),
}


def _region_form(request: Request, parent: RegionOut, *, values: dict[str, str] | None = None,
                 problems: list[dict] | None = None, status_code: int = 200) -> Response:
    return render(request, "region_new.html", {
        "parent": parent, "values": values or {}, "problems": problems or [],
        "levels": [(lvl.value, *LEVEL_LABELS[lvl.value]) for lvl in ADDABLE_LEVELS],
        "json_url": f"/api/v1/regions?parent={parent.code}",
        "provenance": list(region_sources()),
    }, status_code=status_code)


@router.get("/regions/{parent}/new")
def region_new(
    request: Request, parent: str, db: DbSession,
    user: Annotated[User, Depends(require(roles=REGION_ADMIN_ROLES, region_param="parent"))],
) -> Response:
    """Form to add a town/street, village, park or pilot zone below region `parent`."""
    return _region_form(request, RegionOut.of(require_region(db, parent)))


@router.post("/regions/{parent}/new")
def region_create(
    request: Request, parent: str, db: DbSession,
    user: Annotated[User, Depends(require(roles=REGION_ADMIN_ROLES, region_param="parent"))],
    code: Annotated[str, Form()], name_zh: Annotated[str, Form()],
    name_en: Annotated[str, Form()], level: Annotated[str, Form()],
) -> Response:
    """Add the unit; problems are listed on the form, field by field."""
    above = RegionOut.of(require_region(db, parent))
    values = {"code": code, "name_zh": name_zh, "name_en": name_en, "level": level}
    try:
        added = add_below(db, parent_code=parent, code=code, name_zh=name_zh,
                          name_en=name_en, level=level)
    except DataError as exc:
        return _region_form(request, above, values=values,
                            problems=[p.as_dict() for p in exc.problems], status_code=422)
    return RedirectResponse(f"/?region={added.parent_code}", status_code=303)

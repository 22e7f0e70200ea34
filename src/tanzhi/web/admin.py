"""User and role management for administrators (issue #11 item 9).

A province administrator manages every account; a city officer the accounts of its city and
counties, with the roles one level down (`tanzhi.access.grantable_roles`). The policy rows admit
the two roles and check that the account named in the address lies in the caller's scope (the
`username` resolver below); `tanzhi.access` decides which roles may be given, and where. Every
change runs the same services as `tanzhi user …` and is written to the audit chain under the
administrator's name with the reason shown here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tanzhi.access import (
    DEPARTMENTS,
    REGION_ROLES,
    Role,
    User,
    administered_users,
    create_user,
    disable_user,
    enable_user,
    find_user,
    grantable_roles,
    may_administer,
    require_may_grant,
    set_password,
    set_role_and_scope,
)
from tanzhi.http import CurrentUser, DbSession, Reach, render, resolves
from tanzhi.kernel import DataError, NotFound, PermissionDenied, list_regions

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["admin"])

# Region levels an account's scope may name (towns, villages and parks have no accounts).
ACCOUNT_LEVELS = ("province", "city", "county")

# What the detail page says after a change (`?done=`).
DONE: dict[str, tuple[str, str]] = {
    "created": ("账号已创建；该用户首次登录时须修改密码", "Account created; the user must change "
                "the password at the first login"),
    "role": ("角色与范围已更改，该用户的会话已全部结束", "Role and scope changed; all of the "
             "user's sessions ended"),
    "password": ("密码已重置，该用户的会话已全部结束；请将新密码告知本人，其下次登录时须修改密码",
                 "Password reset; all of the user's sessions ended. Tell the user the new "
                 "password, which they must change at the next login"),
    "disable": ("账号已停用，该用户的会话已全部结束", "Account disabled; all of the user's "
                "sessions ended"),
    "enable": ("账号已启用", "Account enabled"),
}


@resolves("username")
def user_reach(db: Session, value: str) -> Reach:
    """An account lies in its region; one without a region (citizen, enterprise reporter,
    verifier) lies with the province."""
    target = find_user(db, value)
    if target is None:
        raise NotFound(f"没有用户 {value} / no user {value}")
    if target.region_code:
        return Reach((target.region_code,))
    return Reach(tuple(r.code for r in list_regions(db, level="province")))


@dataclass(frozen=True)
class UserView:
    """An account as the admin pages show it (names, not codes)."""

    user: User
    region_name: str
    department_name: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready account (never the password hash, which `User` does not carry)."""
        u = self.user
        return {"username": u.username, "display_name": u.display_name, "role": u.role.value,
                "role_zh": u.role.label_zh, "region_code": u.region_code,
                "region_name": self.region_name, "department": u.department,
                "department_name": self.department_name, "enterprise_id": u.enterprise_id,
                "active": u.active, "must_change_password": u.must_change_password}


def _region_names(db: Session) -> dict[str, str]:
    return {r.code: r.name_zh for r in list_regions(db)}


def _view(user: User, names: dict[str, str]) -> UserView:
    return UserView(user, names.get(user.region_code or "", user.region_code or ""),
                    DEPARTMENTS.get(user.department or "", (user.department or "",))[0])


def _target(db: Session, admin: User, username: str) -> User:
    target = find_user(db, username)
    if target is None:
        raise NotFound(f"没有用户 {username} / no user {username}")
    if not may_administer(db, admin, target):
        raise PermissionDenied(f"您不能管理账号 {username} / you may not administer {username}")
    return target


def _scope_regions(db: Session, admin: User) -> list[tuple[str, str]]:
    """(code, name) of the regions `admin` may give as a scope."""
    regions = list_regions(db) if admin.role is Role.PROVINCE_ADMIN else [
        r for r in list_regions(db, parent=admin.region_code)
    ] + [r for r in list_regions(db) if r.code == admin.region_code]
    return sorted(((r.code, r.name_zh) for r in regions if str(r.level) in ACCOUNT_LEVELS),
                  key=lambda pair: pair[0])


def _form_context(db: Session, admin: User) -> dict[str, Any]:
    return {
        "roles": [r for r in grantable_roles(admin)],
        "region_roles": [r.value for r in REGION_ROLES],
        "regions": _scope_regions(db, admin),
        "departments": [(key, zh, en) for key, (zh, en) in DEPARTMENTS.items()],
    }


def _problems(exc: DataError) -> list[dict[str, Any]]:
    return [p.as_dict() for p in exc.problems]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


# ---------------------------------------------------------------------------------- the list

@pages.get("/users")
def users_page(request: Request, db: DbSession, user: CurrentUser) -> Response:
    """The accounts the administrator manages, with role, scope and state."""
    names = _region_names(db)
    return render(request, "admin_users.html", {
        "users": [_view(u, names) for u in administered_users(db, user)],
        "json_url": "/api/v1/admin/users",
    })


@api.get("/users")
def users_json(db: DbSession, user: CurrentUser) -> list[dict[str, Any]]:
    """The accounts the caller manages (JSON twin of `/admin/users`)."""
    names = _region_names(db)
    return [_view(u, names).as_dict() for u in administered_users(db, user)]


@api.get("/users/{username}")
def user_json(db: DbSession, user: CurrentUser, username: str) -> dict[str, Any]:
    """One account the caller manages."""
    return _view(_target(db, user, username), _region_names(db)).as_dict()


# ---------------------------------------------------------------------------------- create

def _new_page(request: Request, db: Session, admin: User, *, values: dict[str, str] | None = None,
              problems: list[dict[str, Any]] | None = None, status_code: int = 200) -> Response:
    return render(request, "admin_user_new.html", {
        **_form_context(db, admin), "values": values or {}, "problems": problems or [],
        "json_url": "/api/v1/admin/users",
    }, status_code=status_code)


@pages.get("/users/new")
def user_new(request: Request, db: DbSession, user: CurrentUser) -> Response:
    """The form for a new account."""
    return _new_page(request, db, user)


@pages.post("/users/new")
def user_create(
    request: Request, db: DbSession, user: CurrentUser,
    username: Annotated[str, Form()], display_name: Annotated[str, Form()],
    password: Annotated[str, Form()], role: Annotated[str, Form()],
    region_code: Annotated[str, Form()] = "", department: Annotated[str, Form()] = "",
    enterprise_id: Annotated[str, Form()] = "",
) -> Response:
    """Create the account; problems are listed on the form, field by field."""
    values = {"username": username, "display_name": display_name, "role": role,
              "region_code": region_code, "department": department,
              "enterprise_id": enterprise_id}
    db.info["reason"] = "web: create account"
    try:
        try:
            chosen = Role(role)
        except ValueError as exc:
            raise DataError.at(f"未知角色“{role}”", f"unknown role '{role}'",
                               column="role") from exc
        require_may_grant(db, user, chosen, _blank(region_code))
        if not display_name.strip():
            raise DataError.at("请填写显示名称", "the display name is empty",
                               column="display_name")
        created = create_user(
            db, username=username.strip(), password=password, role=chosen,
            display_name=display_name.strip(), region_code=_blank(region_code),
            department=_blank(department), enterprise_id=_blank(enterprise_id),
            must_change_password=True)
    except DataError as exc:
        return _new_page(request, db, user, values=values, problems=_problems(exc),
                         status_code=422)
    return RedirectResponse(f"/admin/users/{created.username}?done=created", status_code=303)


# ---------------------------------------------------------------------------------- one account

def _detail(request: Request, db: Session, admin: User, target: User, *, done: str | None = None,
            problems: list[dict[str, Any]] | None = None, status_code: int = 200) -> Response:
    return render(request, "admin_user.html", {
        **_form_context(db, admin), "view": _view(target, _region_names(db)),
        "done": DONE.get(done or ""), "problems": problems or [],
        "json_url": f"/api/v1/admin/users/{target.username}",
    }, status_code=status_code)


@pages.get("/users/{username}")
def user_page(request: Request, db: DbSession, user: CurrentUser, username: str,
              done: Annotated[str | None, Query()] = None) -> Response:
    """One account: its role and scope, a password reset, disable or enable."""
    return _detail(request, db, user, _target(db, user, username), done=done)


@pages.post("/users/{username}/role")
def user_set_role(
    request: Request, db: DbSession, user: CurrentUser, username: str,
    role: Annotated[str, Form()], region_code: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "", enterprise_id: Annotated[str, Form()] = "",
) -> Response:
    """Give the account a new role and scope; its sessions end."""
    target = _target(db, user, username)
    db.info["reason"] = "web: change role and scope"
    try:
        try:
            chosen = Role(role)
        except ValueError as exc:
            raise DataError.at(f"未知角色“{role}”", f"unknown role '{role}'",
                               column="role") from exc
        require_may_grant(db, user, chosen, _blank(region_code))
        set_role_and_scope(db, username=target.username, role=chosen,
                           region_code=_blank(region_code), department=_blank(department),
                           enterprise_id=_blank(enterprise_id))
    except DataError as exc:
        return _detail(request, db, user, target, problems=_problems(exc), status_code=422)
    return RedirectResponse(f"/admin/users/{target.username}?done=role", status_code=303)


@pages.post("/users/{username}/password")
def user_reset_password(
    request: Request, db: DbSession, user: CurrentUser, username: str,
    password: Annotated[str, Form()], password_again: Annotated[str, Form()],
) -> Response:
    """Set a new password the administrator hands over; the user's sessions end."""
    target = _target(db, user, username)
    db.info["reason"] = "web: reset password"
    if password != password_again:
        return _detail(request, db, user, target, status_code=422, problems=[{
            "column": "password_again", "message_zh": "两次输入的新密码不一致",
            "message_en": "the two new passwords differ"}])
    try:
        set_password(db, username=target.username, password=password)
    except DataError as exc:
        return _detail(request, db, user, target, problems=_problems(exc), status_code=422)
    return RedirectResponse(f"/admin/users/{target.username}?done=password", status_code=303)


@pages.post("/users/{username}/disable")
def user_disable(db: DbSession, user: CurrentUser, username: str) -> Response:
    """Disable the account: no more logins; its sessions end now."""
    target = _target(db, user, username)
    db.info["reason"] = "web: disable account"
    disable_user(db, username=target.username)
    return RedirectResponse(f"/admin/users/{target.username}?done=disable", status_code=303)


@pages.post("/users/{username}/enable")
def user_enable(db: DbSession, user: CurrentUser, username: str) -> Response:
    """Enable a disabled account (it logs in afresh)."""
    target = _target(db, user, username)
    db.info["reason"] = "web: enable account"
    enable_user(db, username=target.username)
    return RedirectResponse(f"/admin/users/{target.username}?done=enable", status_code=303)

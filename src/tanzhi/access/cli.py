"""`tanzhi user …`: create, list, re-role, reset and disable accounts from the command line.

Every change that alters what a user may do or how they log in ends their sessions
(issue #8, finding 5), and says how many it ended.
"""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from tanzhi.access.model import DEPARTMENTS, Role
from tanzhi.access.service import (
    create_user,
    disable_user,
    enable_user,
    end_user_sessions,
    list_users,
    set_password,
    set_role_and_scope,
)
from tanzhi.config import Settings
from tanzhi.kernel import make_engine, make_session_factory, unit_of_work

app = typer.Typer(help="Users and roles 用户与角色", no_args_is_help=True)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name 用户名")],
    role: Annotated[Role, typer.Option(help="Role 角色")],
    display_name: Annotated[str, typer.Option("--display-name", help="Shown name 显示名称")],
    password: Annotated[str, typer.Option(
        prompt=True, hide_input=True, confirmation_prompt=True,
        envvar="TANZHI_NEW_USER_PASSWORD", help="Password 密码 (prompted when omitted)")],
    region: Annotated[str | None, typer.Option(help="GB/T 2260 region code 地区代码")] = None,
    department: Annotated[str | None, typer.Option(
        help=f"Department 部门: {', '.join(DEPARTMENTS)} (or its Chinese short name)")] = None,
    enterprise: Annotated[str | None, typer.Option(help="Enterprise id 企业编号")] = None,
) -> None:
    """Create a user, e.g. `tanzhi user add sx --role city_officer --region 330600 …`."""
    with unit_of_work(_factory(), actor=_actor(), reason="tanzhi user add") as session:
        user = create_user(
            session, username=username, password=password, role=role,
            display_name=display_name, region_code=region, department=department,
            enterprise_id=enterprise, must_change_password=True)
    typer.echo(f"created user {user.username} ({user.role.value}) / 已创建用户 {user.username}")


def _factory() -> sessionmaker[Session]:
    return make_session_factory(make_engine(Settings()))


@app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument(help="Login name 用户名")],
    password: Annotated[str, typer.Option(
        prompt="New password 新密码", hide_input=True, confirmation_prompt=True,
        envvar="TANZHI_NEW_USER_PASSWORD", help="New password 新密码 (prompted when omitted)")],
) -> None:
    """Reset a user's password (administrator); all their sessions end."""
    with unit_of_work(_factory(), actor=_actor(), reason="tanzhi user passwd") as session:
        ended = set_password(session, username=username, password=password)
    typer.echo(f"password of {username} reset; {ended} session(s) ended / "
               f"已重置 {username} 的密码，结束 {ended} 个会话")


@app.command("set-role")
def user_set_role(
    username: Annotated[str, typer.Argument(help="Login name 用户名")],
    role: Annotated[Role, typer.Option(help="Role 角色")],
    region: Annotated[str | None, typer.Option(help="GB/T 2260 region code 地区代码")] = None,
    department: Annotated[str | None, typer.Option(help="Department 部门")] = None,
    enterprise: Annotated[str | None, typer.Option(help="Enterprise id 企业编号")] = None,
) -> None:
    """Give a user a new role and scope (the same checks as `add`); their sessions end."""
    with unit_of_work(_factory(), actor=_actor(), reason="tanzhi user set-role") as session:
        user = set_role_and_scope(session, username=username, role=role, region_code=region,
                                  department=department, enterprise_id=enterprise)
    typer.echo(f"{user.username} is now {user.role.value} ({user.region_code or '-'}); "
               f"sessions ended / {user.username} 现为{user.role.label_zh}，会话已结束")


@app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="Login name 用户名")]) -> None:
    """Disable an account: no more logins, and its sessions end now."""
    with unit_of_work(_factory(), actor=_actor(), reason="tanzhi user disable") as session:
        ended = disable_user(session, username=username)
    typer.echo(f"{username} disabled; {ended} session(s) ended / "
               f"已停用 {username}，结束 {ended} 个会话")


@app.command("enable")
def user_enable(username: Annotated[str, typer.Argument(help="Login name 用户名")]) -> None:
    """Re-enable a disabled account (it must log in afresh)."""
    with unit_of_work(_factory(), actor=_actor(), reason="tanzhi user enable") as session:
        enable_user(session, username=username)
    typer.echo(f"{username} enabled / 已启用 {username}")


@app.command("end-sessions")
def user_end_sessions(username: Annotated[str, typer.Argument(help="Login name 用户名")]) -> None:
    """Log a user out everywhere (e.g. a lost laptop)."""
    with unit_of_work(_factory(), actor=_actor(), reason="tanzhi user end-sessions") as session:
        ended = end_user_sessions(session, username=username)
    typer.echo(f"{ended} session(s) of {username} ended / 已结束 {username} 的 {ended} 个会话")


@app.command("list")
def user_list() -> None:
    """List users with their role and scope."""
    with _factory()() as session:
        users = list_users(session)
    table = Table("username", "name 名称", "role 角色", "region 地区", "department 部门",
                  "enterprise 企业", "active")
    for u in users:
        table.add_row(u.username, u.display_name, f"{u.role.label_zh} {u.role.value}",
                      u.region_code or "", u.department or "", u.enterprise_id or "",
                      "yes" if u.active else "no")
    Console().print(table)

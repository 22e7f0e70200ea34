"""`tanzhi user …`: create and list accounts from the command line."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tanzhi.access.model import DEPARTMENTS, Role
from tanzhi.access.service import create_user, list_users
from tanzhi.config import Settings
from tanzhi.kernel.audit import make_session_factory
from tanzhi.kernel.db import make_engine, unit_of_work

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
    factory = make_session_factory(make_engine(Settings()))
    with unit_of_work(factory, actor=_actor(), reason="tanzhi user add") as session:
        user = create_user(
            session, username=username, password=password, role=role,
            display_name=display_name, region_code=region, department=department,
            enterprise_id=enterprise)
    typer.echo(f"created user {user.username} ({user.role.value}) / 已创建用户 {user.username}")


@app.command("list")
def user_list() -> None:
    """List users with their role and scope."""
    factory = make_session_factory(make_engine(Settings()))
    with factory() as session:
        users = list_users(session)
    table = Table("username", "name 名称", "role 角色", "region 地区", "department 部门",
                  "enterprise 企业", "active")
    for u in users:
        table.add_row(u.username, u.display_name, f"{u.role.label_zh} {u.role.value}",
                      u.region_code or "", u.department or "", u.enterprise_id or "",
                      "yes" if u.active else "no")
    Console().print(table)

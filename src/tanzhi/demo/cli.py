"""`tanzhi demo`: build the demo installation with progress bars and print its logins."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from tanzhi.config import Settings
from tanzhi.demo.service import STAGES, build_demo

_LABELS = {
    "schema": "数据库结构 schema",
    "regions": "行政区划 regions",
    "generate": "生成演示数据 generating statistics",
    "statistics": "写入统计数据 writing statistics",
    "users": "演示账号 demo logins",
    "inventory": "温室气体清单 inventories",
    "plan": "规划与实际值 plans and actuals",
    "decompose": "目标分解 target decomposition",
    "assess": "考核与试点 assessment and pilots",
    "refresh": "派生指标 derived indicators",
    "report": "报告 reports",
    "disclosure": "信息公开 public disclosure",
    "enterprise": "企业碳账户 enterprise accounts",
}


def demo(
    database_url: Annotated[str | None, typer.Option(
        "--database-url", help="SQLAlchemy URL (default: TANZHI_DATABASE_URL or the SQLite "
        "file in TANZHI_DATA_DIR)")] = None,
) -> None:
    """Build or rebuild the demo: Zhejiang statistics 2015–2025 and one login per role.

    构建（或重建）演示环境：浙江省及其市县 2015–2025 年演示统计数据，每个角色一个演示账号。
    """
    settings = Settings(database_url=database_url) if database_url else Settings()
    console = Console()
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console) as bars:
        tasks: dict[str, TaskID] = {
            s: bars.add_task(_LABELS[s], total=None, start=False) for s in STAGES}

        def progress(stage: str, done: int, total: int) -> None:
            bars.start_task(tasks[stage])
            bars.update(tasks[stage], completed=done, total=total)

        summary = build_demo(settings, progress=progress)
    table = Table(title=f"演示账号 Demo logins — 密码 password: {summary.password}")
    for column in ("用户名 username", "角色 role", "名称 name", "地区 region", "部门 department"):
        table.add_column(column)
    for user in summary.users:
        table.add_row(user.username, user.role, user.display_name, user.region_code or "",
                      user.department or user.enterprise_id or "")
    console.print(table)
    console.print(
        f"统计数据 {summary.statistics} 行（{len(summary.datasets)} 个数据集），"
        f"用时 {summary.seconds:.1f} 秒 / {summary.statistics} statistics rows in "
        f"{len(summary.datasets)} datasets, built in {summary.seconds:.1f} s "
        f"({settings.resolved_database_url})")
    console.print("各领域演示数据 / domain demo rows: " + ", ".join(
        f"{_LABELS[name]} {rows}" for name, rows in summary.domains.items()))

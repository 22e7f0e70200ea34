"""规划指标 plans: list, status, decompose."""

from __future__ import annotations

import typer

app = typer.Typer(name="plan", help="规划指标 plans: list, status, decompose.", no_args_is_help=True)

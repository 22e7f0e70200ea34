"""企业碳账户 Enterprise carbon accounts: `tanzhi enterprise …` (issue #12)."""

from __future__ import annotations

import typer

from tanzhi.enterprise.grade.cli import grade_command

app = typer.Typer(name="enterprise", no_args_is_help=True,
                  help="企业碳账户 Enterprise carbon accounts: carbon efficiency code, MRV.")
app.command("grade")(grade_command)

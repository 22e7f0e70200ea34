"""温室气体清单 GHG inventory: compute, uncertainty, import, templates."""

from __future__ import annotations

import typer

app = typer.Typer(name="inventory", help="温室气体清单 GHG inventory: compute, uncertainty, import, templates.", no_args_is_help=True)

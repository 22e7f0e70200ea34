"""Root Typer app `tanzhi`: platform commands plus each domain's sub-app."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click
import typer
from rich.console import Console

from tanzhi.config import Settings
from tanzhi.kernel.errors import TanzhiError

if TYPE_CHECKING:
    import uvicorn

app = typer.Typer(help="tanzhi 碳智 — regional climate-plan platform", no_args_is_help=True)
db_app = typer.Typer(help="Database schema 数据库", no_args_is_help=True)
audit_app = typer.Typer(help="Audit log 审计日志", no_args_is_help=True)
unit_app = typer.Typer(help="Units 计量单位", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(unit_app, name="unit")


_mounted: list[bool] = []


def cli_app() -> typer.Typer:
    """The root app with each domain's Typer sub-app mounted (`tanzhi region list` …)."""
    if not _mounted:
        _mount_domain_apps()
        _mounted.append(True)
    return app


def _mount_domain_apps() -> None:
    # Mounted when the CLI is built rather than when this module is imported (DESIGN.md:
    # nothing built at import time), so importing tanzhi.cli never drags in every domain.
    from tanzhi.access.cli import app as user_app
    from tanzhi.demo.cli import demo
    from tanzhi.inventory.cli import app as inventory_app
    from tanzhi.kernel.cli import factor_app, region_app
    from tanzhi.plan.cli import app as plan_app
    from tanzhi.report.cli import app as report_app

    app.add_typer(region_app, name="region")
    app.add_typer(factor_app, name="factor")
    app.add_typer(user_app, name="user")
    app.add_typer(inventory_app, name="inventory")
    app.add_typer(plan_app, name="plan")
    app.add_typer(report_app, name="report")
    app.command("demo")(demo)


err = Console(stderr=True, soft_wrap=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Create or upgrade the database schema (Alembic)."""
    from tanzhi.migrate import upgrade

    settings = Settings()
    upgrade(settings, revision)
    typer.echo(f"database at {revision}: {settings.resolved_database_url}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain and report any edited or deleted entry."""
    from sqlalchemy import func, select

    from tanzhi.kernel.audit import AuditEntry, make_session_factory, verify_chain
    from tanzhi.kernel.db import make_engine

    factory = make_session_factory(make_engine(Settings()))
    with factory() as session:
        findings = verify_chain(session)
        total = session.scalar(select(func.count()).select_from(AuditEntry))
    if findings:
        for f in findings:
            err.print(f"[red]✗[/red] {f}")
        raise typer.Exit(code=1)
    typer.echo(f"audit chain intact: {total} entries / 审计链完整：{total} 条")


@unit_app.command("convert")
def unit_convert(quantity: str, unit: str) -> None:
    """Convert a quantity, e.g. `tanzhi unit convert "1 万吨标准煤" GJ` → 293076."""
    from tanzhi.kernel.units import COAL_CONTEXT, parse_quantity, registry

    q = parse_quantity(quantity)
    target = registry().Unit(unit)
    # Crossing between standard coal and joules is the GB/T 2589 definition, which a user who
    # asks for it explicitly means; kWh→tce stays an error (different dimension, no context).
    with registry().context(COAL_CONTEXT):
        try:
            value = q.to(target).magnitude
        except Exception:  # noqa: BLE001 — re-raised with the bilingual dimension message
            from tanzhi.kernel.units import conversion_factor

            value = q.magnitude * conversion_factor(str(q.units), unit)
    typer.echo(f"{value:.10g}")


def serve_config(settings: Settings, host: str, port: int) -> uvicorn.Config:
    """The uvicorn configuration `tanzhi serve` runs.

    uvicorn's own proxy-header handling is off: by default it believes `X-Forwarded-For` from
    loopback and rewrites the client address before the app sees it, which let any local
    process (or a proxy passing the header through) reset the login throttle (issue #8,
    finding 8).  The app decides from `TANZHI_TRUSTED_PROXIES` instead (`client_address`).
    """
    import uvicorn

    from tanzhi.web import create_app

    return uvicorn.Config(create_app(settings), host=host, port=port, proxy_headers=False,
                          server_header=False)


@app.command("serve")
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the web app.

    On a non-loopback address, cookies are Secure unless `TANZHI_SECURE_COOKIES` says
    otherwise, and a generated session key or insecure cookies are announced loudly on stderr
    and in the log (issue #8, item 1).
    """
    import logging

    import uvicorn

    from tanzhi.web.app import exposure_warnings, serving_settings

    settings = serving_settings(Settings(), host)
    warnings = exposure_warnings(settings, host)
    for warning in warnings:
        err.print(f"[bold red]警告[/bold red] {warning.zh}")
        err.print(f"[bold red]WARNING[/bold red] {warning.en}")
    config = serve_config(settings, host, port)  # configures uvicorn's loggers
    for warning in warnings:
        logging.getLogger("uvicorn.error").warning("%s / %s", warning.zh, warning.en)
    uvicorn.Server(config).run()


def main() -> None:
    """Entry point: run the app, turning tanzhi errors into a clear message and exit code 2."""
    try:
        # With standalone_mode off, click returns (not raises) the code of a `typer.Exit`.
        code = cli_app()(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except TanzhiError as exc:
        err.print(f"[red]错误 / error:[/red] {exc}")
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (typer.Exit, click.exceptions.Exit) as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(1)

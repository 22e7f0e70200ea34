"""Root Typer app `tanzhi`: platform commands plus each domain's sub-app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer
from rich.console import Console

from tanzhi.config import Settings
from tanzhi.kernel import TanzhiError, python_text_storage

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
    from tanzhi.enterprise.cli import app as enterprise_app
    from tanzhi.inventory.cli import app as inventory_app
    from tanzhi.kernel.cli import factor_app, region_app
    from tanzhi.plan.cli import app as plan_app
    from tanzhi.report import cli_app as report_app

    app.add_typer(region_app, name="region")
    app.add_typer(factor_app, name="factor")
    app.add_typer(user_app, name="user")
    app.add_typer(inventory_app, name="inventory")
    app.add_typer(plan_app, name="plan")
    app.add_typer(report_app, name="report")
    app.add_typer(enterprise_app, name="enterprise")
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
def audit_verify(
    show: int = typer.Option(50, help="Findings shown per kind (chain, rows, checkpoints)."),
) -> None:
    """Check the keyed chain, every audited table against its last recorded image, and every
    signed checkpoint; exit 1 on any finding (issue #8, finding 10)."""
    from sqlalchemy import func, select

    from tanzhi.kernel import (
        AuditCheckpoint,
        AuditEntry,
        make_engine,
        make_session_factory,
        verify_chain,
        verify_checkpoints,
        verify_rows,
    )
    from tanzhi.migrate import metadata

    metadata()  # every domain's tables, so each is compared
    engine = make_engine(Settings())
    with make_session_factory(engine)() as session:
        found = {"chain": verify_chain(session), "rows": verify_rows(session),
                 "checkpoints": verify_checkpoints(session)}
        total = session.scalar(select(func.count()).select_from(AuditEntry))
        signed = session.scalar(select(func.count()).select_from(AuditCheckpoint))
    engine.dispose()
    bad = False
    for kind, findings in found.items():
        for f in findings[:show]:
            err.print(f"[red]✗[/red] {kind}: {f}", markup=True, highlight=False)
        if len(findings) > show:
            more = len(findings) - show
            err.print(f"… 另有 {more} 处 / … and {more} more ({kind})")
        bad = bad or bool(findings)
    if bad:
        counts = ", ".join(f"{k} {len(v)}" for k, v in found.items())
        err.print(f"审计校验未通过 / audit verification failed: {counts}")
        raise typer.Exit(code=1)
    typer.echo(f"audit chain intact: {total} entries, every audited table matches its last "
               f"recorded image, {signed} checkpoint(s) valid / 审计链完整：{total} 条，"
               f"各表与审计记录一致，{signed} 个检查点有效")


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the chain's head (Ed25519) into kernel_audit_checkpoint and print it; keep the
    printed line somewhere else too."""
    import json

    from tanzhi.kernel import make_engine, make_session_factory, unit_of_work, write_checkpoint

    engine = make_engine(Settings())
    with unit_of_work(make_session_factory(engine), actor="cli:audit-checkpoint") as session:
        cp = write_checkpoint(session)
    engine.dispose()
    typer.echo(json.dumps(cp.as_dict(), ensure_ascii=False))


@app.command("backup")
def backup_cmd(
    out: Annotated[Path, typer.Argument(help="Archive to write (e.g. tanzhi.backup).")],
) -> None:
    """Back up the database while it may be serving: SQLite online backup, or pg_dump in a
    snapshot; the archive carries a manifest (revision, rows per table, audit head)."""
    from tanzhi.kernel import write_backup as backup

    m = backup(Settings(), out)
    head = m.head["seq"] if m.head else 0
    typer.echo(f"backup written: {out} ({m.backend}, revision {m.revision}, {len(m.tables)} "
               f"tables, {m.rows} rows, audit head #{head}) / 备份完成")


@app.command("restore")
def restore_cmd(
    archive: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                            help="Archive to restore.")],
    force: Annotated[bool, typer.Option("--force",
                                        help="Overwrite a database that holds data.")] = False,
) -> None:
    """Restore an archive made by `tanzhi backup`, checked against its manifest; then run
    `tanzhi audit verify` (it needs this installation's keys in <data_dir>/keys)."""
    from alembic.script import ScriptDirectory

    from tanzhi.kernel import make_engine
    from tanzhi.kernel import restore_backup as restore
    from tanzhi.migrate import alembic_config

    settings = Settings()
    engine = make_engine(settings)
    scripts = ScriptDirectory.from_config(alembic_config(engine))
    engine.dispose()
    known = {rev.revision for rev in scripts.walk_revisions()}
    m = restore(settings, archive, force=force, known_revisions=known)
    head = m.head["seq"] if m.head else 0
    typer.echo(f"restored {archive}: {len(m.tables)} tables, {m.rows} rows, revision "
               f"{m.revision}, audit head #{head}, made {m.created_at} / 恢复完成")


@unit_app.command("convert")
def unit_convert(quantity: str, unit: str) -> None:
    """Convert a quantity, e.g. `tanzhi unit convert "1 万吨标准煤" GJ` → 293076."""
    from tanzhi.kernel import COAL_CONTEXT, parse_quantity, registry

    q = parse_quantity(quantity)
    target = registry().Unit(unit)
    # Crossing between standard coal and joules is the GB/T 2589 definition, which a user who
    # asks for it explicitly means; kWh→tce stays an error (different dimension, no context).
    with registry().context(COAL_CONTEXT):
        try:
            value = q.to(target).magnitude
        except Exception:  # noqa: BLE001 — re-raised with the bilingual dimension message
            from tanzhi.kernel import conversion_factor

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

    return uvicorn.Config(create_app(settings, precompute_views=True), host=host, port=port,
                          proxy_headers=False, server_header=False)


@app.command("serve")
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the web app.

    On a non-loopback address, cookies are Secure unless `TANZHI_SECURE_COOKIES` says
    otherwise, and a generated session key or insecure cookies are announced loudly on stderr
    and in the log (issue #8, item 1).
    """
    import logging

    import uvicorn

    from tanzhi.web import exposure_warnings, serving_settings, warm_templates, warm_up

    settings = serving_settings(Settings(), host)
    warnings = exposure_warnings(settings, host)
    for warning in warnings:
        err.print(f"[bold red]警告[/bold red] {warning.zh}")
        err.print(f"[bold red]WARNING[/bold red] {warning.en}")
    config = serve_config(settings, host, port)  # configures uvicorn's loggers
    warm_up()  # the category tree and unit registry load now, not in the first request
    warm_templates(config.app)  # so do the compiled templates of both languages
    for warning in warnings:
        logging.getLogger("uvicorn.error").warning("%s / %s", warning.zh, warning.en)
    uvicorn.Server(config).run()


def main(args: list[str] | None = None) -> None:
    """Entry point: run the app, turning tanzhi errors into a clear message and exit code 2.

    `args` defaults to the command line; the test suite passes its own to run a command in
    process (tests/conftest.py `tanzhi_cli`)."""
    python_text_storage()  # the engines' frames: kernel.frames.python_text_storage, issue #9
    try:
        # With standalone_mode off, click returns (not raises) the code of a `typer.Exit`.
        code = cli_app()(args=args, standalone_mode=False)
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

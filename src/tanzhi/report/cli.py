"""报告 reports: inventory report and plan evaluation as HTML, PDF, DOCX.

    tanzhi report inventory --region CODE --year Y --format html|pdf|docx -o OUT
    tanzhi report evaluation PLAN_ID [--kind final|midterm] --format html|pdf|docx -o OUT

Each run builds the document from the current database, stores it (with the lineage of its
inputs, as the web pages do) and writes the chosen format to OUT.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

app = typer.Typer(name="report", help="报告 reports: inventory report and plan evaluation as "
                  "HTML, PDF, DOCX.", no_args_is_help=True)
err = Console(stderr=True)


class Fmt(StrEnum):
    """Output formats."""

    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"


class Kind(StrEnum):
    """Evaluation kinds."""

    FINAL = "final"
    MIDTERM = "midterm"


def _run(kind: str, parameters: dict[str, Any], fmt: Fmt, out: Path | None, reason: str) -> None:
    from tanzhi.config import Settings
    from tanzhi.kernel import make_session_factory, unit_of_work, upgraded_engine
    from tanzhi.report.service.generate import generate_report, report_output

    settings = Settings()
    factory = make_session_factory(upgraded_engine(settings, "report_document"))
    with err.status(f"生成报告 / generating the report ({fmt.value}) …"), \
            unit_of_work(factory, actor="cli", reason=reason) as session:
        info = generate_report(session, settings.data_dir, kind=kind, parameters=parameters,
                               actor="cli", formats=())
        content, _media, name = report_output(session, settings.data_dir, info.id, fmt.value)
    target = out or Path(name)
    target.write_bytes(content)
    reused = ", unchanged inputs: stored report reused" if info.reused else ""
    err.print(f"[green]{info.title}[/green] → {target} ({len(content):,} bytes; "
              f"report #{info.id}{reused})")


@app.command("inventory")
def inventory_command(
    region: Annotated[str, typer.Option("--region", help="Region code (GB/T 2260).")],
    year: Annotated[int, typer.Option("--year", help="Inventory year.")],
    fmt: Annotated[Fmt, typer.Option("--format", help="Output format.")] = Fmt.PDF,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Output file.")] = None,
    run_id: Annotated[str | None, typer.Option("--run", help="Inventory run id (default: "
                                               "the latest).")] = None,
) -> None:
    """The draft inventory report (清单报告) of a region and year."""
    _run("inventory", {"region_code": region, "year": year, "run_id": run_id}, fmt, out,
         "report inventory")


@app.command("evaluation")
def evaluation_command(
    plan_id: Annotated[str, typer.Argument(help="Plan id, e.g. sx-fyp14-climate.")],
    kind: Annotated[Kind, typer.Option("--kind", help="final (period end) or midterm.")]
    = Kind.FINAL,
    fmt: Annotated[Fmt, typer.Option("--format", help="Output format.")] = Fmt.PDF,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Output file.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Region (default: the "
                                               "plan's).")] = None,
) -> None:
    """The mid-term or final evaluation (中期/终期评估) of a plan."""
    _run(f"evaluation_{kind.value}", {"plan_id": plan_id, "region_code": region}, fmt, out,
         "report evaluation")

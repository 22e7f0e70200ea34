"""规划指标 plans: list, status, decompose, and the warning jobs (overdue check, webhook delivery).

Contract (README):

    tanzhi plan list
    tanzhi plan status PLAN_ID [--region CODE] [--year Y] [--format csv|json]
        -> indicator_id,name,unit,baseline,target,actual,completion,time_progress,status,
           required_annual_rate
    tanzhi plan decompose PLAN_ID INDICATOR_ID --method equal|intensity|weighted ...
    tanzhi plan coverage [--year Y] [--detail]
        -> plan_id,quantitative,with_status,missing_with_owner
           (--detail: plan_id,indicator_id,name,status,year,missing_zh,missing_en,owner,since)
    tanzhi plan assign PLAN_ID INDICATOR_ID VALUE --source DOC [--basis value|reduction_pct]
        [--region CHILD]

Commands work on the configured database (``TANZHI_*`` settings); when it holds no plan yet,
the packaged seed plans are synced first.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from tanzhi.config import Settings
from tanzhi.kernel import (
    TanzhiError,
    csv_dict_writer,
    make_session_factory,
    unit_of_work,
    upgraded_engine,
)
from tanzhi.plan.decompose.cli import decompose_command

app = typer.Typer(name="plan", help="规划指标 plans: list, status, decompose.",
                  no_args_is_help=True)
CONTRACT_COLUMNS = ["indicator_id", "name", "unit", "baseline", "target", "actual", "completion",
                    "time_progress", "status", "required_annual_rate"]
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    """Output format of `tanzhi plan status`."""

    CSV = "csv"
    JSON = "json"
    TABLE = "table"


def _factory():  # noqa: ANN202 — a sessionmaker
    engine = upgraded_engine(Settings(), "plan_edition")
    return make_session_factory(engine)


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


@app.command("list")
def list_command(
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.TABLE,
) -> None:
    """List the plans in the database (syncing the packaged seed plans on first use)."""
    from tanzhi.plan.service import ensure_plans, list_plan_records

    with unit_of_work(_factory(), actor="cli", reason="plan list") as session:
        ensure_plans(session)
        records = list_plan_records(session)
        rows = [{"plan_id": r.plan_id, "edition": r.edition, "region_code": r.region_code,
                 "title_zh": r.title_zh, "status": r.status,
                 "period": f"{r.period_start}-{r.period_end}",
                 "indicators": r.indicator_count, "defects": r.defect_count} for r in records]
    if fmt is Format.JSON:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    if fmt is Format.CSV:
        typer.echo(_csv(rows, list(rows[0]) if rows else []), nl=False)
        return
    table = Table("plan_id", "edition", "region", "title", "status", "period", "indicators",
                  "defects")
    for r in rows:
        table.add_row(r["plan_id"], r["edition"], r["region_code"], r["title_zh"], r["status"],
                      r["period"], str(r["indicators"]), str(r["defects"]))
    out.print(table)


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv_dict_writer(buffer, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return buffer.getvalue()


@app.command("status")
def status_command(
    plan_id: Annotated[str, typer.Argument(help="Plan id, e.g. sx-fyp14-climate.")],
    region: Annotated[str | None, typer.Option("--region", help="Region code (default: the "
                                               "plan's region; a child region uses its "
                                               "decomposed targets).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Status as of this year "
                                             "(default: the latest actual).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.CSV,
) -> None:
    """Indicator status: completion, time progress, traffic light, annual rate still required."""
    from tanzhi.plan.service import ensure_plans, status_table

    try:
        with unit_of_work(_factory(), actor="cli", reason="plan status") as session:
            ensure_plans(session)
            frame = status_table(session, plan_id, region_code=region, year=year)
    except TanzhiError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=1) from exc
    rows = [{k: _clean(v) for k, v in rec.items()} for rec in frame.to_dict("records")]
    if fmt is Format.JSON:
        typer.echo(json.dumps([{k: r[k] for k in CONTRACT_COLUMNS} | {
            "status_note": r["status_note"], "year": r["year"], "region_code": r["region_code"]}
            for r in rows], ensure_ascii=False, indent=1))
        return
    if fmt is Format.CSV:
        typer.echo(_csv(rows, CONTRACT_COLUMNS), nl=False)
        return
    table = Table(*CONTRACT_COLUMNS)
    for r in rows:
        table.add_row(*("" if r[k] is None else (f"{r[k]:.4g}" if isinstance(r[k], float)
                                                  else str(r[k])) for k in CONTRACT_COLUMNS))
    out.print(table)


@app.command("coverage")
def coverage_command(
    year: Annotated[int | None, typer.Option("--year", help="Year rated (default: each "
                                             "plan's end year).")] = None,
    detail: Annotated[bool, typer.Option("--detail", help="One row per quantitative "
                                         "indicator: status, or what is missing, who owes "
                                         "it and since when.")] = False,
) -> None:
    """Status coverage per plan: plan_id,quantitative,with_status,missing_with_owner (CSV)."""
    from tanzhi.plan.service import (
        COVERAGE_COLUMNS,
        DETAIL_COLUMNS,
        ensure_plans,
        indicator_coverage,
        list_plan_records,
        plan_coverage,
    )

    with unit_of_work(_factory(), actor="cli", reason="plan coverage") as session:
        ensure_plans(session)
        if detail:
            frame = pd.concat([indicator_coverage(session, r.plan_id, year=year)
                               for r in list_plan_records(session)], ignore_index=True)
            columns = DETAIL_COLUMNS
        else:
            frame, columns = plan_coverage(session, year=year), COVERAGE_COLUMNS
    rows = [{k: _clean(v) for k, v in rec.items()} for rec in frame.to_dict("records")]
    typer.echo(_csv(rows, columns), nl=False)


@app.command("assign")
def assign_command(
    plan_id: Annotated[str, typer.Argument(help="Plan id, e.g. tz-fyp14-climate.")],
    indicator_id: Annotated[str, typer.Argument(help="Indicator whose target the level above "
                                                "sets.")],
    value: Annotated[float, typer.Argument(help="The assigned target.")],
    source: Annotated[str, typer.Option("--source", help="The document that assigns it.")],
    basis: Annotated[str, typer.Option("--basis", help="value (in the indicator's unit) or "
                                       "reduction_pct (a % cut of the base-year level).")
                     ] = "value",
    provisional: Annotated[bool, typer.Option("--provisional")] = False,
    region: Annotated[str | None, typer.Option(
        "--region", help="A direct child region the plan's region assigns the target to "
                         "(default: the plan's own region).")] = None,
) -> None:
    """Enter the target the level above assigned (上级下达); status uses it from now on."""
    from tanzhi.plan.service import enter_assignment

    try:
        with unit_of_work(_factory(), actor="cli", reason="plan assign") as session:
            row = enter_assignment(session, plan_id=plan_id, indicator_id=indicator_id,
                                   value=value, source=source, basis=basis,
                                   provisional=provisional, actor="cli", region_code=region)
            out.print(f"{row.plan_id} {row.indicator_id} {row.region_code} = {row.value:g} "
                      f"({row.basis})")
    except TanzhiError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=1) from exc


@app.command("check-overdue")
def check_overdue_command(
    today: Annotated[str | None, typer.Option("--today", help="Date to check against "
                                              "(YYYY-MM-DD; default today).")] = None,
) -> None:
    """Raise warnings for annual figures not reported by their due date."""
    from tanzhi.plan.service import check_overdue

    day = date.fromisoformat(today) if today else date.today()
    with unit_of_work(_factory(), actor="cli", reason="plan check-overdue") as session:
        written = check_overdue(session, day)
    out.print(f"{written} 条预警已生成 / warnings written")


@app.command("sync-warnings")
def sync_warnings_command() -> None:
    """Re-light every plan: warn the owners of amber and red indicators, resolve the rest."""
    from tanzhi.plan.service import sync_warnings

    with unit_of_work(_factory(), actor="cli", reason="plan sync-warnings") as session:
        written = sync_warnings(session, actor="cli")
    out.print(f"{written} 条预警已生成 / warnings written")


@app.command("deliver")
def deliver_command() -> None:
    """Deliver queued warnings to the webhook (settings warning_webhook_url / _secret)."""
    from tanzhi.plan.service import deliver_outbox

    settings = Settings()
    with unit_of_work(_factory(), actor="cli", reason="plan deliver") as session:
        counts = deliver_outbox(session, url=settings.warning_webhook_url,
                                secret=settings.warning_webhook_secret)
    out.print_json(json.dumps(counts))


@app.command("import")
def import_command(
    workbook: Annotated[Path, typer.Argument(help="Plan workbook (.xlsx) as `plan workbook` "
                                                  "writes it.", exists=True, dir_okay=False)],
) -> None:
    """Import a plan workbook as a new edition (all or nothing), with a progress bar."""
    from tanzhi.kernel import progress_bar
    from tanzhi.plan.service import save_plan
    from tanzhi.plan.service.workbook import read_plan_workbook

    with progress_bar(err, f"导入 / import {workbook.name}") as progress:
        progress(0, 2, "读取工作簿 / reading the workbook")
        plan = read_plan_workbook(workbook)
        progress(1, 2, f"保存 {len(plan.indicators)} 项指标 / saving {len(plan.indicators)} "
                       "indicators")
        with unit_of_work(_factory(), actor="cli", reason=f"plan import {workbook.name}") as s:
            record = save_plan(s, plan, actor="cli", origin="workbook")
        progress(2, 2, "完成 / done")
    out.print(f"{record.plan_id} {record.edition}")


app.command("decompose")(decompose_command)

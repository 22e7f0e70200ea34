"""Kernel command-line sub-apps: `tanzhi region …` (administrative regions), `tanzhi factor …`."""

from __future__ import annotations

import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tanzhi.config import Settings
from tanzhi.kernel.audit import make_session_factory
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.exports import csv_dict_writer, csv_writer
from tanzhi.kernel.regions import (
    Region,
    RegionLevel,
    RegionRow,
    add_region,
    list_regions,
    packaged_regions,
    seed_regions,
    select_regions,
)


class OutputFormat(StrEnum):
    """How a listing command prints its rows."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


err = Console(stderr=True)


def existing_engine(settings: Settings) -> Engine | None:
    """An engine on the configured database, or None when its SQLite file does not exist yet.

    Read-only commands use it so that looking something up never creates an empty database.
    """
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in {"", ":memory:"} or not Path(database).is_file():
            return None
    return make_engine(settings)


def upgraded_engine(settings: Settings, table: str) -> Engine:
    """An engine on a database that has `table`; otherwise say to run `db upgrade`, exit 2."""
    engine = existing_engine(settings)
    if engine is None or not inspect(engine).has_table(table):
        if engine is not None:
            engine.dispose()
        err.print("[red]数据库尚未建立，请先运行 `tanzhi db upgrade` / "
                  "no database yet: run `tanzhi db upgrade` first[/red]")
        raise typer.Exit(code=2)
    return engine


# --- region_app: `tanzhi region list|add` -----------------------------------------------------

region_app = typer.Typer(help="Administrative regions 行政区划", no_args_is_help=True)


def _installed_regions(settings: Settings) -> list[Region]:
    """Packaged regions, overlaid by the database's `kernel_region` rows when it has them."""
    merged = {r.code: r for r in packaged_regions()}
    engine = existing_engine(settings)
    if engine is None:
        return list(merged.values())
    try:
        if inspect(engine).has_table(RegionRow.__tablename__):
            with make_session_factory(engine)() as session:
                merged.update((r.code, r) for r in list_regions(session))
    except OperationalError as exc:
        err.print(f"[yellow]数据库不可用，仅列出内置行政区 / database unavailable, "
                  f"showing packaged regions only:[/yellow] {exc.orig}")
    finally:
        engine.dispose()
    return list(merged.values())


@region_app.command("list")
def region_list(
    parent: Annotated[str | None, typer.Option(
        "--parent", help="Only units below this code, at any depth (e.g. 330000).")] = None,
    level: Annotated[RegionLevel | None, typer.Option("--level", help="Only this level.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE),
) -> None:
    """List regions: packaged (GB/T 2260) plus any added to this installation's database."""
    regions = select_regions(_installed_regions(Settings()), parent=parent, level=level)
    if fmt is OutputFormat.CSV:
        buf = io.StringIO()
        writer = csv_writer(buf, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent"])
        writer.writerows([r.code, r.name_zh, r.level.value, r.parent_code or ""] for r in regions)
        typer.echo(buf.getvalue(), nl=False)
    elif fmt is OutputFormat.JSON:
        rows = [
            {"code": r.code, "name": r.name_zh, "name_en": r.name_en, "level": r.level.value,
             "parent": r.parent_code, "packaged": r.packaged}
            for r in regions
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"行政区 / regions: {len(regions)}")
        for column in ("code", "name", "name_en", "level", "parent"):
            table.add_column(column)
        for r in regions:
            table.add_row(r.code, r.name_zh, r.name_en, r.level.value, r.parent_code or "")
        Console().print(table)


@region_app.command("add")
def region_add(
    code: Annotated[str, typer.Argument(
        help="Code, e.g. 330102001000 (town) or 330102P001 (park).")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="Chinese name 中文名称.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    level: Annotated[RegionLevel, typer.Option("--level", help="Level of the new unit.")],
    parent: Annotated[str, typer.Option("--parent", help="Code of the region directly above.")],
) -> None:
    """Add a town, village, park or pilot zone below an existing region (audited, actor `cli`)."""
    engine = upgraded_engine(Settings(), RegionRow.__tablename__)
    try:
        with unit_of_work(make_session_factory(engine), actor="cli",
                          reason=f"region add {code}") as session:
            # The parent may be a packaged region the database was never seeded with.
            seed_regions(session)
            region = add_region(session, code=code, name_zh=name_zh, name_en=name_en,
                                level=level, parent_code=parent)
    finally:
        engine.dispose()
    typer.echo(f"added / 已添加 {region.code} {region.name_zh} ({region.name_en}), "
               f"{region.level.value} under {region.parent_code}")


# --- factor_app: `tanzhi factor list|show|items|load|sets` (owner: factors helper) ------------

factor_app = typer.Typer(help="Emission factors 排放因子库", no_args_is_help=True)


def _emit_rows(rows: list[dict[str, object]], columns: list[str], fmt: OutputFormat,
               title: str) -> None:
    """Print dict rows as a rich table, CSV or JSON."""
    if fmt is OutputFormat.CSV:
        buf = io.StringIO()
        writer = csv_dict_writer(buf, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: "" if row.get(k) is None else row.get(k) for k in columns}
                         for row in rows)
        typer.echo(buf.getvalue(), nl=False)
    elif fmt is OutputFormat.JSON:
        typer.echo(json.dumps([{k: row.get(k) for k in columns} for row in rows],
                              ensure_ascii=False, indent=2))
    else:
        table = Table(title=title)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        Console().print(table)


@factor_app.command("list")
def factor_list(
    dataset: Annotated[str | None, typer.Option(
        "--dataset", help="Only this dataset, e.g. cn-prov-2011, ipcc-2006.")] = None,
    item: Annotated[str | None, typer.Option(
        "--item", help="Only this item (Chinese or English name, e.g. 原煤).")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE),
) -> None:
    """List packaged factors (id, item, parameter, value, unit, region, years, provisional)."""
    from tanzhi.kernel.factors import FACTOR_FIELDS, default_library

    factors = default_library().select(dataset=dataset, item=item)
    rows = [f.as_dict() for f in factors]
    if fmt is OutputFormat.TABLE:
        for row in rows:
            row["years"] = "–".join(str(y) for y in (row["year_from"], row["year_to"])
                                    if y is not None)
            row["provisional"] = "暂定" if row["provisional"] else ""
            row["value"] = f"{row['value']:.10g}"
        columns = ["id", "item_zh", "gas", "value", "unit", "region_code", "years",
                   "provisional"]
    else:
        columns = list(FACTOR_FIELDS)
    _emit_rows(rows, columns, fmt, f"排放因子 / factors: {len(rows)}")


@factor_app.command("show")
def factor_show(
    factor_id: Annotated[str, typer.Argument(help="Factor id, e.g. cn-prov-2011/raw_coal/ncv.")],
) -> None:
    """Show every field of one packaged factor, with its source and note."""
    from tanzhi.kernel.factors import default_library

    factor = default_library().by_id(factor_id)
    table = Table(title=factor.id, show_header=False)
    table.add_column("field")
    table.add_column("value", overflow="fold")
    for key, value in factor.as_dict().items():
        table.add_row(key, "" if value is None else str(value))
    Console().print(table)


@factor_app.command("items")
def factor_items(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE),
) -> None:
    """List the canonical items (fuels, products, animals, waste, electricity, heat …)."""
    from tanzhi.kernel.factors import default_library

    frame = default_library().items()
    rows = frame.to_dict("records")
    _emit_rows(rows, list(frame.columns), fmt, f"项目 / items: {len(rows)}")


@factor_app.command("load")
def factor_load(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx factor file.", exists=True,
                                         dir_okay=False)],
    name: Annotated[str, typer.Option("--name", help="Name of the factor set 因子集名称.")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet name.")] = None,
    publish: Annotated[bool, typer.Option(
        "--publish", help="Publish the new version at once (it becomes immutable).")] = False,
) -> None:
    """Store a user factor set (a new draft version of NAME) from a file; all or nothing."""
    from tanzhi.kernel.factor_sets import FactorSetRow, load_factor_set, publish_factor_set

    engine = upgraded_engine(Settings(), FactorSetRow.__tablename__)
    try:
        with unit_of_work(make_session_factory(engine), actor="cli",
                          reason=f"factor load {file.name} as {name}") as session:
            stored = load_factor_set(session, file, name=name, created_by="cli", sheet=sheet)
            if publish:
                stored = publish_factor_set(session, stored.id)
    finally:
        engine.dispose()
    typer.echo(f"stored / 已保存 factor set #{stored.id} {stored.name} v{stored.version} "
               f"({stored.status.value}): {stored.n_factors} factors")


@factor_app.command("sets")
def factor_sets(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE),
) -> None:
    """List the user factor sets stored in this installation's database."""
    from tanzhi.kernel.factor_sets import FactorSetRow, list_factor_sets

    engine = existing_engine(Settings())
    sets = []
    if engine is not None:
        try:
            if inspect(engine).has_table(FactorSetRow.__tablename__):
                with make_session_factory(engine)() as session:
                    sets = list_factor_sets(session)
        finally:
            engine.dispose()
    rows = [
        {"id": s.id, "name": s.name, "version": s.version, "status": s.status.value,
         "published_at": s.published_at.isoformat() if s.published_at else None,
         "supersedes_id": s.supersedes_id, "created_by": s.created_by, "n_factors": s.n_factors}
        for s in sets
    ]
    _emit_rows(rows, ["id", "name", "version", "status", "published_at", "supersedes_id",
                      "created_by", "n_factors"], fmt, f"因子集 / factor sets: {len(rows)}")

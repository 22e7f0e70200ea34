"""温室气体清单 GHG inventory: compute, uncertainty, import, templates (`tanzhi inventory …`).

Pure file-in, table-out commands (no database): they read an ACTIVITY file (and optionally a
factor override FILE), run `tanzhi.inventory.calc`, and print CSV/JSON (or write .xlsx).  Every
`TanzhiError` (bad input names file, row and column) is printed in Chinese and English and ends
the command with exit code 2, as the root `tanzhi.cli.main` does.

GWP: when ``--gwp`` is not given the commands use AR5 and say so on stderr and in the output's
``gwp`` column.  AR5 (IPCC 2013, GWP100 without climate-carbon feedback) is what China's
provincial inventory practice uses now: China's first Biennial Transparency Report (2024)
reports CO2e with AR5 values under the Paris Agreement's enhanced transparency framework
(decision 18/CMA.1, para. 37), which provincial inventories follow for comparability; the 2011
provincial guideline's SAR values remain available with ``--gwp SAR``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from tanzhi.kernel import DataError, Problem, TanzhiError

app = typer.Typer(name="inventory", no_args_is_help=True,
                  help="温室气体清单 GHG inventory: compute, uncertainty, import, templates.")

DEFAULT_GWP = "AR5"
T = TypeVar("T")


class Gwp(StrEnum):
    """GWP100 sets of `tanzhi.kernel.gwp`."""

    SAR = "SAR"
    AR4 = "AR4"
    AR5 = "AR5"
    AR6 = "AR6"


class ComputeFormat(StrEnum):
    """Output of `compute`."""

    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


class TableFormat(StrEnum):
    """Output of `uncertainty` and `balance`."""

    CSV = "csv"
    JSON = "json"


class CeadsLayout(StrEnum):
    """Output of `ceads`."""

    ROWS = "rows"
    CEADS = "ceads"


class Method(StrEnum):
    """IPCC uncertainty approach."""

    PROPAGATION = "propagation"
    MONTECARLO = "montecarlo"


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _guard(run: Callable[[], T]) -> T:
    """Run a command body; tanzhi errors → bilingual message on stderr, exit code 2."""
    try:
        return run()
    except TanzhiError as exc:
        _err().print(f"[red]错误 / error:[/red] {exc}", markup=True, soft_wrap=True)
        if "name a variant" in str(exc):
            _err().print("提示：用 --variant <项目>/<参数>=<类型> 指定，如 "
                         "--variant waste_incineration/EF_N2O=msw_continuous / hint: choose "
                         "with --variant <item>/<parameter>=<variant>")
        raise typer.Exit(code=2) from None


def _gwp(gwp: Gwp | None) -> str:
    if gwp is not None:
        return gwp.value
    _err().print(f"未指定 GWP，使用 {DEFAULT_GWP}（GWP100）/ no --gwp given: using "
                 f"{DEFAULT_GWP} (GWP100)")
    return DEFAULT_GWP


def _variants(values: list[str] | None) -> dict[str, str] | None:
    if not values:
        return None
    out = {}
    for text in values:
        key, sep, value = text.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise DataError(Problem(f"--variant 应写作 键=值（如 OX=uncovered），而不是“{text}”",
                                    f"--variant takes KEY=VALUE (e.g. OX=uncovered), not "
                                    f"'{text}'"))
        out[key.strip()] = value.strip()
    return out


def _load(activity: Path, factors: Path | None, variants: list[str] | None):
    """Read the files and compute the Estimate: (estimate, frame, library)."""
    from tanzhi.inventory.formats.activity import read_activity, read_factor_overrides
    from tanzhi.inventory.formats.factors import FactorOverrides, check_overrides_used
    from tanzhi.inventory.formats.locate import compute_located
    from tanzhi.inventory.model import InventoryOptions
    from tanzhi.kernel import default_library

    library = read_factor_overrides(factors) if factors is not None else default_library()
    frame = read_activity(activity, factors=library if factors is not None else None)
    frame["activity_id"] = [f"{activity.name}#{r}" for r in frame["_row"]]
    options = InventoryOptions(variants=_variants(variants))
    estimate = compute_located(frame, library, options=options, source=activity.name)
    if isinstance(library, FactorOverrides):
        # Every override row must reach a computed row, or the command fails (issue #9).
        check_overrides_used(library, estimate.rows, frame)
    return estimate, frame, library


def _emit(data: bytes, out: Path | None) -> None:
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        out.write_bytes(data)
        _err().print(f"已写入 / written: {out}")


ActivityArg = Annotated[Path, typer.Argument(
    help="ACTIVITY file (.csv/.xlsx): region_code,year,category,item,value,unit"
         "[,uncertainty_pct]", exists=True, dir_okay=False)]
FactorsOpt = Annotated[Path | None, typer.Option(
    "--factors", help="Factor override FILE: category,item,gas,parameter,value,unit"
                      "[,uncertainty_pct]", exists=True, dir_okay=False)]
VariantOpt = Annotated[list[str] | None, typer.Option(
    "--variant", help="Variant choice KEY=VALUE, e.g. OX=uncovered, "
                      "swine/EF_enteric_CH4=developing (repeatable).")]
GwpOpt = Annotated[Gwp | None, typer.Option("--gwp", help="GWP100 set (default AR5, stated "
                                                          "in the output).")]


@app.command("compute")
def compute(
    activity: ActivityArg,
    factors: FactorsOpt = None,
    gwp: GwpOpt = None,
    fmt: Annotated[ComputeFormat, typer.Option("--format", help="Output format.")] = (
        ComputeFormat.CSV),
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Output file (stdout if "
                                                                  "absent; required for xlsx).")
                   ] = None,
    variant: VariantOpt = None,
) -> None:
    """Compute the inventory: one row per region, year, category, item and gas.

    Columns: region_code, year, category, gas, emissions_t, co2e_t, gwp, item, sector, memo,
    notation, provisional, activity_value, activity_unit, method, factor_path, factor_ids,
    override_rows, activity_ids.
    """
    def run() -> None:
        from tanzhi.inventory.calc import compute_totals
        from tanzhi.inventory.formats.results import (
            factor_lineage,
            results_csv,
            results_json,
            results_workbook,
            with_co2e,
            with_lineage,
        )

        if fmt is ComputeFormat.XLSX and out is None:
            raise DataError(Problem("xlsx 输出须用 -o 指定文件", "xlsx output needs -o FILE"))
        chosen = _gwp(gwp)
        estimate, _frame, library = _load(activity, factors, variant)
        rows = with_co2e(with_lineage(estimate.rows, library), gwp=chosen)
        if fmt is ComputeFormat.CSV:
            _emit(results_csv(rows), out)
        elif fmt is ComputeFormat.JSON:
            totals = compute_totals(estimate.rows, gwp=chosen, by=("region_code", "year"))
            _emit(results_json(rows, gwp=chosen, source=activity.name,
                               totals=totals.to_dict("records")), out)
        else:
            _emit(_workbook(rows, library, chosen, factor_lineage, results_workbook), out)

    _guard(run)


def _workbook(rows, library, gwp: str, factor_lineage, results_workbook) -> bytes:
    """One workbook for a single region and year (the guideline's tables are per region-year)."""
    from tanzhi.kernel import packaged_regions

    keys = rows[["region_code", "year"]].drop_duplicates()
    if len(keys) != 1:
        raise DataError(Problem(
            f"xlsx 按指南表式输出一个地区一年，文件中有 {len(keys)} 个地区-年份组合；请用 csv/json",
            f"xlsx (the guideline's tables) holds one region and year; the file has {len(keys)} "
            "region-year combinations: use csv or json"))
    code, year = str(keys.iloc[0]["region_code"]), int(keys.iloc[0]["year"])
    names = {r.code: r.name_zh for r in packaged_regions()}
    return results_workbook(rows, region_name=names.get(code, code), year=year, gwp=gwp,
                            lineage=factor_lineage(rows, library))


@app.command("uncertainty")
def uncertainty(
    activity: ActivityArg,
    factors: FactorsOpt = None,
    method: Annotated[Method, typer.Option("--method", help="IPCC Approach 1 (propagation) or "
                                                            "2 (montecarlo).")] = (
        Method.PROPAGATION),
    iterations: Annotated[int, typer.Option("--iterations", min=100, max=5_000_000,
                                            help="Monte Carlo iterations.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Monte Carlo seed.")] = 1,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = (
        TableFormat.CSV),
    gwp: GwpOpt = None,
    variant: VariantOpt = None,
) -> None:
    """95 % intervals per category and in total, per region and year (t CO2e).

    Columns: region_code, year, category, co2e_t, low_t, high_t, uncertainty_pct, minus_pct,
    plus_pct, method, gwp.  Approach 1 intervals are symmetric (E ± U·|E|).
    """
    def run() -> None:
        from tanzhi.inventory.formats.results import results_csv, results_json
        from tanzhi.inventory.formats.uncertainty import uncertainty_table

        chosen = _gwp(gwp)
        estimate, _frame, _lib = _load(activity, factors, variant)
        table = uncertainty_table(estimate, gwp=chosen, method=method.value,
                                  iterations=iterations, seed=seed)
        if fmt is TableFormat.CSV:
            _emit(results_csv(table), None)
        else:
            _emit(results_json(table, gwp=chosen, method=method.value, seed=seed,
                               iterations=iterations if method is Method.MONTECARLO else None),
                  None)

    _guard(run)


@app.command("template")
def template(
    out: Annotated[Path, typer.Argument(help="Template file to write (.xlsx or .csv).")],
) -> None:
    """Write an ACTIVITY template (xlsx: column notes, examples, items and units by category)."""
    def run() -> None:
        from tanzhi.inventory.formats.activity import write_activity_template

        path = write_activity_template(out)
        typer.echo(f"已写入模板 / template written: {path}")

    _guard(run)


@app.command("balance")
def balance(
    file: Annotated[Path, typer.Argument(help="Energy balance table 能源平衡表（实物量）, "
                                              ".xlsx or .csv.", exists=True, dir_okay=False)],
    region: Annotated[str, typer.Option("--region", help="Region code, e.g. 330000.")],
    year: Annotated[int, typer.Option("--year", help="Data year.")],
    factors: FactorsOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet name.")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = (
        TableFormat.CSV),
) -> None:
    """Reference approach vs sectoral approach from an energy balance table, difference explained.

    Columns: region_code, year, item (fuel or 'total'), reference_co2_t, sectoral_co2_t,
    difference_t, difference_pct, energy_gap_co2_t, factor_gap_co2_t, conversion_net, losses,
    balance_difference, unit, explanation_zh, explanation_en.
    """
    def run() -> None:
        from tanzhi.inventory.formats.activity import read_factor_overrides
        from tanzhi.inventory.formats.balance import compare_balance, read_energy_balance
        from tanzhi.inventory.formats.results import results_csv, results_json
        from tanzhi.kernel import default_library

        library = read_factor_overrides(factors) if factors is not None else default_library()
        table = read_energy_balance(file, region_code=region, year=year, sheet=sheet)
        comparison = compare_balance(table, library)
        for zh, en in table.notes:
            _err().print(f"注 / note: {zh} / {en}")
        if fmt is TableFormat.CSV:
            _emit(results_csv(comparison), None)
        else:
            _emit(results_json(comparison, notes=[f"{zh} / {en}" for zh, en in table.notes]),
                  None)

    _guard(run)


@app.command("import")
def import_command(
    activity: ActivityArg,
    label: Annotated[str, typer.Option("--label", help="Name of the activity set.")] = "",
) -> None:
    """Import an ACTIVITY file into the database as a new activity set (all or nothing), with a
    progress bar; prints the set id to compile with `tanzhi inventory compile --source upload:ID`.
    """
    def run() -> None:
        from tanzhi.config import Settings
        from tanzhi.inventory.service import import_activity
        from tanzhi.kernel import make_session_factory, progress_bar, unit_of_work, upgraded_engine

        factory = make_session_factory(upgraded_engine(Settings(), "inventory_activity_set"))
        with progress_bar(_err(), f"导入 / import {activity.name}") as progress, \
                unit_of_work(factory, actor="cli", reason=f"inventory import {activity.name}") \
                as session:
            set_id = import_activity(session, activity, filename=activity.name,
                                     label=label or activity.name, progress=progress)
        typer.echo(f"upload:{set_id}")

    _guard(run)


@app.command("compile")
def compile_command(
    source: Annotated[str, typer.Option("--source", help="statistics | upload:<set id>")] = (
        "statistics"),
    gwp: GwpOpt = None,
    region: Annotated[list[str] | None, typer.Option(
        "--region", help="Region codes to compile (repeatable; default: the whole tree).")] = None,
    label: Annotated[str, typer.Option("--label", help="Name of the run.")] = "",
) -> None:
    """Compile and store an inventory run in the database, with a progress bar; prints its id."""
    def run() -> None:
        from tanzhi.config import Settings
        from tanzhi.inventory.service import compile_inventory
        from tanzhi.kernel import make_session_factory, progress_bar, unit_of_work, upgraded_engine

        factory = make_session_factory(upgraded_engine(Settings(), "inventory_run"))
        with progress_bar(_err(), "编制清单 / compile") as progress, \
                unit_of_work(factory, actor="cli", reason="inventory compile") as session:
            info = compile_inventory(session, region_codes=region or None, gwp=_gwp(gwp),
                                     source=source, label=label, progress=progress)
        typer.echo(f"run {info.id}: {info.n_rows} rows")


@app.command("ceads")
def ceads(
    file: Annotated[Path, typer.Argument(help="CEADs provincial energy inventory (47 sectors × "
                                              "17 fuels), .xlsx or .csv.", exists=True,
                                         dir_okay=False)],
    region: Annotated[str, typer.Option("--region", help="Region code, e.g. 330000.")],
    year: Annotated[int, typer.Option("--year", help="Data year.")],
    factors: FactorsOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet name.")] = None,
    layout: Annotated[CeadsLayout, typer.Option(
        "--layout", help="rows: one row per sector, fuel and gas (CO2, CH4, N2O); ceads: CO2 in "
                         "CEADs' emission-inventory layout (Mt, sector × fuel)")] = (
        CeadsLayout.ROWS),
    fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = (
        TableFormat.CSV),
) -> None:
    """Compute a CEADs energy inventory (Shan et al. 2018/2020) with CEADs' accounting rules.

    Power = own use + thermal power + heating supply inputs; non-energy use deducted from the
    industrial sectors; losses not burnt.  Give CEADs' own NCV, carbon content and oxidation
    per fuel with --factors to reproduce CEADs; without it the packaged Chinese defaults apply.
    """
    def run() -> None:
        from tanzhi.inventory.formats.activity import read_factor_overrides
        from tanzhi.inventory.formats.ceads import (
            ceads_emission_table,
            compute_ceads,
            read_ceads_inventory,
        )
        from tanzhi.inventory.formats.results import results_csv, results_json
        from tanzhi.kernel import default_library

        library = read_factor_overrides(factors) if factors is not None else default_library()
        inventory = read_ceads_inventory(file, region_code=region, year=year, sheet=sheet)
        for zh, en in inventory.notes:
            _err().print(f"注 / note: {zh} / {en}")
        if layout is CeadsLayout.CEADS:
            estimate = compute_ceads(inventory, library, gases=("CO2",))
            table = ceads_emission_table(estimate.rows, inventory).reset_index()
        else:
            table = compute_ceads(inventory, library, gases=("CO2", "CH4", "N2O")).rows
        if fmt is TableFormat.CSV:
            _emit(results_csv(table), None)
        else:
            _emit(results_json(table, notes=[f"{zh} / {en}" for zh, en in inventory.notes]),
                  None)

    _guard(run)

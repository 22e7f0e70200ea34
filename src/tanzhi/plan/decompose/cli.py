"""`tanzhi plan decompose PLAN_ID INDICATOR_ID --method … [--weights FILE] [--format csv]`.

plan/cli.py registers `decompose_command` on the `plan` app. Output: one CSV (or JSON) row per
child — region_code,name,base_value,target,profile,bound,check — then one row for the parent
whose ``target`` is the children's aggregate and whose ``check`` says whether it meets the
parent's target (``meets`` / ``fails``). The exit code is 1 when it fails.
"""

from __future__ import annotations

import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tanzhi.config import Settings
from tanzhi.kernel import (
    TanzhiError,
    csv_dict_writer,
    make_session_factory,
    unit_of_work,
    upgraded_engine,
)

COLUMNS = ["region_code", "name", "base_value", "target", "profile", "bound", "check"]


class MethodChoice(StrEnum):
    """Allocation methods."""

    EQUAL = "equal"
    INTENSITY = "intensity"
    WEIGHTED = "weighted"


class Format(StrEnum):
    """Output formats."""

    CSV = "csv"
    JSON = "json"


def decompose_command(
    plan_id: Annotated[str, typer.Argument(help="Plan id, e.g. sx-fyp14-climate.")],
    indicator_id: Annotated[str, typer.Argument(
        help="Indicator id, e.g. co2_intensity_reduction.")],
    method: Annotated[MethodChoice, typer.Option("--method", help="Allocation method 分解方法.")],
    weights: Annotated[Path | None, typer.Option(
        "--weights", exists=True, dir_okay=False,
        help="CSV/XLSX with columns criterion,weight (weighted method).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.CSV,
    parent_target: Annotated[float | None, typer.Option(
        "--parent-target", help="The parent's target when the plan has no number (%, or cap).")
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Exponent of the intensity method.")
                     ] = 1.0,
    save: Annotated[bool, typer.Option("--save", help="Store the result as a new round.")
                    ] = False,
) -> None:
    """Allocate a plan indicator's target to the plan region's children (目标分解)."""
    from tanzhi.plan.decompose import service

    try:
        weight_map = service.read_weights(weights) if weights is not None else None
        engine = upgraded_engine(Settings(), "kernel_statistic")
        try:
            with unit_of_work(make_session_factory(engine), actor="cli",
                              reason=f"plan decompose {plan_id} {indicator_id}") as session:
                result = service.run_round(
                    session, plan_id=plan_id, indicator_id=indicator_id, method=method.value,
                    weights=weight_map, alpha=alpha, parent_target=parent_target, actor="cli",
                    save=save)
        finally:
            engine.dispose()
    except TanzhiError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from exc
    rows = result_rows(result)
    if fmt is Format.JSON:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        buf = io.StringIO()
        writer = csv_dict_writer(buf, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(buf.getvalue(), nl=False)
    for zh, en in result.notes:
        typer.echo(f"# {zh} / {en}", err=True)
    if not result.aggregate["meets"]:
        raise typer.Exit(code=1)


def result_rows(result) -> list[dict[str, object]]:  # noqa: ANN001 — model.RoundResult
    """Child rows, then the parent's check row."""
    rows: list[dict[str, object]] = [
        {"region_code": r.region_code, "name": r.name_zh, "base_value": _num(r.base_value),
         "target": _num(r.target), "profile": _num(r.profile), "bound": r.bound, "check": ""}
        for r in result.children.itertuples(index=False)]
    agg = result.aggregate
    rows.append({
        "region_code": result.region_code, "name": f"{result.region_name_zh}（汇总 aggregate）",
        "base_value": _num(agg.get("parent_base")), "target": _num(agg["aggregate"]),
        "profile": "", "bound": "",
        "check": f"{'meets' if agg['meets'] else 'fails'} parent target {result.parent_target:g}",
    })
    return rows


def _num(value: object) -> object:
    return "" if value is None else round(float(value), 10)

"""`tanzhi enterprise grade`: the carbon efficiency code of firm-periods in a file (issue #12).

    tanzhi enterprise grade INPUT [--rules FILE] [--engine duckdb|spark]
                                  [--format csv|json|parquet] [-o OUT]

Bad input ends the command with exit code 2 and a located message in Chinese and English (the root
`tanzhi.cli.main` prints every `TanzhiError`); nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tanzhi.enterprise.grade.analytics import Engine
from tanzhi.enterprise.grade.service import OutputFormat, grade_file


def grade_command(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="CSV or Parquet: credit_code,"
                                               "industry,region_code,period,energy_co2_t,"
                                               "zero_carbon_electricity_co2_t,sink_co2_t,"
                                               "value_added_10k_yuan")],
    rules: Annotated[Path | None, typer.Option(
        "--rules", help="Rule-set folder or its meta.yaml "
        "(default: the packaged DB33/T 1347-2023 edition)")] = None,
    engine: Annotated[Engine, typer.Option("--engine", help="Ibis backend")] = Engine.DUCKDB,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format")] = OutputFormat.CSV,
    out: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Output file (default stdout)")] = None,
) -> None:
    """碳效码评价 Grade enterprises by carbon efficiency (L band, K grade, lists)."""
    result, encoded = grade_file(input_path, rules_path=rules, engine=engine, fmt=fmt, out=out)
    if encoded is not None:
        typer.echo(encoded.decode(), nl=False)
    else:
        typer.echo(f"{len(result)} 行已写入 / rows written: {out}", err=True)

"""Grade a file: read, check, run the bulk engine, write (issue #12 item 4, the CLI contract).

All-or-nothing: the input is checked completely before anything runs, and the output is written to
a temporary file beside OUT and renamed into place only when the whole result is ready.
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path

import pandas as pd

from tanzhi.enterprise.grade.analytics import Engine, connect, grade
from tanzhi.enterprise.grade.checks import check_input
from tanzhi.enterprise.grade.model import INPUT_COLUMNS, RuleSet
from tanzhi.enterprise.grade.rules import load_rules
from tanzhi.kernel import DataError


class OutputFormat(StrEnum):
    """What `grade_file` writes."""

    CSV = "csv"
    JSON = "json"
    PARQUET = "parquet"


def read_input(path: Path) -> pd.DataFrame:
    """The input's cells as text (CSV or Parquet, by suffix)."""
    shown = str(path)
    if not path.is_file():
        raise DataError.at("找不到输入文件", "input file not found", file=shown)
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
            return frame.astype(str).where(frame.notna(), "")
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise DataError.at(f"无法读取文件：{exc}", f"cannot read the file: {exc}",
                           file=shown) from exc
    raise DataError.at("输入须为 .csv 或 .parquet 文件",
                       "the input must be a .csv or .parquet file", file=shown)


def grade_frame(frame: pd.DataFrame, rules: RuleSet, *, file: str,
                engine: Engine | str = Engine.DUCKDB, con: object | None = None) -> pd.DataFrame:
    """Check `frame` (cells as text) and grade it on `engine` (or the given Ibis backend)."""
    clean = check_input(frame, rules, file=file)
    backend = con if con is not None else connect(engine)
    with tempfile.TemporaryDirectory(prefix="tanzhi-grade-") as tmp:
        staged = Path(tmp) / "input.parquet"
        clean.to_parquet(staged, index=False)
        table = backend.read_parquet(str(staged))  # type: ignore[attr-defined]
        result = backend.execute(grade(table, rules.rules))  # type: ignore[attr-defined]
    result = result.reset_index(drop=True)
    result["rules"] = rules.ref
    return result


def grade_file(input_path: Path, *, rules_path: Path | None = None,
               engine: Engine | str = Engine.DUCKDB, fmt: OutputFormat | str = OutputFormat.CSV,
               out: Path | None = None) -> tuple[pd.DataFrame, bytes | None]:
    """Grade `input_path`; write to `out` (atomically) or return the bytes for stdout."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.PARQUET and out is None:
        raise DataError.at("Parquet 输出需要 -o 指定文件", "Parquet output needs -o FILE",
                           column="--format")
    rules = load_rules(rules_path)
    result = grade_frame(read_input(input_path), rules, file=str(input_path), engine=engine)
    if out is None:
        return result, _encode(result, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if fmt is OutputFormat.PARQUET:
            result.to_parquet(tmp, index=False)
        else:
            tmp.write_bytes(_encode(result, fmt))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return result, None


def _encode(result: pd.DataFrame, fmt: OutputFormat) -> bytes:
    if fmt is OutputFormat.JSON:
        return result.to_json(orient="records", force_ascii=False, indent=1).encode()
    return result.to_csv(index=False, lineterminator="\n").encode()


__all__ = ["INPUT_COLUMNS", "OutputFormat", "grade_file", "grade_frame", "read_input"]

"""The canonical long-format frame (region_code, year, variable, unit, value) and its validation."""

from __future__ import annotations

import math
import re

import pandas as pd

from tanzhi.kernel.errors import Location, Problem, UnitError
from tanzhi.kernel.units import parse_unit

# DESIGN.md "Data and provenance": frames are long, keyed by region and year, with the unit
# beside every value (pyam's IAMC_IDX plus an explicit unit column).
LONG_COLUMNS = ("region_code", "year", "variable", "unit", "value")

# Further key columns a long frame may carry; every column other than `value` is part of the key.
DIMENSIONS = ("scenario", "sector", "item", "gas", "category")

# GB/T 2260 county-level codes have 6 digits; the statistical division codes (统计用区划代码)
# extend them to 9 (town) and 12 (village) digits.  Codes are strings: leading zeros are kept.
REGION_CODE = re.compile(r"\d{6,12}")

_SHOWN = 5


def python_text_storage() -> None:
    """Keep text columns of new frames in Python-backed ``str`` columns, process-wide.

    pandas 3 stores inferred text as Arrow-backed ``str`` whenever pyarrow is importable (Ibis,
    which the enterprise bulk engine uses, brings it).  The inventory engine builds its frames
    from numpy object arrays and reads them back the same way, so with Arrow storage every frame
    pays two conversions and ``Series.isin`` builds one Arrow scalar per looked-up value: the demo
    province compile measured 1.70–2.04 s CPU with Arrow storage against 0.96–1.06 s with
    Python storage, same process and data (issue #9 item 10, `bench/bench_inventory_compile.py`).
    The dtype (``str``, missing as NaN) and every value are the same under both storages; only
    the memory layout differs.  Called once by each entry point (`create_app`, the CLI, the test
    suite, the benchmarks) rather than at import, so importing tanzhi changes nothing.
    """
    pd.set_option("mode.string_storage", "python")


def _labels(index: pd.Index) -> str:
    shown = ", ".join(str(i) for i in index[:_SHOWN])
    return shown + (f" … (+{len(index) - _SHOWN})" if len(index) > _SHOWN else "")


def check_long_frame(frame: pd.DataFrame) -> list[Problem]:
    """Check that a frame follows the long format; return every problem found (empty if none).

    Rows are named by their index labels, since a frame has no spreadsheet rows.

    Parameters
    ----------
    frame
        Columns `LONG_COLUMNS`, optionally some of `DIMENSIONS` or other key columns.
        ``region_code`` strings of 6–12 digits, ``year`` integers, ``unit`` parseable by
        `tanzhi.kernel.units.parse_unit`, ``value`` finite numbers in that unit.

    Examples
    --------
    >>> ok = pd.DataFrame({"region_code": ["330100"], "year": [2020], "variable": ["emissions"],
    ...                    "unit": ["万吨 CO2"], "value": [1.5]})
    >>> check_long_frame(ok)
    []
    >>> [p.message_en for p in check_long_frame(ok.assign(year=[2020.5]))]
    ['year must have an integer dtype, got float64']
    """
    missing = [c for c in LONG_COLUMNS if c not in frame.columns]
    if missing:
        return [
            Problem(
                f"缺少列：{', '.join(missing)}",
                f"missing columns: {', '.join(missing)}",
            )
        ]
    problems: list[Problem] = []

    def bad(mask: pd.Series, column: str, zh: str, en: str) -> None:
        if mask.any():
            rows = _labels(frame.index[mask.to_numpy()])
            problems.append(
                Problem(f"{zh}（行 {rows}）", f"{en} (rows {rows})", Location(column=column))
            )

    codes = frame["region_code"]
    bad(
        ~codes.map(lambda c: isinstance(c, str) and bool(REGION_CODE.fullmatch(c))).astype(bool),
        "region_code",
        "行政区划代码必须是 6–12 位数字的字符串",
        "region_code must be a string of 6-12 digits",
    )
    if pd.api.types.is_integer_dtype(frame["year"].dtype):
        bad(frame["year"].isna(), "year", "年份缺失", "year is missing")
    else:
        problems.append(
            Problem(
                f"年份必须是整数类型，实为 {frame['year'].dtype}",
                f"year must have an integer dtype, got {frame['year'].dtype}",
                Location(column="year"),
            )
        )
    if pd.api.types.is_numeric_dtype(frame["value"].dtype) and not pd.api.types.is_bool_dtype(
        frame["value"].dtype
    ):
        values = frame["value"].astype("float64")
        bad(
            ~values.map(math.isfinite).astype(bool),
            "value",
            "数值缺失或不是有限数",
            "value is missing or not finite",
        )
    else:
        problems.append(
            Problem(
                f"数值必须是数字类型，实为 {frame['value'].dtype}",
                f"value must have a numeric dtype, got {frame['value'].dtype}",
                Location(column="value"),
            )
        )
    units = frame["unit"]
    bad(units.isna(), "unit", "单位缺失", "unit is missing")
    for unit in units.dropna().unique():
        try:
            parse_unit(str(unit))
        except UnitError as exc:
            rows = _labels(frame.index[(units == unit).to_numpy()])
            problems.extend(
                Problem(f"{p.message_zh}（行 {rows}）", f"{p.message_en} (rows {rows})",
                        Location(column="unit"))
                for p in exc.problems
            )
    key = [c for c in frame.columns if c != "value"]
    duplicated = frame.duplicated(subset=key, keep=False)
    if duplicated.any():
        bad(
            duplicated,
            ", ".join(key),
            "同一键（除 value 外各列）出现多次",
            "the same key (all columns but value) occurs more than once",
        )
    return problems

"""Reading the long input frame into validated `Line` records, every problem located."""

from __future__ import annotations

import math

import pandas as pd

from tanzhi.enterprise.account.model import (
    INPUT_COLUMNS,
    REQUIRED_COLUMNS,
    SOURCE_KIND_ALIASES,
    Line,
)
from tanzhi.kernel import DataError, Location, Problem, parse_unit

# Measured columns whose value is a fraction 0–1; the others only need to be positive.
FRACTION_COLUMNS = ("oxidation", "purity", "carbon_fraction", "abatement", "cao_fraction",
                    "mgo_fraction")
MEASURED_COLUMNS = ("ncv", "carbon_content", *FRACTION_COLUMNS)
UNIT_OF = {"ncv": "ncv_unit", "carbon_content": "carbon_content_unit"}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(value: object, row: int, column: str, problems: list[Problem]) -> float | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        problems.append(Problem(f"“{text}”不是数字", f"'{text}' is not a number",
                                Location(row=row, column=column)))
        return None
    if not math.isfinite(number):
        problems.append(Problem(f"“{text}”不是有限数值", f"'{text}' is not a finite number",
                                Location(row=row, column=column)))
        return None
    return number


def read_lines(frame: pd.DataFrame, *,
               file: str | None = None) -> tuple[list[Line], list[Problem]]:
    """The valid lines of `frame` (`INPUT_COLUMNS`) and the problems of the others.

    Rows are spreadsheet rows (header = 1).  Problems: an unknown column or source kind, an
    empty item, a quantity that is missing, not a number or negative, a unit that does not
    parse, a measured value out of range — each located; a line with any is left out.

    Raises
    ------
    DataError
        A required column is missing (nothing can be read).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(Problem(
            f"缺少必填列：{'、'.join(missing)}", f"missing required columns: {', '.join(missing)}",
            Location(file)))
    unknown = [c for c in frame.columns if c not in INPUT_COLUMNS and c != "row"]
    problems: list[Problem] = []
    if unknown:
        problems.append(Problem(f"未知列：{'、'.join(map(str, unknown))}",
                                f"unknown columns: {', '.join(map(str, unknown))}",
                                Location(file)))
    lines = []
    for position, record in enumerate(frame.to_dict("records")):
        row = int(record["row"]) if "row" in record and _text(record.get("row")) else position + 2

        def at(column: str, row: int = row) -> Location:
            return Location(file, row, column)

        kind_text = _text(record["source_kind"])
        kind = SOURCE_KIND_ALIASES.get(kind_text) or SOURCE_KIND_ALIASES.get(kind_text.lower())
        if kind is None:
            problems.append(Problem(
                f"未知排放源类别“{kind_text}”（可用：combustion、process、electricity、heat、"
                "green_power 或 化石燃料燃烧、工业生产过程、购入电力、购入热力、绿色电力扣减）",
                f"unknown source kind '{kind_text}' (use combustion, process, electricity, "
                "heat or green_power)", at("source_kind")))
        item = _text(record["item"])
        if not item:
            problems.append(Problem("缺少项目", "missing item", at("item")))
        quantity = _number(record["quantity"], row, "quantity", problems)
        if quantity is None and not _text(record["quantity"]):
            problems.append(Problem("缺少数量", "missing quantity", at("quantity")))
        elif quantity is not None and quantity < 0:
            problems.append(Problem(f"数量不能为负：{quantity:g}",
                                    f"quantity cannot be negative: {quantity:g}", at("quantity")))
        unit = _text(record["unit"])
        try:
            parse_unit(unit, location=at("unit"))
        except DataError as exc:
            problems.extend(exc.problems)
        measured: dict[str, float] = {}
        units: dict[str, str] = {}
        for column in MEASURED_COLUMNS:
            value = _number(record.get(column), row, column, problems)
            if value is None:
                continue
            if value < 0 or (column in FRACTION_COLUMNS and value > 1):
                bound = "0–1 之间的小数" if column in FRACTION_COLUMNS else "非负数"
                bound_en = "a fraction between 0 and 1" if column in FRACTION_COLUMNS else (
                    "non-negative")
                problems.append(Problem(f"实测值 {value:g} 应为{bound}",
                                        f"measured value {value:g} must be {bound_en}",
                                        at(column)))
                continue
            measured[column] = value
            unit_column = UNIT_OF.get(column)
            if unit_column and _text(record.get(unit_column)):
                units[column] = _text(record.get(unit_column))
        if problems and any(p.location.row == row for p in problems):
            continue
        assert kind is not None and quantity is not None
        lines.append(Line(
            row=row, kind=kind, item=item, quantity=quantity, unit=unit,
            facility=_text(record.get("facility")), variant=_text(record.get("variant")),
            evidence=_text(record.get("evidence")), measured=measured, measured_units=units))
    return lines, problems

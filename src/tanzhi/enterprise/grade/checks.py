"""Check a grading input table before anything is computed (issue #12 item 4, CLI contract).

Every problem is collected with its file, row (the header is row 1) and column, in Chinese and
English; one bad cell fails the whole file and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from tanzhi.enterprise.grade.model import INPUT_COLUMNS, NUMBER_COLUMNS, TEXT_COLUMNS, RuleSet
from tanzhi.kernel import DataError, Location, Problem, credit_code_problem

_INDUSTRY = re.compile(r"^([A-T])?(\d{2})(\d{0,2})$")
_REGION = re.compile(r"^\d{6}$")
_PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")


def check_input(frame: pd.DataFrame, rules: RuleSet, *, file: str) -> pd.DataFrame:
    """The input as typed columns plus ``industry_group``; `DataError` listing every problem.

    `frame` holds the file's cells as text (``dtype=str``), in file order.
    """
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        need = ",".join(INPUT_COLUMNS)
        raise DataError.at(f"缺少列：{'、'.join(missing)}（需要 {need}）",
                           f"missing columns: {', '.join(missing)} (need {need})",
                           file=file, row=1, column=missing[0])
    if frame.empty:
        raise DataError.at("没有数据行", "the file has no data rows", file=file)
    problems: list[Problem] = []

    def bad(row: int, column: str, zh: str, en: str) -> None:
        problems.append(Problem(zh, en, Location(file, row, column)))

    text = {c: frame[c].fillna("").astype(str).str.strip() for c in TEXT_COLUMNS}
    groups = rules.group_of_division()
    sections = {i.division: i.section for i in rules.industries}
    industry_group: list[str | None] = []
    for i in range(len(frame)):
        row = i + 2
        for column in TEXT_COLUMNS:
            if not text[column].iat[i]:
                bad(row, column, "单元格为空", "the cell is empty")
        code = text["credit_code"].iat[i]
        if code:
            problem = credit_code_problem(code)
            if problem:
                bad(row, "credit_code", *problem)
        industry_group.append(_industry(text["industry"].iat[i], groups, sections, row, bad))
        region = text["region_code"].iat[i]
        if region and not _REGION.match(region):
            bad(row, "region_code", f"行政区划代码“{region}”应为 6 位数字（GB/T 2260）",
                f"region code '{region}' must be 6 digits (GB/T 2260)")
        period = text["period"].iat[i]
        if period and not _PERIOD.match(period):
            bad(row, "period", f"期间“{period}”应为 YYYY 或 YYYY-MM",
                f"period '{period}' must be YYYY or YYYY-MM")

    numbers = {}
    for column in NUMBER_COLUMNS:
        raw = frame[column].fillna("").astype(str).str.strip()
        values = pd.to_numeric(raw, errors="coerce")
        numbers[column] = values.to_numpy(dtype=float)
        for i in np.flatnonzero(~np.isfinite(numbers[column])):
            bad(int(i) + 2, column, f"“{raw.iat[i]}”不是有限数值",
                f"'{raw.iat[i]}' is not a finite number")
        for i in np.flatnonzero(numbers[column] < 0):
            bad(int(i) + 2, column, "数值不能为负", "the value must not be negative")
    for i in np.flatnonzero(numbers["value_added_10k_yuan"] == 0):
        bad(int(i) + 2, "value_added_10k_yuan", "增加值须大于 0（L 以增加值为分母）",
            "value added must be greater than 0 (it divides L)")
    over = numbers["zero_carbon_electricity_co2_t"] > numbers["energy_co2_t"]
    for i in np.flatnonzero(over):
        bad(int(i) + 2, "zero_carbon_electricity_co2_t",
            "零碳电力对应的二氧化碳不能大于能源活动二氧化碳（它是后者的一部分）",
            "zero-carbon electricity CO2 cannot exceed the energy CO2 it is part of")

    keys = text["credit_code"] + "\x00" + text["period"]
    first_row = {}
    for i, key in enumerate(keys):
        if key in first_row:
            code, period = text["credit_code"].iat[i], text["period"].iat[i]
            bad(i + 2, "period", f"企业 {code} 期间 {period} 重复（首见于第 {first_row[key]} 行）",
                f"enterprise {code} period {period} appears twice (first on row {first_row[key]})")
        else:
            first_row[key] = i + 2

    if problems:
        order = {c: i for i, c in enumerate(INPUT_COLUMNS)}
        problems.sort(key=lambda p: (p.location.row or 0, order.get(p.location.column or "", 99)))
        raise DataError(problems)
    out = pd.DataFrame({c: text[c] for c in TEXT_COLUMNS})
    out["industry"] = [text["industry"].iat[i] for i in range(len(frame))]
    for column in NUMBER_COLUMNS:
        out[column] = numbers[column]
    out["industry_group"] = industry_group
    return out


def _industry(code: str, groups: dict[str, str], sections: dict[str, str], row: int,
              bad: Callable[[int, str, str, str], None]) -> str | None:
    if not code:
        return None
    match = _INDUSTRY.match(code)
    division = match.group(2) if match else None
    if match is None or division not in groups:
        bad(row, "industry",
            f"未知行业“{code}”：应为规则集所列 GB/T 4754-2017 工业大类（如 26、2614、C2614）",
            f"unknown industry '{code}': expected a GB/T 4754-2017 industrial division of the "
            "rule set (e.g. 26, 2614, C2614)")
        return None
    letter = match.group(1)
    if letter and letter != sections[division]:
        bad(row, "industry",
            f"行业“{code}”的门类字母应为 {sections[division]}",
            f"industry '{code}': division {division} is in section {sections[division]}, "
            f"not {letter}")
        return None
    return groups[division]

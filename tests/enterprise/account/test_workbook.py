"""The reporting template: written, filled as a person would in Excel, read back, accounted;
bad files get located errors (issue #12 item 2, deliverable 5)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tanzhi.enterprise.account import (
    account_report,
    read_report_workbook,
    split_periods,
    write_report_template,
)
from tanzhi.kernel import DataError

C = 44 / 12


def filled(tmp_path: Path, rows: list[list[object]]) -> Path:
    path = write_report_template(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["period", "source_kind", "item", "quantity", "unit"]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_template_round_trip_monthly(tmp_path: Path) -> None:
    path = filled(tmp_path, [
        ["2024-01", "化石燃料燃烧", "原煤", 100, "t", "锅炉1", 20.908, "GJ/t", 26.37, None,
         0.94],
        ["2024-01", "购入电力", "电力", 100, "万千瓦时"],
        ["2024-02", "化石燃料燃烧", "原煤", 50000, "kg", "锅炉1", 20.908, "GJ/t", 26.37, None,
         0.94],
        ["2024-02", "绿色电力扣减", "绿电", 10, "MWh", None, None, None, None, None, None, None,
         None, None, None, None, None, "GEC-001"],
    ])
    frame = read_report_workbook(path)
    assert frame["row"].tolist() == [2, 3, 4, 5]
    months = split_periods(frame)
    assert list(months) == ["2024-01", "2024-02"]
    coal_t = 20.908 * 0.02637 * 0.94 * C  # t CO2 per t of this coal
    jan = account_report(months["2024-01"], gwp="AR5", year=2024, file=path.name)
    assert jan.total_co2e_t == pytest.approx(100 * coal_t + 1000 * 0.5306)  # 2024 → 2023 factor
    feb = account_report(months["2024-02"], gwp="AR5", year=2024, file=path.name)
    assert feb.lines["row"].tolist() == [4, 5]
    assert feb.total_co2e_t == pytest.approx(50 * coal_t - 10 * 0.5306)


def test_accounting_errors_point_at_the_file_row(tmp_path: Path) -> None:
    path = filled(tmp_path, [
        ["2024", "combustion", "原煤", 1, "t"],
        ["2024", "combustion", "火星煤", 1, "t"],
    ])
    with pytest.raises(DataError) as caught:
        account_report(read_report_workbook(path).drop(columns=["period"]), gwp="AR5",
                       year=2024, file=path.name)
    (problem,) = caught.value.problems
    assert (problem.location.file, problem.location.row, problem.location.column) == (
        "template.xlsx", 3, "item")


def test_bad_periods_twice_reported_lines_and_mixed_period_kinds(tmp_path: Path) -> None:
    path = filled(tmp_path, [
        ["2024-13", "combustion", "原煤", 1, "t"],
        ["2024-01", "combustion", "原煤", 1, "t"],
        ["2024-01", "combustion", "原煤", 2, "t"],
        ["2024", "heat", "热力", 5, "GJ"],
        ["2025-01", "heat", "热力", -5, "GJ"],
    ])
    with pytest.raises(DataError) as caught:
        read_report_workbook(path)
    where = [(p.location.row, p.location.column) for p in caught.value.problems]
    assert (6, "quantity") in where  # negative, from the kernel table reader
    with pytest.raises(DataError) as caught:
        read_report_workbook(filled(tmp_path, [
            ["2024-13", "combustion", "原煤", 1, "t"],
            ["2024-01", "combustion", "原煤", 1, "t"],
            ["2024-01", "combustion", "原煤", 2, "t"],
            ["2024", "heat", "热力", 5, "GJ"],
        ]))
    found = caught.value.problems
    assert [(p.location.row, p.location.column) for p in found] == [
        (2, "period"), (4, "period"), (5, "period")]
    assert "YYYY-MM" in found[0].message_zh and "YYYY-MM" in found[0].message_en
    assert "与第 3 行重复" in found[1].message_zh and "duplicates row 3" in found[1].message_en
    assert "同时有月报与年报" in found[2].message_zh and "both monthly and annual" in (
        found[2].message_en)


def test_csv_template_with_chinese_headers(tmp_path: Path) -> None:
    csv = ("期间,排放源类别,项目,数量,单位,碳酸盐含量\n"
           "2024,工业生产过程,石灰石,1000,t,0.9\n").encode()
    frame = read_report_workbook(csv, filename="annual.csv")
    (year,) = split_periods(frame).values()
    result = account_report(year, gwp="AR5", year=2024)
    assert result.total_co2e_t == pytest.approx(1000 * 0.9 * 0.43971)

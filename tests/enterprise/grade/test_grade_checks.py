"""Bad grading input: a located zh+en error and nothing written (issue #12 item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanzhi.enterprise import grade_file, grade_frame, load_rules
from tanzhi.kernel import DataError

from .cases import ROWS, code, frame

RULES = load_rules()


def _problem(rows: list[tuple], *, edit: dict[str, str] | None = None, row: int = 0,  # type: ignore[type-arg]
             drop: str | None = None) -> DataError:
    data = frame(rows)
    for column, value in (edit or {}).items():
        data.loc[row, column] = value
    if drop:
        data = data.drop(columns=[drop])
    with pytest.raises(DataError) as err:
        grade_frame(data, RULES, file="in.csv")
    return err.value


@pytest.mark.parametrize(("column", "value", "en", "zh"), [
    ("credit_code", code(1)[:17] + ("A" if code(1)[17] != "A" else "B"), "GB 32100", "校验位"),
    ("value_added_10k_yuan", "0", "greater than 0", "大于 0"),
    ("value_added_10k_yuan", "-5", "negative", "负"),
    ("industry", "5111", "unknown industry", "未知行业"),
    ("industry", "B26", "section C", "门类"),
    ("energy_co2_t", "12,5", "not a finite number", "数值"),
    ("sink_co2_t", "", "not a finite number", "数值"),
    ("period", "2024Q1", "YYYY", "期间"),
    ("region_code", "3305", "6 digits", "行政区划"),
    ("zero_carbon_electricity_co2_t", "7", "cannot exceed", "零碳电力"),
])
def test_bad_cell_is_located(column: str, value: str, en: str, zh: str) -> None:
    err = _problem(ROWS, edit={column: value}, row=0)
    problem = err.problems[0]
    assert (problem.location.file, problem.location.row, problem.location.column) == (
        "in.csv", 2, column)
    assert en in problem.message_en
    assert zh in problem.message_zh


def test_a_firm_period_twice_names_both_rows() -> None:
    err = _problem([*ROWS, ROWS[3]])
    problem = err.problems[0]
    assert (problem.location.row, problem.location.column) == (len(ROWS) + 2, "period")
    assert "first on row 5" in problem.message_en
    assert "重复" in problem.message_zh


def test_missing_column() -> None:
    err = _problem(ROWS, drop="sink_co2_t")
    assert err.problems[0].location.column == "sink_co2_t"
    assert "missing columns" in err.problems[0].message_en


def test_every_problem_is_reported_not_just_the_first() -> None:
    data = frame(ROWS)
    data.loc[0, "value_added_10k_yuan"] = "0"
    data.loc[3, "industry"] = "99"
    with pytest.raises(DataError) as err:
        grade_frame(data, RULES, file="in.csv")
    assert [(p.location.row, p.location.column) for p in err.value.problems] == [
        (2, "value_added_10k_yuan"), (5, "industry")]


def test_nothing_is_written_on_bad_input(tmp_path: Path) -> None:
    data = frame(ROWS)
    data.loc[2, "credit_code"] = "91330502000000001X"
    source = tmp_path / "in.csv"
    data.to_csv(source, index=False)
    out = tmp_path / "out" / "graded.csv"
    with pytest.raises(DataError):
        grade_file(source, out=out)
    assert not out.exists()
    assert not out.parent.exists() or not any(out.parent.iterdir())

"""Targets set by the higher level filled from an entered assignment, split targets rated part by
part, and the coverage of one plan (issue #11 item 1). Hand-computed values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tanzhi.config import Settings
from tanzhi.kernel import DataError, make_engine, make_session_factory, unit_of_work
from tanzhi.plan import (
    enter_assignment,
    indicator_coverage,
    part_key,
    record_actual,
    status_table,
    sync_packaged_plans,
)

TZ, ZJ = "tz-fyp14-climate", "zj-fyp14-climate"


@pytest.fixture(scope="module")
def factory(migrated_copy: Callable[[Path], Settings], tmp_path_factory):
    settings = migrated_copy(tmp_path_factory.mktemp("assign") / "data")
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="t") as s:
        sync_packaged_plans(s)
    yield factory
    engine.dispose()


def _row(s, plan: str, indicator: str, year: int | None = None):
    return status_table(s, plan, year=year).set_index("indicator_id").loc[indicator]


def _record(s, plan: str, key: str, year: int, value: float) -> None:
    record_actual(s, plan_id=plan, indicator_id=key, region_code="330000" if plan == ZJ
                  else "331000", year=year, value=value, source="测试", actor="t")


def test_an_entered_assignment_fills_the_target_with_its_source(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        assert _row(s, TZ, "coal_share")["status_note"] == "set_by_higher_level"
        enter_assignment(s, plan_id=TZ, indicator_id="coal_share", value=50.0,
                         source="省下达文件（测试）", actor="t")
        row = _row(s, TZ, "coal_share")
        assert row["target"] == 50.0 and row["target_basis"] == "上级下达：省下达文件（测试）"
        # a second entry supersedes the first
        enter_assignment(s, plan_id=TZ, indicator_id="coal_share", value=48.0,
                         source="省下达文件（修订）", actor="t")
        assert _row(s, TZ, "coal_share")["target"] == 48.0
        # baseline 53.92 (the 2020 actual), 2025 actual 50.0:
        # completion (50 − 53.92) ÷ (48 − 53.92)
        _record(s, TZ, "coal_share", 2020, 53.92)
        _record(s, TZ, "coal_share", 2025, 50.0)
        row = _row(s, TZ, "coal_share", 2025)
        assert row["completion"] == pytest.approx(3.92 / 5.92)
        assert row["status"] == "red"  # 0.662 < 0.8 × expected progress 1.0
        s.rollback()


def test_a_percent_cut_on_a_level_cuts_the_baseline(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        # Shaoxing 单位 GDP 综合能耗: 0.41 printed, −16.5 % packaged from the plan's own goals
        row = _row(s, "sx-fyp14-climate", "energy_intensity")
        assert row["target"] == pytest.approx(0.41 * 0.835)


@pytest.mark.parametrize(("field", "kwargs"), [
    ("indicator_id", {"indicator_id": "non_fossil_share"}),  # a printed target, not assigned
    ("value", {"value": float("nan")}),
    ("source", {"source": "  "}),
    ("basis", {"basis": "ratio"}),
])
def test_a_bad_assignment_is_a_located_error(factory, field: str, kwargs: dict) -> None:
    args = {"plan_id": TZ, "indicator_id": "coal_share", "value": 50.0, "source": "文件",
            "actor": "t"} | kwargs
    with unit_of_work(factory, actor="t") as s, pytest.raises(DataError) as err:
        enter_assignment(s, **args)
    assert [p.location.column for p in err.value.problems] == [field]


def test_a_split_target_is_rated_part_by_part(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        water, rail = part_key("freight_modal_shift", "公转水"), part_key(
            "freight_modal_shift", "公转铁")
        _record(s, ZJ, water, 2020, 1.0)
        _record(s, ZJ, water, 2025, 3.2)  # target 3: met, green
        row = _row(s, ZJ, "freight_modal_shift", 2025)
        assert row["status"] is None and row["status_note"] == "per_component"
        assert "公转铁" in row["target_basis"]  # names the part still missing
        _record(s, ZJ, rail, 2020, 2.0)
        _record(s, ZJ, rail, 2025, 4.0)  # target 5: (4 − 2) ÷ (5 − 2) = 0.667 < 0.8: red
        row = _row(s, ZJ, "freight_modal_shift", 2025)
        assert row["status"] == "red" and row["completion"] == pytest.approx(2 / 3)
        assert "公转水 进度正常" in row["target_basis"] and "公转铁 进度滞后" in row["target_basis"]
        detail = indicator_coverage(s, ZJ, year=2025).set_index("indicator_id")
        assert detail.loc["freight_modal_shift", "status"] == "red"
        s.rollback()


def test_an_unknown_part_is_refused(factory) -> None:
    with unit_of_work(factory, actor="t") as s, pytest.raises(Exception, match="公转空"):
        _record(s, ZJ, part_key("freight_modal_shift", "公转空"), 2025, 1.0)


def test_gaps_name_what_is_missing_who_owes_it_and_since_when(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        detail = indicator_coverage(s, TZ, year=2025).set_index("indicator_id")
    gap = detail.loc["natural_coastline_share"]  # the plan states no target
    assert gap["missing_zh"] == "规划未填目标值" and gap["owner"] == "市自然资源局"
    assert gap["since"] == "2021-01-01"  # a draft edition: owed since the period began
    stock = detail.loc["forest_stock"]  # 上级下达, nothing entered in this database
    assert stock["owner"] == "上级（下达）；市自然资源局（报送）"
    green = detail.loc["green_building_2star_share"]  # a printed target, no 2025 actual
    assert green["missing_zh"] == "2025 年实际值" and green["since"] == "2026-06-30"

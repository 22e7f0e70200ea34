"""Warning rules (`tanzhi.plan.checks`): pure `check_*` functions and their registries."""

from __future__ import annotations

from datetime import date

import pytest

from tanzhi.plan import checks
from tanzhi.plan.checks import ReportingState, StatusChange
from tanzhi.plan.model import load_plan

PLAN = load_plan("zj-fyp14-climate")
IND = PLAN.indicator("forest_stock")


def _change(before: str | None, after: str, year: int = 2023) -> StatusChange:
    return StatusChange(PLAN, IND, "330000", year,
                        None if before is None else {"status": before},
                        {"status": after, "actual": 4.1, "target": 4.45, "completion": 0.35,
                         "expected_progress": 0.6, "time_progress": 0.6, "year": year,
                         "region_name": "浙江省"}, "alice")


def test_both_rules_are_registered_once() -> None:
    assert checks.RECORD_RULES.count(checks.check_light) == 1
    assert checks.SCAN_RULES.count(checks.check_report_overdue) == 1


@pytest.mark.parametrize(("before", "after", "found"), [
    # One rule (issue #11 item 5): the light after the change decides, whatever came before.
    ("green", "yellow", 1), ("green", "red", 1), ("yellow", "red", 1), ("red", "yellow", 1),
    ("red", "red", 1), (None, "red", 1), (None, "yellow", 1),
    ("yellow", "green", 0), ("green", "green", 0), ("green", "none", 0),
])
def test_light_rule_fires_while_amber_or_red(before: str | None, after: str, found: int) -> None:
    assert len(checks.check_light(_change(before, after))) == found


def test_light_finding_uses_names_and_is_keyed_by_light_and_year() -> None:
    (finding,) = checks.check_light(_change("green", "red"))
    assert finding.event == "status_warning"
    assert finding.key == "light:zj-fyp14-climate:forest_stock:330000:2023:red"
    assert finding.title[0] == "红灯预警：森林蓄积量（浙江省，2023 年）"
    assert "330000" not in finding.title[0] + finding.body[0]
    assert "forest_stock" not in finding.title[0] + finding.body[0]
    assert "完成进度 35.0%" in finding.body[0] and "目标 4.45 亿立方米" in finding.body[0]
    (again,) = checks.check_light(_change(None, "red"))
    assert again.key == finding.key  # the same warning is delivered once
    (later,) = checks.check_light(_change("red", "red", year=2024))
    assert later.key != finding.key  # a new year's light is a new warning


def test_report_overdue_lists_missing_years_past_their_due_date() -> None:
    rated = [i for i in PLAN.indicators if i.target.kind not in ("qualitative", "not_stated")]
    # 30 June 2023 has passed for 2021 and 2022 only (2022's figure is due by 2023-06-30).
    state = ReportingState(PLAN, frozenset({(IND.id, 2021)}), date(2023, 7, 1))
    found = checks.check_report_overdue(state)
    assert {(f.indicator.id, f.year) for f in found} == (
        {(i.id, y) for i in rated for y in (2021, 2022)} - {(IND.id, 2021)})
    assert all(f.region_code == PLAN.region_code and f.event == "report_overdue" for f in found)
    assert {f.extra["due"] for f in found} == {"2022-06-30", "2023-06-30"}


def test_report_overdue_respects_a_later_due_date() -> None:
    state = ReportingState(PLAN, frozenset(), date(2023, 7, 1), due=(12, 31))
    assert {f.year for f in checks.check_report_overdue(state)} == {2021}

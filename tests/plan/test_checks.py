"""Warning rules (`tanzhi.plan.checks`): pure `check_*` functions and their registries."""

from __future__ import annotations

from datetime import date

import pytest

from tanzhi.plan import checks
from tanzhi.plan.checks import ReportingState, StatusChange
from tanzhi.plan.model import load_plan

PLAN = load_plan("zj-fyp14-climate")
IND = PLAN.indicator("forest_stock")


def _change(before: str | None, after: str, revision: int = 2) -> StatusChange:
    return StatusChange(PLAN, IND, "330000", 2023,
                        None if before is None else {"status": before},
                        {"status": after, "actual": 4.1, "completion": 0.35,
                         "time_progress": 0.6, "revision": revision}, "alice")


def test_both_rules_are_registered_once() -> None:
    assert checks.RECORD_RULES.count(checks.check_status_worsened) == 1
    assert checks.SCAN_RULES.count(checks.check_report_overdue) == 1


@pytest.mark.parametrize(("before", "after", "found"), [
    ("green", "yellow", 1), ("green", "red", 1), ("yellow", "red", 1),
    ("red", "yellow", 0), ("yellow", "green", 0), ("red", "red", 0), ("green", "green", 0),
    (None, "red", 0),  # a first value has nothing to worsen from
    ("green", "none", 0),  # no status after (e.g. no target): no warning
])
def test_status_worsened_fires_only_on_a_worse_light(before: str | None, after: str,
                                                    found: int) -> None:
    assert len(checks.check_status_worsened(_change(before, after))) == found


def test_status_worsened_finding_names_the_change_and_is_keyed_by_revision() -> None:
    (finding,) = checks.check_status_worsened(_change("green", "red", revision=3))
    assert finding.event == "status_worsened"
    assert finding.key == "status:zj-fyp14-climate:forest_stock:330000:2023:r3:green>red"
    assert "由绿灯转为红灯" in finding.title[0]
    assert "completion 35.0%" in finding.body[1]
    assert finding.extra["old_status"] == "green" and finding.extra["new_status"] == "red"
    (other,) = checks.check_status_worsened(_change("green", "red", revision=4))
    assert other.key != finding.key  # a later revision warns again


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
